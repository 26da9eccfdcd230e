package io.refraft.spec.explore;

/**
 * The set of states seen, as 64-bit fingerprints, each with the fingerprint of the state it was
 * first reached from (TLC keeps the same, to rebuild a shortest counterexample).
 *
 * <p>Thread-safe: 64 lock-striped open-addressing tables, picked by the fingerprint's high bits,
 * so parallel workers rarely contend.
 */
final class FingerprintSet {
  private static final int SEGMENT_BITS = 6;
  private final Segment[] segments = new Segment[1 << SEGMENT_BITS];

  FingerprintSet() {
    for (int i = 0; i < segments.length; i++) {
      segments[i] = new Segment();
    }
  }

  /** Adds {@code fp} reached from {@code parent}; true when it was not there before. */
  boolean add(long fp, long parent) {
    long key = fp == 0 ? 1 : fp;
    return segments[(int) (key >>> (64 - SEGMENT_BITS))].add(key, parent);
  }

  /** The state {@code fp} was first reached from; 0 for the initial state. */
  long parentOf(long fp) {
    long key = fp == 0 ? 1 : fp;
    return segments[(int) (key >>> (64 - SEGMENT_BITS))].parentOf(key);
  }

  long size() {
    long n = 0;
    for (Segment s : segments) {
      n += s.size();
    }
    return n;
  }

  private static final class Segment {
    private long[] keys = new long[1 << 10];
    private long[] parents = new long[1 << 10];
    private int size;

    synchronized boolean add(long key, long parent) {
      if ((size + 1) * 4L > keys.length * 3L) {
        grow();
      }
      int mask = keys.length - 1;
      int i = (int) Fingerprint.mix(key) & mask;
      while (keys[i] != 0) {
        if (keys[i] == key) {
          return false;
        }
        i = (i + 1) & mask;
      }
      keys[i] = key;
      parents[i] = parent;
      size++;
      return true;
    }

    synchronized long parentOf(long key) {
      int mask = keys.length - 1;
      int i = (int) Fingerprint.mix(key) & mask;
      while (keys[i] != 0) {
        if (keys[i] == key) {
          return parents[i];
        }
        i = (i + 1) & mask;
      }
      throw new IllegalArgumentException("fingerprint not seen: " + key);
    }

    synchronized int size() {
      return size;
    }

    private void grow() {
      long[] oldKeys = keys;
      long[] oldParents = parents;
      keys = new long[oldKeys.length * 2];
      parents = new long[oldKeys.length * 2];
      int mask = keys.length - 1;
      for (int j = 0; j < oldKeys.length; j++) {
        if (oldKeys[j] != 0) {
          int i = (int) Fingerprint.mix(oldKeys[j]) & mask;
          while (keys[i] != 0) {
            i = (i + 1) & mask;
          }
          keys[i] = oldKeys[j];
          parents[i] = oldParents[j];
        }
      }
    }
  }
}
