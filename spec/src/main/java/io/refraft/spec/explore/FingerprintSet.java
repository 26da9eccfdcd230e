package io.refraft.spec.explore;

/**
 * The set of states seen, as 64-bit fingerprints, each with the fingerprint of the state it was
 * first reached from (TLC keeps the same, to rebuild a shortest counterexample): 16 bytes per slot
 * in primitive open-addressing tables, no object per state.
 *
 * <p>Thread-safe: 256 lock-striped tables, picked by the fingerprint's high bits, so parallel
 * workers rarely contend and a table that doubles copies only its own share. Each table keeps a
 * key and its parent side by side in one {@code long[]}, so a probe touches one cache line.
 */
final class FingerprintSet {
  private static final int SEGMENT_BITS = 8;
  /** Grow past 13/16 full: linear probing with a strong mixer stays short there, and memory is what this saves. */
  private static final int LOAD_NUM = 13;
  private static final int LOAD_DEN = 16;
  private final Segment[] segments = new Segment[1 << SEGMENT_BITS];
  private final java.util.concurrent.atomic.AtomicLong bytes = new java.util.concurrent.atomic.AtomicLong();

  FingerprintSet() {
    for (int i = 0; i < segments.length; i++) {
      segments[i] = new Segment(bytes);
    }
  }

  /** Receives the pairs of a {@link #forEach} walk. */
  interface PairSink {
    void accept(long fp, long parent);
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

  /** Bytes held by the tables. */
  long bytes() {
    return bytes.get();
  }

  /** Every (fingerprint, parent) pair; call only while no worker adds (at a pause). */
  void forEach(PairSink sink) {
    for (Segment s : segments) {
      s.forEach(sink);
    }
  }

  private static final class Segment {
    private long[] slots = new long[2 << 8]; // key, parent, key, parent, ...
    private int size;
    private final java.util.concurrent.atomic.AtomicLong bytes;

    Segment(java.util.concurrent.atomic.AtomicLong bytes) {
      this.bytes = bytes;
      bytes.addAndGet(8L * slots.length);
    }

    synchronized boolean add(long key, long parent) {
      int capacity = slots.length >> 1;
      if ((size + 1) * (long) LOAD_DEN > capacity * (long) LOAD_NUM) {
        grow();
        capacity = slots.length >> 1;
      }
      int mask = capacity - 1;
      int i = (int) Fingerprint.mix(key) & mask;
      while (slots[2 * i] != 0) {
        if (slots[2 * i] == key) {
          return false;
        }
        i = (i + 1) & mask;
      }
      slots[2 * i] = key;
      slots[2 * i + 1] = parent;
      size++;
      return true;
    }

    synchronized long parentOf(long key) {
      int mask = (slots.length >> 1) - 1;
      int i = (int) Fingerprint.mix(key) & mask;
      while (slots[2 * i] != 0) {
        if (slots[2 * i] == key) {
          return slots[2 * i + 1];
        }
        i = (i + 1) & mask;
      }
      throw new IllegalArgumentException("fingerprint not seen: " + key);
    }

    synchronized int size() {
      return size;
    }

    synchronized void forEach(PairSink sink) {
      for (int i = 0; i < slots.length; i += 2) {
        if (slots[i] != 0) {
          sink.accept(slots[i], slots[i + 1]);
        }
      }
    }

    private void grow() {
      long[] old = slots;
      slots = new long[old.length * 2];
      bytes.addAndGet(8L * old.length);
      int mask = (slots.length >> 1) - 1;
      for (int j = 0; j < old.length; j += 2) {
        if (old[j] != 0) {
          int i = (int) Fingerprint.mix(old[j]) & mask;
          while (slots[2 * i] != 0) {
            i = (i + 1) & mask;
          }
          slots[2 * i] = old[j];
          slots[2 * i + 1] = old[j + 1];
        }
      }
    }
  }
}
