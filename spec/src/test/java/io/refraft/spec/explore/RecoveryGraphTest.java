package io.refraft.spec.explore;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.BitSet;
import org.junit.jupiter.api.Test;

class RecoveryGraphTest {
  private static BitSet bits(int... ids) {
    BitSet b = new BitSet();
    for (int i : ids) {
      b.set(i);
    }
    return b;
  }

  /**
   * 0 -> 1 -> 2 (goal), 1 -> 3 -> 3 (a trap with a self-loop), 4 -> 0, 5 -> 6 -> 5 (a cycle
   * without a goal), 7 alone (no edge out), 8 -> 9 (goal) and 9 -> 8.
   */
  @Test
  void when_the_graph_has_traps_and_cycles_then_exactly_the_states_with_a_path_to_a_goal_can_reach() {
    int[] src = {0, 1, 1, 3, 4, 5, 6, 8, 9};
    int[] dst = {1, 2, 3, 3, 0, 6, 5, 9, 8};
    BitSet reach = RecoveryGraph.canReach(10, src, dst, src.length, bits(2, 9));
    assertEquals(bits(0, 1, 2, 4, 8, 9), reach);
  }

  @Test
  void when_only_a_prefix_of_the_edge_arrays_is_used_then_later_entries_are_ignored() {
    int[] src = {0, 1, 0};
    int[] dst = {1, 2, 2};
    assertEquals(bits(0, 1, 2), RecoveryGraph.canReach(3, src, dst, 3, bits(2)));
    assertEquals(bits(2), RecoveryGraph.canReach(3, src, dst, 1, bits(2)));
  }

  @Test
  void when_there_is_no_goal_then_nothing_can_reach_one() {
    assertEquals(bits(), RecoveryGraph.canReach(3, new int[] {0, 1}, new int[] {1, 2}, 2, bits()));
  }
}
