package io.refraft.impl.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.refraft.impl.node.StepFunction;
import io.refraft.spec.Config;
import io.refraft.spec.DurableState;
import io.refraft.spec.Input;
import io.refraft.spec.NodeId;
import io.refraft.spec.NodeState;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NodeMetricsTest {
  private static final NodeId N1 = NodeId.of("n1");

  @Test
  void the_step_wrapper_counts_an_election_and_one_leadership_per_term() {
    NodeMetrics m = new NodeMetrics("n1", "test");
    StepFunction step = m.step(StepFunction.RAFT);
    NodeState s = NodeState.initial(N1, Config.of(List.of(N1)));
    s = step.step(s, new Input.Restart(DurableState.EMPTY)).next();
    s = step.step(s, new Input.ElectionTimeout()).next();
    for (int i = 0; i < 4 && s.leader().isEmpty(); i++) { // a lone node wins once its vote is durable
      s = step.step(s, Input.Persisted.of(s.durable())).next();
    }
    assertEquals(N1, s.leader().orElseThrow(), "a single node elects itself");
    for (int i = 0; i < 3; i++) {
      s = step.step(s, Input.HeartbeatTimeout.all()).next();
    }
    Map<String, ExpositionParser.Family> f = ExpositionParser.parse(m.scrape());
    assertEquals(1, ExpositionParser.value(f, "refraft_raft_elections_started_total"));
    assertEquals(1, ExpositionParser.value(f, "refraft_raft_leader_changes_seen_total"),
        "heartbeats of the same leader in the same term are no change");
    assertTrue(ExpositionParser.value(f, "refraft_raft_pre_elections_started_total") <= 1);
    assertTrue(f.get("refraft_raft_term").samples().isEmpty(), "no driver observed yet: no status to read");
  }
}
