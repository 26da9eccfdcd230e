package io.refraft.verification.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.refraft.spec.Config;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** The end-of-run liveness check fails on a cluster that did not converge (no fault may hide one). */
class FinalChecksTest {
  private final Config config = Config.ofSize(3);

  @Test
  void nodes_that_applied_the_same_prefix_pass() {
    assertEquals(Optional.empty(), FinalChecks.liveness(config,
        List.of(OptionalLong.of(687), OptionalLong.of(687), OptionalLong.of(687))));
  }

  @Test
  void a_node_behind_the_others_fails_and_is_named() {
    assertEquals(Optional.of("Liveness: after 5 s without faults n2 applied up to 686 but n1 up to 687"),
        FinalChecks.liveness(config, List.of(OptionalLong.of(687), OptionalLong.of(686), OptionalLong.of(687))));
    assertEquals(Optional.of("Liveness: after 5 s without faults n3 applied up to 688 but n1 up to 687"),
        FinalChecks.liveness(config, List.of(OptionalLong.of(687), OptionalLong.of(687), OptionalLong.of(688))));
  }

  @Test
  void a_node_that_is_down_fails() {
    assertEquals(Optional.of("Liveness: n3 is not running after settling"),
        FinalChecks.liveness(config, List.of(OptionalLong.of(0), OptionalLong.of(0), OptionalLong.empty())));
  }
}
