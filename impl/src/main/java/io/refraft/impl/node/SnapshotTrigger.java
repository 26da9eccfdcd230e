package io.refraft.impl.node;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * When a driver takes a snapshot: at the end of a turn, when its {@link SnapshotPolicy} says one is
 * due or a client forced one ({@code POST /admin/snapshot}). Owned by the state thread.
 */
final class SnapshotTrigger {
  private SnapshotPolicy policy = SnapshotPolicy.NEVER;
  private final List<CompletableFuture<Long>> forced = new ArrayList<>();

  void policy(SnapshotPolicy p) {
    policy = java.util.Objects.requireNonNull(p, "policy");
  }

  /** A client asks for a snapshot now; {@code result} gets the index of the newest snapshot after it. */
  void force(CompletableFuture<Long> result) {
    forced.add(result);
  }

  /** Whether a snapshot is wanted after {@code entries} entries and {@code bytes} payload bytes applied since the last. */
  boolean wanted(long entries, long bytes) {
    return !forced.isEmpty() || (entries > 0 && policy.due(entries, bytes));
  }

  /** The forced snapshots are done: the newest durable one is at {@code index} (0: none). */
  void completeForced(long index) {
    forced.forEach(f -> f.complete(index));
    forced.clear();
  }

  void failAll(Exception cause) {
    forced.forEach(f -> f.completeExceptionally(cause));
    forced.clear();
  }
}
