package io.refraft.verification.elle;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Shortest-cycle search inside one strongly connected component, per anomaly class (Elle paper
 * §5.3): for G0 and G1c a breadth-first search in the ww (ww+wr) subgraph; for cycles with rw edges,
 * for each rw edge {@code a -> b} a BFS from b back to a under the class's rule (no further rw for
 * G-single, no two adjacent rw for G-nonadjacent, anything for G2-item). Each class is searched
 * first with data edges only, then with process edges, then with realtime edges, when present.
 * A found cycle is named by what it actually contains ({@link #classify}).
 *
 * <p>The component shares one time budget; when it runs out, the search reports the class it was
 * on and a cycle found by one unrestricted BFS, which is always quick.
 */
final class CycleSearch {
  /** A cycle as vertices v0..vk-1 and the edge type used from each vi to v(i+1 mod k). */
  record Found(int[] vertices, EdgeType[] steps) {}

  /** Result of searching one component. */
  record Outcome(Map<AnomalyType, Found> cycles, AnomalyType timedOutOn, Found fallback) {}

  private enum RwRule { NONE, ONE, NONADJACENT, ANY }

  private record Spec(AnomalyType name, int mask, RwRule rule) {}

  private static final int WW = EdgeType.WW.bit();
  private static final int WR = EdgeType.WR.bit();
  private static final int RW = EdgeType.RW.bit();

  private final DepGraph g;
  private final Tarjan tarjan;
  private final List<Spec> specs = new ArrayList<>();
  private final int[] memberEpoch;
  private final int[] seenEpoch; // indexed by state = vertex * 2 + (last edge was rw ? 1 : 0)
  private final int[] parent;
  private final byte[] parentType;
  private final int[] queue;
  private int epoch;
  private long deadline;
  private int pops;

  CycleSearch(DepGraph g, boolean process, boolean realtime) {
    this.g = g;
    this.tarjan = new Tarjan(g);
    int n = g.size();
    memberEpoch = new int[n];
    seenEpoch = new int[2 * n];
    parent = new int[2 * n];
    parentType = new byte[2 * n];
    queue = new int[2 * n];
    addSpecs(0, AnomalyType.G0, AnomalyType.G1C, AnomalyType.G_SINGLE_ITEM, AnomalyType.G_NONADJACENT_ITEM,
        AnomalyType.G2_ITEM);
    if (process) {
      addSpecs(EdgeType.PROCESS.bit(), AnomalyType.G0_PROCESS, AnomalyType.G1C_PROCESS,
          AnomalyType.G_SINGLE_ITEM_PROCESS, AnomalyType.G_NONADJACENT_ITEM_PROCESS, AnomalyType.G2_ITEM_PROCESS);
    }
    if (realtime) {
      int extra = EdgeType.REALTIME.bit() | (process ? EdgeType.PROCESS.bit() : 0);
      addSpecs(extra, AnomalyType.G0_REALTIME, AnomalyType.G1C_REALTIME, AnomalyType.G_SINGLE_ITEM_REALTIME,
          AnomalyType.G_NONADJACENT_ITEM_REALTIME, AnomalyType.G2_ITEM_REALTIME);
    }
  }

  private void addSpecs(int extra, AnomalyType g0, AnomalyType g1c, AnomalyType single, AnomalyType nonadj,
      AnomalyType g2) {
    specs.add(new Spec(g0, WW | extra, RwRule.NONE));
    specs.add(new Spec(g1c, WW | WR | extra, RwRule.NONE));
    specs.add(new Spec(single, WW | WR | RW | extra, RwRule.ONE));
    specs.add(new Spec(nonadj, WW | WR | RW | extra, RwRule.NONADJACENT));
    specs.add(new Spec(g2, WW | WR | RW | extra, RwRule.ANY));
  }

  Outcome search(int[] scc, long budgetNanos) {
    deadline = System.nanoTime() + budgetNanos;
    Map<AnomalyType, Found> out = new EnumMap<>(AnomalyType.class);
    for (Spec spec : specs) {
      Found f;
      try {
        f = spec.rule == RwRule.NONE ? searchWithoutRw(scc, spec.mask) : searchThroughRw(scc, spec);
      } catch (OutOfTime e) {
        Found fallback = searchWithoutRw(scc, -1, Long.MAX_VALUE);
        return new Outcome(out, spec.name, fallback);
      }
      if (f != null) {
        out.putIfAbsent(classify(f), f);
      }
    }
    return new Outcome(out, null, null);
  }

  private static final class OutOfTime extends RuntimeException {
    private static final long serialVersionUID = 1L;

    OutOfTime() {
      super(null, null, false, false);
    }
  }

  private Found searchWithoutRw(int[] scc, int mask) {
    return searchWithoutRw(scc, mask, deadline);
  }

  /** Finds a sub-component of the masked subgraph, then the shortest cycle through one of its vertices. */
  private Found searchWithoutRw(int[] scc, int mask, long until) {
    long saved = deadline;
    deadline = until;
    try {
      List<int[]> subs = tarjan.components(scc, mask);
      if (subs.isEmpty()) {
        return null;
      }
      int[] sub = subs.get(0);
      mark(sub);
      int start = sub[0];
      // Walk one step out of start, then BFS back: the shortest cycle through start.
      return bfs(start, start, mask, false, true);
    } finally {
      deadline = saved;
    }
  }

  private Found searchThroughRw(int[] scc, Spec spec) {
    mark(scc);
    Found best = null;
    int noRw = spec.mask & ~RW;
    for (int a : scc) {
      for (int e = g.start(a); e < g.end(a); e++) {
        int b = g.target(e);
        if ((g.mask(e) & RW) == 0 || memberEpoch[b] != epochMembers) {
          continue;
        }
        Found f = switch (spec.rule) {
          case ONE -> bfs(b, a, noRw, false, false);
          case NONADJACENT -> bfs(b, a, spec.mask, true, false);
          case ANY -> bfs(b, a, spec.mask, false, false);
          case NONE -> throw new IllegalStateException("NONE has no rw edge");
        };
        if (f != null) {
          Found cycle = close(f, a, EdgeType.RW);
          if (best == null || cycle.vertices.length < best.vertices.length) {
            best = cycle;
          }
          if (best.vertices.length <= 2) {
            return best;
          }
        }
      }
      if (best != null) {
        return best; // shortest among the rw edges out of the first vertex that has one
      }
    }
    return best;
  }

  private int epochMembers;

  private void mark(int[] vertices) {
    epochMembers++;
    for (int v : vertices) {
      memberEpoch[v] = epochMembers;
    }
  }

  /** Prepends the closing edge {@code a -> path[0]} to a path from path[0] to a. */
  private static Found close(Found path, int a, EdgeType closing) {
    int k = path.vertices.length; // path: b = v0 ... v(k-1) = a
    int[] vs = new int[k];
    EdgeType[] st = new EdgeType[k];
    vs[0] = a;
    st[0] = closing;
    for (int i = 0; i < k - 1; i++) {
      vs[i + 1] = path.vertices[i];
      st[i + 1] = path.steps[i];
    }
    return new Found(vs, st);
  }

  /**
   * BFS over states (vertex, last edge was rw) from {@code from} to {@code to} within the marked
   * members, using edges in {@code mask}. With {@code nonadjacent}, the path starts as if after an
   * rw edge, never takes two rw in a row, and must enter {@code to} by a non-rw edge. With
   * {@code cycle}, from == to and the path has at least one edge. Returns the path as vertices
   * v0..vk-1 (vk-1 = to, excluded when cycle) with steps[i] from vi to v(i+1), or null.
   */
  private Found bfs(int from, int to, int mask, boolean nonadjacent, boolean cycle) {
    epoch++;
    int startState = from * 2 + (nonadjacent ? 1 : 0);
    int head = 0;
    int tail = 0;
    queue[tail++] = startState;
    seenEpoch[startState] = epoch;
    parent[startState] = -1;
    while (head < tail) {
      if ((++pops & 1023) == 0 && System.nanoTime() > deadline) {
        throw new OutOfTime();
      }
      int s = queue[head++];
      int v = s >> 1;
      boolean lastRw = (s & 1) == 1;
      for (int e = g.start(v); e < g.end(v); e++) {
        int w = g.target(e);
        int m = g.mask(e) & mask;
        if (m == 0 || memberEpoch[w] != epochMembers) {
          continue;
        }
        EdgeType t = pick(m, nonadjacent && lastRw);
        if (t == null) {
          continue;
        }
        int ws = w * 2 + (nonadjacent && t == EdgeType.RW ? 1 : 0);
        if (w == to && (!nonadjacent || t != EdgeType.RW)) {
          return path(s, v, t, to, cycle);
        }
        if (seenEpoch[ws] != epoch) {
          seenEpoch[ws] = epoch;
          parent[ws] = s;
          parentType[ws] = (byte) t.ordinal();
          queue[tail++] = ws;
        }
      }
    }
    return null;
  }

  /** The edge type to use among those in m: data edges first, rw only when allowed. */
  private static EdgeType pick(int m, boolean noRw) {
    for (EdgeType t : EdgeType.values()) {
      if ((m & t.bit()) != 0 && !(noRw && t == EdgeType.RW)) {
        return t;
      }
    }
    return null;
  }

  private Found path(int lastState, int lastVertex, EdgeType lastStep, int to, boolean cycle) {
    List<Integer> vs = new ArrayList<>();
    List<EdgeType> st = new ArrayList<>();
    vs.add(to);
    st.add(lastStep);
    for (int s = lastState; s != -1; s = parent[s]) {
      vs.add(s >> 1);
      if (parent[s] != -1) {
        st.add(EdgeType.values()[parentType[s]]);
      }
    }
    java.util.Collections.reverse(vs);
    java.util.Collections.reverse(st);
    // vs = v0 .. to, st[i] = step vi -> v(i+1); a cycle drops the repeated end.
    int k = cycle ? vs.size() - 1 : vs.size();
    int[] va = new int[k];
    for (int i = 0; i < k; i++) {
      va[i] = vs.get(i);
    }
    EdgeType[] sa = st.toArray(new EdgeType[0]);
    return new Found(va, cycle ? sa : Arrays.copyOf(sa, Math.max(0, k - 1)));
  }

  /** Names a cycle by its content: Elle's G0, G1c, G-single-item, G-nonadjacent-item, G2-item and variants. */
  static AnomalyType classify(Found f) {
    int k = f.steps.length;
    int rw = 0;
    boolean wr = false;
    boolean process = false;
    boolean realtime = false;
    boolean adjacentRw = false;
    for (int i = 0; i < k; i++) {
      EdgeType t = f.steps[i];
      rw += t == EdgeType.RW ? 1 : 0;
      wr |= t == EdgeType.WR;
      process |= t == EdgeType.PROCESS;
      realtime |= t == EdgeType.REALTIME;
      adjacentRw |= t == EdgeType.RW && f.steps[(i + 1) % k] == EdgeType.RW;
    }
    int variant = realtime ? 2 : process ? 1 : 0;
    AnomalyType[] names;
    if (rw == 0) {
      names = wr ? new AnomalyType[] {AnomalyType.G1C, AnomalyType.G1C_PROCESS, AnomalyType.G1C_REALTIME}
          : new AnomalyType[] {AnomalyType.G0, AnomalyType.G0_PROCESS, AnomalyType.G0_REALTIME};
    } else if (rw == 1) {
      names = new AnomalyType[] {AnomalyType.G_SINGLE_ITEM, AnomalyType.G_SINGLE_ITEM_PROCESS,
          AnomalyType.G_SINGLE_ITEM_REALTIME};
    } else if (!adjacentRw) {
      names = new AnomalyType[] {AnomalyType.G_NONADJACENT_ITEM, AnomalyType.G_NONADJACENT_ITEM_PROCESS,
          AnomalyType.G_NONADJACENT_ITEM_REALTIME};
    } else {
      names = new AnomalyType[] {AnomalyType.G2_ITEM, AnomalyType.G2_ITEM_PROCESS, AnomalyType.G2_ITEM_REALTIME};
    }
    return names[variant];
  }
}
