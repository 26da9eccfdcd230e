package io.refraft.verification.elle;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Tarjan's strongly connected components, iterative (histories reach 10^5 transactions, far beyond
 * a thread's stack), over the subgraph induced by a vertex set and an edge-type mask.
 *
 * <p>Scratch arrays are sized to the whole graph once and reset through epoch stamps, so searching
 * many small subgraphs costs time proportional to each subgraph only.
 */
final class Tarjan {
  private final DepGraph g;
  private final int[] memberEpoch;
  private final int[] visitEpoch;
  private final int[] index;
  private final int[] low;
  private final int[] edgePos;
  private final boolean[] onStack;
  private final int[] callStack;
  private final int[] sccStack;
  private int epoch;

  Tarjan(DepGraph g) {
    this.g = g;
    int n = g.size();
    memberEpoch = new int[n];
    visitEpoch = new int[n];
    index = new int[n];
    low = new int[n];
    edgePos = new int[n];
    onStack = new boolean[n];
    callStack = new int[n];
    sccStack = new int[n];
  }

  /** All components of size ≥ 2 of the whole graph restricted to {@code edgeMask}. */
  List<int[]> components(int edgeMask) {
    int[] all = new int[g.size()];
    Arrays.setAll(all, i -> i);
    return components(all, edgeMask);
  }

  /** Components of size ≥ 2 of the subgraph induced by {@code vertices} and {@code edgeMask}. */
  List<int[]> components(int[] vertices, int edgeMask) {
    epoch++;
    for (int v : vertices) {
      memberEpoch[v] = epoch;
    }
    List<int[]> out = new ArrayList<>();
    int counter = 0;
    int sccTop = 0;
    for (int root : vertices) {
      if (visitEpoch[root] == epoch) {
        continue;
      }
      int top = 0;
      counter = visit(root, counter);
      sccStack[sccTop++] = root;
      callStack[top++] = root;
      while (top > 0) {
        int v = callStack[top - 1];
        if (edgePos[v] < g.end(v)) {
          int e = edgePos[v]++;
          int w = g.target(e);
          if ((g.mask(e) & edgeMask) == 0 || memberEpoch[w] != epoch) {
            continue;
          }
          if (visitEpoch[w] != epoch) {
            counter = visit(w, counter);
            sccStack[sccTop++] = w;
            callStack[top++] = w;
          } else if (onStack[w]) {
            low[v] = Math.min(low[v], index[w]);
          }
          continue;
        }
        top--;
        if (low[v] == index[v]) {
          int start = sccTop;
          do {
            start--;
            onStack[sccStack[start]] = false;
          } while (sccStack[start] != v);
          if (sccTop - start > 1) {
            out.add(Arrays.copyOfRange(sccStack, start, sccTop));
          }
          sccTop = start;
        }
        if (top > 0) {
          int u = callStack[top - 1];
          low[u] = Math.min(low[u], low[v]);
        }
      }
    }
    return out;
  }

  private int visit(int v, int counter) {
    visitEpoch[v] = epoch;
    index[v] = counter;
    low[v] = counter;
    edgePos[v] = g.start(v);
    onStack[v] = true;
    return counter + 1;
  }
}
