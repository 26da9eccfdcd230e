package io.refraft.verification.elle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class TarjanTest {

  @Test
  void a_long_chain_closed_into_a_ring_is_one_component_without_recursion() {
    int n = 200_000; // far deeper than a recursive Tarjan's stack would allow
    DepGraph.Builder b = new DepGraph.Builder(n + 2);
    for (int i = 0; i < n; i++) {
      b.add(i, (i + 1) % n, EdgeType.WW);
    }
    b.add(n, n + 1, EdgeType.WR); // a tail outside the ring: no component
    List<int[]> sccs = new Tarjan(b.build()).components(-1);
    assertEquals(1, sccs.size());
    assertEquals(n, sccs.get(0).length);
  }

  @Test
  void the_edge_mask_restricts_components() {
    DepGraph.Builder b = new DepGraph.Builder(4);
    b.add(0, 1, EdgeType.WW);
    b.add(1, 0, EdgeType.RW);
    b.add(2, 3, EdgeType.WW);
    b.add(3, 2, EdgeType.WW);
    DepGraph g = b.build();
    Tarjan t = new Tarjan(g);
    assertEquals(2, t.components(-1).size());
    List<int[]> wwOnly = t.components(EdgeType.WW.bit());
    assertEquals(1, wwOnly.size());
    int[] c = wwOnly.get(0).clone();
    Arrays.sort(c);
    assertTrue(Arrays.equals(new int[] {2, 3}, c));
  }

  @Test
  void duplicate_edges_merge_their_masks() {
    DepGraph.Builder b = new DepGraph.Builder(2);
    b.add(0, 1, EdgeType.WW);
    b.add(0, 1, EdgeType.REALTIME);
    b.add(1, 1, EdgeType.RW);
    DepGraph g = b.build();
    assertEquals(1, g.edgeCount());
    assertEquals(EdgeType.WW.bit() | EdgeType.REALTIME.bit(), g.mask(0, 1));
  }
}
