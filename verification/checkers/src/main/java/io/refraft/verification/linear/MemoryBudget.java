package io.refraft.verification.linear;

/**
 * The bytes a linearizability check may hold in its searches' caches, counted by the caches
 * themselves (their arrays and an estimate per cached state), so that a search that would exhaust
 * the heap stops with an unknown verdict instead of an {@link OutOfMemoryError} that a caller could
 * read as a failure of the history. Shared by the partitions of one check, which are searched
 * interleaved and hold their caches at the same time.
 */
public final class MemoryBudget {
  private final long limit;
  private long used;

  private MemoryBudget(long limit) {
    if (limit <= 0) {
      throw new IllegalArgumentException("a memory budget must be > 0 bytes, got " + limit);
    }
    this.limit = limit;
  }

  /** A budget of {@code bytes}. */
  public static MemoryBudget ofBytes(long bytes) {
    return new MemoryBudget(bytes);
  }

  /** A budget of {@code fraction} (0 to 1] of the JVM's maximum heap. */
  public static MemoryBudget ofHeapFraction(double fraction) {
    if (!(fraction > 0 && fraction <= 1)) {
      throw new IllegalArgumentException("a heap fraction must be in (0, 1], got " + fraction);
    }
    return new MemoryBudget((long) (Runtime.getRuntime().maxMemory() * fraction));
  }

  /** The default: half the maximum heap (the rest holds the history, the search's stack and garbage). */
  public static MemoryBudget defaults() {
    return ofHeapFraction(0.5);
  }

  public long limit() {
    return limit;
  }

  /** Bytes currently reserved. */
  public long used() {
    return used;
  }

  /** Reserves {@code bytes}, or throws {@link Spent} (leaving the reservation unchanged) when they do not fit. */
  void reserve(long bytes) {
    if (used + bytes > limit) {
      throw new Spent();
    }
    used += bytes;
  }

  void release(long bytes) {
    used = Math.max(0, used - bytes);
  }

  /** The budget could not cover a reservation; carries no stack trace (it is a verdict, not a bug). */
  static final class Spent extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Spent() {
      super("memory budget spent", null, false, false);
    }
  }
}
