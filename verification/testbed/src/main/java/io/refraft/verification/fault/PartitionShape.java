package io.refraft.verification.fault;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The shapes of a network partition, after Jepsen's partition nemeses: which links between nodes
 * are cut. Each shape works on a permutation {@code order} of the node indexes, so the nodes it hits
 * are chosen by the seeded schedule. The simulator and the harness cut the same links for the same
 * shape and order; the simulator's schedule files and output spell two shapes as they did before
 * the two shared this type ({@code sim.Schedule.flag}).
 */
public enum PartitionShape {
  /** {@code order[0]} is cut from every other node. */
  ISOLATE_ONE,
  /** Whichever node leads when the fault starts is cut from every other node. */
  ISOLATE_LEADER,
  /** A minority ({@code order[0 .. (n-1)/2 - 1]}) and a majority, no link between them. */
  HALVES,
  /**
   * Every node sees a majority (itself included), but no two see the same one: nodes on a ring in
   * {@code order}, each linked to its neighbours up to distance {@code d}. With 3 nodes no
   * symmetric such graph exists; the shape degenerates to a line (one link cut), a bridge.
   */
  MAJORITIES_RING,
  /**
   * Two sides joined only through one bridge node, {@code order[0]}: the next {@code n/2} nodes of
   * {@code order} and the rest; a node on one side sees a majority only through the bridge.
   */
  BRIDGE;

  /** An undirected link between two node indexes, {@code a < b}. */
  public record Link(int a, int b) {
    public Link {
      if (a < 0 || a >= b) {
        throw new IllegalArgumentException("a link needs 0 <= a < b, got " + a + "," + b);
      }
    }

    static Link of(int x, int y) {
      return new Link(Math.min(x, y), Math.max(x, y));
    }
  }

  /** The name {@code refraft test} prints, e.g. {@code isolate-leader}. */
  public String flag() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /**
   * The links this shape cuts.
   *
   * @param order  a permutation of {@code 0..n-1}
   * @param leader the leader's index when the fault starts, or -1 if none is known (then
   *     {@link #ISOLATE_LEADER} isolates {@code order[0]})
   */
  public Set<Link> cut(List<Integer> order, int leader) {
    int n = order.size();
    if (n < 2) {
      throw new IllegalArgumentException("a partition needs at least 2 nodes, got " + n);
    }
    return switch (this) {
      case ISOLATE_ONE -> isolate(order, order.get(0));
      case ISOLATE_LEADER -> isolate(order, leader >= 0 ? leader : order.get(0));
      case HALVES -> between(order.subList(0, (n - 1) / 2), order.subList((n - 1) / 2, n));
      case MAJORITIES_RING -> n == 3 ? Set.of(Link.of(order.get(0), order.get(2))) : ring(order);
      case BRIDGE -> between(order.subList(1, 1 + n / 2), order.subList(1 + n / 2, n));
    };
  }

  private static Set<Link> isolate(List<Integer> nodes, int alone) {
    Set<Link> out = new LinkedHashSet<>();
    for (int x : nodes) {
      if (x != alone) {
        out.add(Link.of(alone, x));
      }
    }
    return out;
  }

  private static Set<Link> between(List<Integer> left, List<Integer> right) {
    Set<Link> out = new LinkedHashSet<>();
    for (int x : left) {
      for (int y : right) {
        out.add(Link.of(x, y));
      }
    }
    return out;
  }

  /** Ring of n >= 4: keep links up to distance d = ceil((majority - 1) / 2), cut the rest. */
  private static Set<Link> ring(List<Integer> order) {
    int n = order.size();
    int d = (n / 2 + 1) / 2; // majority - 1 = n/2 others to see, half on each side, rounded up
    Set<Link> out = new LinkedHashSet<>();
    for (int i = 0; i < n; i++) {
      for (int j = i + 1; j < n; j++) {
        int dist = Math.min(j - i, n - (j - i));
        if (dist > d) {
          out.add(Link.of(order.get(i), order.get(j)));
        }
      }
    }
    return out;
  }

  /** The nodes each node still reaches directly (itself included), for the timeline. */
  public static List<Set<Integer>> views(int n, Set<Link> cut) {
    List<Set<Integer>> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Set<Integer> v = new LinkedHashSet<>();
      for (int j = 0; j < n; j++) {
        if (i == j || !cut.contains(Link.of(i, j))) {
          v.add(j);
        }
      }
      out.add(v);
    }
    return out;
  }
}
