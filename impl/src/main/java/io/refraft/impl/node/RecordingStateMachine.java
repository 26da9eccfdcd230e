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

  /**
   * {@code count u64 | digest u64 | kept u32 | (index u64 | length u32 | command)*kept}: what a
   * restore needs to continue the same count and digest (and, kept, the same list).
   */
  @Override
  public synchronized byte[] snapshot() {
    int size = 20;
    for (Applied a : applied) {
      size += 12 + a.command().length;
    }
    java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(size).putLong(count).putLong(digest).putInt(applied.size());
    for (Applied a : applied) {
      b.putLong(a.index()).putInt(a.command().length).put(a.command());
    }
    return b.array();
  }

  @Override
  public synchronized void restore(long index, byte[] snapshot) throws java.io.IOException {
    java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(snapshot);
    List<Applied> restored = new ArrayList<>();
    try {
      long n = b.getLong();
      long d = b.getLong();
      for (int i = b.getInt(); i > 0; i--) {
        long at = b.getLong();
        byte[] command = new byte[b.getInt()];
        b.get(command);
        restored.add(new Applied(at, command));
      }
      if (b.hasRemaining() || (!keep && !restored.isEmpty())) {
        throw new java.io.IOException("applied-commands snapshot at index " + index + ": " + b.remaining()
            + " bytes left over, or commands kept by a recorder that keeps none");
      }
      count = n;
      digest = d;
    } catch (java.nio.BufferUnderflowException | NegativeArraySizeException e) {
      throw new java.io.IOException("applied-commands snapshot at index " + index + " ends early (" + snapshot.length
          + " bytes)");
    }
    applied.clear();
    applied.addAll(restored);
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
