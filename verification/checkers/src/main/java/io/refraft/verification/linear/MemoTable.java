package io.refraft.verification.linear;

/**
 * The search's cache of explored configurations (Lowe 2017): pairs (set of linearized ops as a
 * bitset, model state). An open-addressing table over flat arrays, so that a probe that finds
 * the configuration already explored — the common case deep in a search — allocates nothing.
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
  private final MemoryBudget budget;
  private long reserved;
  private long[] bits;
  private Object[] states;
  private long[] hashes;
  private int mask;
  private int size;

  /** @throws MemoryBudget.Spent when even the initial table does not fit in {@code budget} */
  MemoTable(int words, MemoryBudget budget) {
    this.words = Math.max(1, words);
    this.budget = budget;
    reserve(slotBytes(1 << 10));
    allocate(1 << 10);
  }

  /** The bytes of {@code capacity} slots: the set's words, the hash and the state reference. */
  private long slotBytes(long capacity) {
    return capacity * (words * 8L + 8 + 8);
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
  }

  private void allocate(int capacity) {
    bits = new long[capacity * words];
    states = new Object[capacity];
    hashes = new long[capacity];
    mask = capacity - 1;
    size = 0;
  }

  int size() {
    return size;
  }

  /**
   * Adds (set, state) unless present; true when it was new. {@code hash} must depend on both.
   *
   * @throws MemoryBudget.Spent when the table would outgrow its budget (the table is unchanged)
   */
  boolean add(long[] set, Object state, long hash) {
    if (size * 3L >= (mask + 1) * 2L) {
      grow();
    }
    int i = slot(hash);
    while (states[i] != null) {
      if (hashes[i] == hash && sameSet(i, set) && states[i].equals(state)) {
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
    allocate((mask + 1) * 2);
    long[] set = new long[words];
    for (int j = 0; j < oldStates.length; j++) {
      if (oldStates[j] != null) {
        System.arraycopy(oldBits, j * words, set, 0, words);
        reinsert(set, oldStates[j], oldHashes[j]);
      }
    }
    budget.release(oldBytes);
    reserved -= oldBytes;
  }

  private void reinsert(long[] set, Object state, long hash) {
    int i = slot(hash);
    while (states[i] != null) {
      i = (i + 1) & mask;
    }
    states[i] = state;
    hashes[i] = hash;
    System.arraycopy(set, 0, bits, i * words, words);
    size++;
  }
}
