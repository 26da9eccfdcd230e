package io.refraft.impl.node;

import java.util.ArrayList;
import java.util.List;

/**
 * A state machine for tests and the bare node: it records every command it is given, plus a
 * running digest of (index, command) so nodes can compare what they applied without shipping it.
 * Thread-safe for readers: {@link #applied()} and {@link #digest()} may be called from any thread.
 */
public final class RecordingStateMachine implements StateMachine {

  /** One applied command. */
  public record Applied(long index, byte[] command) {}

  private final List<Applied> applied = new ArrayList<>();
  private final boolean keep;
  private long digest = 1125899906842597L;
  private long count;

  /** @param keep whether to keep the commands (false: only count and digest, constant memory) */
  public RecordingStateMachine(boolean keep) {
    this.keep = keep;
  }

  @Override
  public synchronized void apply(long index, byte[] command) {
    if (keep) {
      applied.add(new Applied(index, command)); // digested when asked: the simulator never asks
    } else {
      digest = mix(digest, index, command);
    }
    count++;
  }

  /** FNV-style mixing: order-sensitive, so two nodes agree only if they applied the same sequence. */
  private static long mix(long digest, long index, byte[] command) {
    long h = digest * 1099511628211L ^ index;
    for (byte b : command) {
      h = (h ^ (b & 0xff)) * 1099511628211L;
    }
    return h;
  }

  /** A copy of what was applied so far, in order (empty unless constructed with {@code keep}). */
  public synchronized List<Applied> applied() {
    return List.copyOf(applied);
  }

  public synchronized long digest() {
    if (!keep) {
      return digest;
    }
    long h = digest;
    for (Applied a : applied) {
      h = mix(h, a.index(), a.command());
    }
    return h;
  }

  public synchronized long count() {
    return count;
  }
}
