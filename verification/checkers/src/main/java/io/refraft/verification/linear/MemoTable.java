package io.refraft.verification.linear;

import java.util.Arrays;

/**
 * The search's cache of explored configurations (Lowe 2017): pairs (set of linearized ops as a
 * bitset, model state). An open-addressing table over flat arrays, so that a probe that finds
 * the configuration already explored — the common case deep in a search — allocates nothing.
 *
 * <p>Crashed ({@code :info}) ops may take effect or never, so a configuration is also covered by a
 * <em>refuted</em> one with the same completed ops and state and a subset of its crashed ops: any
 * linearization of the larger one is one of the smaller, whose crashed ops it left out never take
 * effect. Entries are open while their configuration is on the search's stack and closed (refuted)
 * once the search backtracks out of it; only a closed entry covers a larger one (an open one may
 * still succeed through the very configuration it would cover). The hash a caller passes must
 * therefore ignore the crashed ops.
 */
final class MemoTable {
  /**
   * Estimated bytes of one cached state beyond its slot: the state object a model step allocates
   * (a small record and its boxed content). States shared with other entries make this an
   * over-estimate, which errs on the side of giving up early rather than exhausting the heap.
   */
  static final long STATE_BYTES = 48;
  private static final int RESERVE_EVERY = 1024;

  private final int words;
  private final long[] infoMask;
  // Without crashed ops no entry covers another: closing would only cost a second probe per backtrack.
  private final boolean anyInfo;
  private final MemoryBudget budget;
  private long reserved;
  private long[] bits;
  private Object[] states;
  private long[] hashes;
  private boolean[] closed;
  private int mask;
  private int size;

  /**
   * @param infoMask the bits of the crashed ops (at least {@code words} long, or all zero)
   * @throws MemoryBudget.Spent when even the initial table does not fit in {@code budget}
   */
  MemoTable(int words, long[] infoMask, MemoryBudget budget) {
    this.words = Math.max(1, words);
    this.infoMask = Arrays.copyOf(infoMask, this.words);
    this.anyInfo = Arrays.stream(this.infoMask).anyMatch(w -> w != 0);
    this.budget = budget;
    reserve(slotBytes(1 << 10));
    allocate(1 << 10);
  }

  /** The bytes of {@code capacity} slots: the set's words, the hash and the state reference. */
  private long slotBytes(long capacity) {
    return capacity * (words * 8L + 8 + 8 + 1);
  }

  private void reserve(long bytes) {
    budget.reserve(bytes);
    reserved += bytes;
  }

  /** Returns every byte this table reserved to the budget; the table must not be used afterwards. */
  void release() {
    budget.release(reserved);
    reserved = 0;
    bits = null;
    states = null;
    hashes = null;
    closed = null;
  }

  private void allocate(int capacity) {
    bits = new long[capacity * words];
    states = new Object[capacity];
    hashes = new long[capacity];
    closed = new boolean[capacity];
    mask = capacity - 1;
    size = 0;
  }

  int size() {
    return size;
  }

  /**
   * Adds (set, state) as an open entry unless it is present or covered by a closed entry; true
   * when it was added. {@code hash} must depend on the state and the set's completed ops only.
   *
   * @throws MemoryBudget.Spent when the table would outgrow its budget (the table is unchanged)
   */
  boolean add(long[] set, Object state, long hash) {
    if (size * 3L >= (mask + 1) * 2L) {
      grow();
    }
    int i = slot(hash);
    while (states[i] != null) {
      if (hashes[i] == hash && states[i].equals(state) && (anyInfo ? covers(i, set) : sameSet(i, set))) {
        return false;
      }
      i = (i + 1) & mask;
    }
    if (size % RESERVE_EVERY == 0) {
      reserve(RESERVE_EVERY * STATE_BYTES);
    }
    states[i] = state;
    hashes[i] = hash;
    System.arraycopy(set, 0, bits, i * words, words);
    size++;
    return true;
  }

  /** Marks the entry (set, state) refuted: the search backtracked out of it. */
  void close(long[] set, Object state, long hash) {
    if (!anyInfo) {
      return;
    }
    int i = slot(hash);
    while (states[i] != null) {
      if (hashes[i] == hash && states[i].equals(state) && sameSet(i, set)) {
        closed[i] = true;
        return;
      }
      i = (i + 1) & mask;
    }
    throw new IllegalStateException("closing a configuration that was never added");
  }

  /** Entry i is {@code set}, or a closed entry whose set differs from it only by fewer crashed ops. */
  private boolean covers(int i, long[] set) {
    int base = i * words;
    boolean equal = true;
    for (int w = 0; w < words; w++) {
      long stored = bits[base + w];
      long extra = set[w] & ~stored;
      if ((stored & ~set[w]) != 0 || (extra & ~infoMask[w]) != 0) {
        return false;
      }
      equal &= extra == 0;
    }
    return equal || closed[i];
  }

  private int slot(long hash) {
    long z = hash * 0x9E3779B97F4A7C15L;
    return (int) (z ^ (z >>> 32)) & mask;
  }

  private boolean sameSet(int i, long[] set) {
    int base = i * words;
    for (int w = 0; w < words; w++) {
      if (bits[base + w] != set[w]) {
        return false;
      }
    }
    return true;
  }

  private void grow() {
    // The old arrays stay reachable until the rehash ends: reserve the new ones on top of them.
    long oldBytes = slotBytes(mask + 1L);
    reserve(slotBytes((mask + 1L) * 2));
    long[] oldBits = bits;
    Object[] oldStates = states;
    long[] oldHashes = hashes;
    boolean[] oldClosed = closed;
    allocate((mask + 1) * 2);
    long[] set = new long[words];
    for (int j = 0; j < oldStates.length; j++) {
      if (oldStates[j] != null) {
        System.arraycopy(oldBits, j * words, set, 0, words);
        reinsert(set, oldStates[j], oldHashes[j], oldClosed[j]);
      }
    }
    budget.release(oldBytes);
    reserved -= oldBytes;
  }

  private void reinsert(long[] set, Object state, long hash, boolean wasClosed) {
    int i = slot(hash);
    while (states[i] != null) {
      i = (i + 1) & mask;
    }
    states[i] = state;
    hashes[i] = hash;
    closed[i] = wasClosed;
    System.arraycopy(set, 0, bits, i * words, words);
    size++;
  }
}
