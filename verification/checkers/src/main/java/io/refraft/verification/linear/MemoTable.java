package io.refraft.verification.linear;

/**
 * The search's cache of explored configurations (Lowe 2017): pairs (set of linearized ops as a
 * bitset, model state). An open-addressing table over flat arrays, so that a probe that finds
 * the configuration already explored — the common case deep in a search — allocates nothing.
 */
final class MemoTable {
  private final int words;
  private long[] bits;
  private Object[] states;
  private long[] hashes;
  private int mask;
  private int size;

  MemoTable(int words) {
    this.words = Math.max(1, words);
    allocate(1 << 10);
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

  /** Adds (set, state) unless present; true when it was new. {@code hash} must depend on both. */
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
    long[] oldBits = bits;
    Object[] oldStates = states;
    long[] oldHashes = hashes;
    allocate((mask + 1) * 2);
    long[] set = new long[words];
    for (int j = 0; j < oldStates.length; j++) {
      if (oldStates[j] != null) {
        System.arraycopy(oldBits, j * words, set, 0, words);
        add(set, oldStates[j], oldHashes[j]);
      }
    }
  }
}
