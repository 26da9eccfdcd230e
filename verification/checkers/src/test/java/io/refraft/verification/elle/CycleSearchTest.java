package io.refraft.verification.elle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import org.junit.jupiter.api.Test;

class CycleSearchTest {

  private static CycleSearch.Found found(EdgeType... steps) {
    int[] vs = new int[steps.length];
    for (int i = 0; i < vs.length; i++) {
      vs[i] = i;
    }
    return new CycleSearch.Found(vs, steps);
  }

  @Test
  void cycles_are_named_by_their_edges() {
    EdgeType ww = EdgeType.WW;
    EdgeType wr = EdgeType.WR;
    EdgeType rw = EdgeType.RW;
    assertEquals(AnomalyType.G0, CycleSearch.classify(found(ww, ww)));
    assertEquals(AnomalyType.G1C, CycleSearch.classify(found(ww, wr)));
    assertEquals(AnomalyType.G_SINGLE_ITEM, CycleSearch.classify(found(wr, rw)));
    assertEquals(AnomalyType.G_NONADJACENT_ITEM, CycleSearch.classify(found(wr, rw, wr, rw)));
    // The last and first steps are adjacent too: rw, wr, rw wraps around into rw-rw.
    assertEquals(AnomalyType.G2_ITEM, CycleSearch.classify(found(rw, wr, rw)));
    assertEquals(AnomalyType.G0_PROCESS, CycleSearch.classify(found(ww, EdgeType.PROCESS)));
    assertEquals(AnomalyType.G_SINGLE_ITEM_REALTIME,
        CycleSearch.classify(found(rw, EdgeType.PROCESS, EdgeType.REALTIME)));
  }

  @Test
  void the_shortest_G_single_is_found_in_a_component_with_longer_ones() {
    // 0 -rw-> 1 -wr-> 2 -wr-> 3 -wr-> 0, and a shortcut 1 -wr-> 0.
    DepGraph.Builder b = new DepGraph.Builder(4);
    b.add(0, 1, EdgeType.RW);
    b.add(1, 2, EdgeType.WR);
    b.add(2, 3, EdgeType.WR);
    b.add(3, 0, EdgeType.WR);
    b.add(1, 0, EdgeType.WR);
    DepGraph g = b.build();
    CycleSearch.Outcome o = new CycleSearch(g, false, false).search(new int[] {0, 1, 2, 3}, 1_000_000_000L);
    assertNull(o.timedOutOn());
    CycleSearch.Found f = o.cycles().get(AnomalyType.G_SINGLE_ITEM);
    assertArrayEquals(new int[] {0, 1}, f.vertices());
    assertEquals(List.of(AnomalyType.G_SINGLE_ITEM), List.copyOf(o.cycles().keySet()));
  }

  @Test
  void an_exhausted_budget_reports_the_class_and_an_unrestricted_fallback_cycle() {
    int n = 50_000; // a ring of rw edges: every search for a G-single tries every edge in vain
    DepGraph.Builder b = new DepGraph.Builder(n);
    for (int i = 0; i < n; i++) {
      b.add(i, (i + 1) % n, EdgeType.RW);
    }
    int[] all = new int[n];
    for (int i = 0; i < n; i++) {
      all[i] = i;
    }
    CycleSearch.Outcome o = new CycleSearch(b.build(), false, false).search(all, 1);
    assertEquals(AnomalyType.G_SINGLE_ITEM, o.timedOutOn());
    assertEquals(n, o.fallback().vertices().length);
    assertEquals(AnomalyType.G2_ITEM, CycleSearch.classify(o.fallback()));
  }
}
