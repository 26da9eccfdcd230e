package io.refraft.spec.explore;

import java.util.BitSet;

/**
 * Backward reachability on a graph of dense state ids: the states from which some path reaches a
 * goal state (CTL's {@code EF goal}), computed as a breadth-first search from the goals over the
 * reversed edges. Linear in states and edges; the edges are held as a reversed adjacency array of
 * 4 bytes each.
 */
final class RecoveryGraph {
  private RecoveryGraph() {}

  /**
   * The states of {@code 0..n-1} from which a path over the edges {@code src[i] -> dst[i]}
   * ({@code i < edges}) reaches a state of {@code goal}, the goals included.
   */
  static BitSet canReach(int n, int[] src, int[] dst, int edges, BitSet goal) {
    int[] start = new int[n + 1];
    for (int i = 0; i < edges; i++) {
      start[dst[i] + 1]++;
    }
    for (int v = 0; v < n; v++) {
      start[v + 1] += start[v];
    }
    int[] from = new int[edges]; // predecessors of v: from[start[v] .. start[v+1])
    int[] fill = new int[n];
    for (int i = 0; i < edges; i++) {
      int v = dst[i];
      from[start[v] + fill[v]++] = src[i];
    }
    fill = null;
    BitSet reached = (BitSet) goal.clone();
    int[] queue = new int[n];
    int tail = 0;
    for (int v = reached.nextSetBit(0); v >= 0 && v < n; v = reached.nextSetBit(v + 1)) {
      queue[tail++] = v;
    }
    for (int head = 0; head < tail; head++) {
      int v = queue[head];
      for (int k = start[v]; k < start[v + 1]; k++) {
        int u = from[k];
        if (!reached.get(u)) {
          reached.set(u);
          queue[tail++] = u;
        }
      }
    }
    return reached;
  }
}
