package io.refraft.verification.fault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;

class FaultKindTest {

  @Test
  void each_tool_names_only_its_own_kinds() {
    assertEquals(EnumSet.of(FaultKind.DROP, FaultKind.FSYNC_LATENCY), FaultKind.parseSimulated("drop,FSYNC_latency"));
    assertEquals(EnumSet.of(FaultKind.KILL, FaultKind.PARTITION), FaultKind.parseNemeses("kill,partition"));
    String sim = assertThrows(IllegalArgumentException.class, () -> FaultKind.parseSimulated("drop,kill")).getMessage();
    assertTrue(sim.startsWith("--faults: unknown fault 'kill'"), sim);
    String nemesis = assertThrows(IllegalArgumentException.class, () -> FaultKind.parseNemeses("partition,crash"))
        .getMessage();
    assertTrue(nemesis.startsWith("unknown nemesis 'crash'"), nemesis);
  }

  @Test
  void the_sets_iterate_in_the_order_the_schedules_draw_from() {
    assertEquals(List.of("drop", "dup", "partition", "crash", "fsync-latency"),
        FaultKind.SIMULATED.stream().map(FaultKind::flag).toList());
    assertEquals(List.of("partition", "kill", "pause", "restart", "disk-full", "compact"), FaultKind.NEMESES.stream().map(FaultKind::flag).toList());
  }
}
