package io.refraft.verification.elle;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Process-order and realtime-order edges between transactions that may have committed.
 *
 * <p>Realtime: {@code a < b} when a completed before b was invoked, in history order. Adding every
 * such pair is quadratic; instead we keep the frontier of completed transactions not yet implied by
 * a later completed one (Elle paper §5.2's transitive reduction): b gets an edge from each member of
 * the frontier at its invocation, and when b completes it replaces those members in the frontier.
 * Every realtime pair stays connected by a path, and the edge count is about n times the
 * concurrency.
 */
final class OrderEdges {
  private OrderEdges() {}

  static void process(List<Txn> txns, DepGraph.Builder g) {
    Map<Object, Txn> last = new HashMap<>();
    List<Txn> byInvoke = new ArrayList<>(txns);
    byInvoke.sort((a, b) -> Integer.compare(a.invokePos(), b.invokePos()));
    for (Txn t : byInvoke) {
      if (!t.mayHaveCommitted()) {
        continue;
      }
      Txn prev = last.put(t.process(), t);
      if (prev != null) {
        g.add(prev.id(), t.id(), EdgeType.PROCESS);
      }
    }
  }

  static void realtime(List<Txn> txns, DepGraph.Builder g) {
    // Events: invocation (even) and completion (odd) of each transaction, in history order.
    long[] events = new long[txns.size() * 2];
    int n = 0;
    for (Txn t : txns) {
      if (!t.mayHaveCommitted()) {
        continue;
      }
      events[n++] = ((long) t.invokePos() << 33) | ((long) t.id() << 1);
      if (t.ok()) {
        events[n++] = ((long) t.completePos() << 33) | ((long) t.id() << 1) | 1;
      }
    }
    Arrays.sort(events, 0, n);
    int[][] predecessors = new int[txns.size()][];
    IntSet frontier = new IntSet(txns.size());
    for (int i = 0; i < n; i++) {
      int id = (int) ((events[i] >>> 1) & 0xFFFFFFFFL);
      if ((events[i] & 1) == 0) {
        predecessors[id] = frontier.toArray();
        for (int p : predecessors[id]) {
          g.add(p, id, EdgeType.REALTIME);
        }
      } else {
        for (int p : predecessors[id]) {
          frontier.remove(p);
        }
        predecessors[id] = null;
        frontier.add(id);
      }
    }
  }

  static String explain(Txn a, Txn b, EdgeType type, String la, String lb) {
    return switch (type) {
      case PROCESS -> "process " + a.process() + " executed " + la + " before " + lb;
      case REALTIME -> la + " completed (op index " + a.completion().index() + ") before " + lb
          + " was invoked (op index " + b.invoke().index() + ")";
      case WW, WR, RW -> throw new IllegalArgumentException("not an order edge: " + type);
    };
  }

  /** A set of small ints with O(1) add/remove and iteration in insertion-independent order. */
  private static final class IntSet {
    private final int[] slot;
    private final int[] members;
    private int size;

    IntSet(int capacity) {
      slot = new int[capacity];
      Arrays.fill(slot, -1);
      members = new int[capacity];
    }

    void add(int v) {
      if (slot[v] < 0) {
        slot[v] = size;
        members[size++] = v;
      }
    }

    void remove(int v) {
      int s = slot[v];
      if (s >= 0) {
        int moved = members[--size];
        members[s] = moved;
        slot[moved] = s;
        slot[v] = -1;
      }
    }

    int[] toArray() {
      return Arrays.copyOf(members, size);
    }
  }
}
