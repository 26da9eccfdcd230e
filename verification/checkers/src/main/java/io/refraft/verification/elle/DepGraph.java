package io.refraft.verification.elle;

import java.util.Arrays;

/**
 * The transaction dependency graph in compressed sparse row form: vertices are transaction ids
 * {@code 0..n-1}; each directed edge carries a mask of {@link EdgeType} bits.
 *
 * <p>Invariants: (1) no self-loops; (2) at most one edge per ordered pair, whose mask is the union of
 * every reason given for it; (3) a vertex's out-edges are sorted by target.
 */
final class DepGraph {
  private static final int MASK_BITS = 5;
  private static final int VERTEX_BITS = 28;

  private final int n;
  private final int[] offsets;
  private final int[] targets;
  private final byte[] masks;

  private DepGraph(int n, int[] offsets, int[] targets, byte[] masks) {
    this.n = n;
    this.offsets = offsets;
    this.targets = targets;
    this.masks = masks;
  }

  int size() {
    return n;
  }

  int edgeCount() {
    return targets.length;
  }

  int start(int v) {
    return offsets[v];
  }

  int end(int v) {
    return offsets[v + 1];
  }

  int target(int edge) {
    return targets[edge];
  }

  int mask(int edge) {
    return masks[edge];
  }

  /** The mask of edge {@code a -> b}, or 0 when there is none (binary search, invariant 3). */
  int mask(int a, int b) {
    int i = Arrays.binarySearch(targets, offsets[a], offsets[a + 1], b);
    return i >= 0 ? masks[i] : 0;
  }

  /** Accumulates edges as packed longs, then sorts and merges them once. */
  static final class Builder {
    private final int n;
    private long[] packed = new long[1024];
    private int size;

    Builder(int n) {
      if (n < 0 || n >= (1 << VERTEX_BITS)) {
        throw new IllegalArgumentException("vertex count out of range: " + n);
      }
      this.n = n;
    }

    void add(int a, int b, EdgeType type) {
      if (a == b) {
        return; // a transaction never depends on itself (invariant 1)
      }
      if (size == packed.length) {
        packed = Arrays.copyOf(packed, packed.length * 2);
      }
      packed[size++] = ((long) a << (VERTEX_BITS + MASK_BITS)) | ((long) b << MASK_BITS) | type.bit();
    }

    DepGraph build() {
      Arrays.sort(packed, 0, size);
      int[] offsets = new int[n + 1];
      int[] targets = new int[size];
      byte[] masks = new byte[size];
      int m = 0;
      long prevPair = -1;
      for (int i = 0; i < size; i++) {
        long pair = packed[i] >>> MASK_BITS;
        int bit = (int) (packed[i] & ((1 << MASK_BITS) - 1));
        if (pair == prevPair) {
          masks[m - 1] |= (byte) bit;
          continue;
        }
        prevPair = pair;
        int a = (int) (pair >>> VERTEX_BITS);
        targets[m] = (int) (pair & ((1L << VERTEX_BITS) - 1));
        masks[m] = (byte) bit;
        offsets[a + 1]++;
        m++;
      }
      for (int v = 0; v < n; v++) {
        offsets[v + 1] += offsets[v];
      }
      return new DepGraph(n, offsets, Arrays.copyOf(targets, m), Arrays.copyOf(masks, m));
    }
  }
}
