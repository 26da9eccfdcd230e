package io.refraft.verification.fault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.refraft.verification.fault.PartitionShape.Link;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PartitionShapeTest {

  @Test
  void isolate_one_cuts_every_link_of_the_first_node_in_the_order() {
    assertEquals(Set.of(Link.of(2, 0), Link.of(2, 1)), PartitionShape.ISOLATE_ONE.cut(List.of(2, 0, 1), -1));
  }

  @Test
  void isolate_leader_cuts_the_leader_it_is_given() {
    assertEquals(Set.of(Link.of(1, 0), Link.of(1, 2)), PartitionShape.ISOLATE_LEADER.cut(List.of(2, 0, 1), 1));
  }

  @Test
  void halves_leave_a_connected_majority_and_a_minority_cut_from_it() {
    List<Integer> order = List.of(3, 1, 4, 0, 2);
    Set<Link> cut = PartitionShape.HALVES.cut(order, -1);
    assertEquals(6, cut.size(), "2 x 3 links");
    List<Set<Integer>> views = PartitionShape.views(5, cut);
    assertEquals(Set.of(3, 1), views.get(3));
    assertEquals(Set.of(4, 0, 2), views.get(0));
  }

  @Test
  void majorities_ring_of_5_gives_every_node_a_different_majority() {
    List<Set<Integer>> views = PartitionShape.views(5, PartitionShape.MAJORITIES_RING.cut(List.of(4, 2, 0, 3, 1), -1));
    Set<Set<Integer>> distinct = new HashSet<>();
    for (Set<Integer> v : views) {
      assertEquals(3, v.size(), "each node sees a bare majority: " + views);
      distinct.add(v);
    }
    assertEquals(5, distinct.size(), "no two nodes see the same majority: " + views);
  }

  @Test
  void majorities_ring_of_3_is_a_line() {
    List<Set<Integer>> views = PartitionShape.views(3, PartitionShape.MAJORITIES_RING.cut(List.of(1, 0, 2), -1));
    assertEquals(Set.of(0, 1, 2), views.get(0), "the middle of the line sees everyone");
    assertEquals(Set.of(1, 0), views.get(1));
    assertEquals(Set.of(2, 0), views.get(2));
  }

  @Test
  void bridge_node_first_in_the_order_sees_everyone_and_the_halves_only_it() {
    List<Integer> order = List.of(2, 0, 1, 3, 4);
    List<Set<Integer>> views = PartitionShape.views(5, PartitionShape.BRIDGE.cut(order, -1));
    assertEquals(Set.of(0, 1, 2, 3, 4), views.get(2));
    assertEquals(Set.of(0, 1, 2), views.get(0));
    assertEquals(Set.of(2, 3, 4), views.get(4));
  }

  @Test
  void every_shape_cuts_something_and_leaves_some_node_a_majority() {
    for (PartitionShape s : PartitionShape.values()) {
      for (int n = 3; n <= 7; n++) {
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < n; i++) {
          order.add(i);
        }
        Set<Link> cut = s.cut(order, 0);
        assertNotEquals(Set.of(), cut, s + " on " + n + " nodes");
        int best = PartitionShape.views(n, cut).stream().mapToInt(Set::size).max().orElseThrow();
        assertTrue(best > n / 2, s + " on " + n + " nodes leaves no node a majority");
      }
    }
  }
}
