package io.refraft.verification.elle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ConsistencyModelTest {

  @Test
  void the_lattice_is_acyclic_and_strict_serializable_implies_every_named_model_of_the_readme() {
    for (ConsistencyModel m : ConsistencyModel.values()) {
      for (ConsistencyModel w : m.implies()) {
        assertFalse(w.weakerOrEqual().contains(m), m + " and " + w + " imply each other");
      }
    }
    Set<ConsistencyModel> below = ConsistencyModel.STRICT_SERIALIZABLE.weakerOrEqual();
    assertEquals(EnumSet.allOf(ConsistencyModel.class), below);
  }

  @Test
  void G1c_rules_out_read_committed_and_everything_above_it() {
    Set<ConsistencyModel> out = ConsistencyModel.ruledOut(List.of(AnomalyType.G1C));
    assertEquals(Set.of(ConsistencyModel.READ_COMMITTED), ConsistencyModel.weakestOf(out));
    assertFalse(out.contains(ConsistencyModel.READ_UNCOMMITTED));
    assertTrue(out.contains(ConsistencyModel.STRONG_SESSION_SNAPSHOT_ISOLATION));
  }

  @Test
  void realtime_cycles_rule_out_only_strong_models() {
    Set<ConsistencyModel> out = ConsistencyModel.ruledOut(List.of(AnomalyType.G2_ITEM_REALTIME));
    assertEquals(Set.of(ConsistencyModel.STRICT_SERIALIZABLE), out);
    Set<ConsistencyModel> g1c = ConsistencyModel.ruledOut(List.of(AnomalyType.G1C_REALTIME));
    assertEquals(Set.of(ConsistencyModel.STRONG_READ_COMMITTED), ConsistencyModel.weakestOf(g1c));
  }

  @Test
  void search_timeouts_rule_out_nothing() {
    assertTrue(ConsistencyModel.ruledOut(List.of(AnomalyType.CYCLE_SEARCH_TIMEOUT)).isEmpty());
  }

  @Test
  void elle_aliases_parse() {
    assertEquals(ConsistencyModel.REPEATABLE_READ, ConsistencyModel.parse("PL-2.99"));
    assertEquals(ConsistencyModel.STRICT_SERIALIZABLE, ConsistencyModel.parse(":strong-serializable"));
    assertEquals(ConsistencyModel.SNAPSHOT_ISOLATION, ConsistencyModel.parse("snapshot-isolation"));
    assertThrows(IllegalArgumentException.class, () -> ConsistencyModel.parse("eventual"));
  }

  @Test
  void anomaly_types_are_found_by_their_elle_names_and_options_keep_their_models() {
    for (AnomalyType t : AnomalyType.values()) {
      assertEquals(t, AnomalyType.byElleName(t.elleName()));
    }
    assertThrows(IllegalArgumentException.class, () -> AnomalyType.byElleName("G42"));
    Options o = Options.of(ConsistencyModel.SERIALIZABLE).withCycleSearchTimeout(java.time.Duration.ofMillis(7));
    assertEquals(List.of(ConsistencyModel.SERIALIZABLE), o.models());
    assertEquals(java.time.Duration.ofMillis(7), o.cycleSearchTimeout());
  }
}
