package io.refraft.verification.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.refraft.spec.Config;
import io.refraft.spec.Entry;
import io.refraft.spec.Log;
import io.refraft.spec.NodeState;
import io.refraft.spec.Payload;
import io.refraft.spec.Role;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SafetyMonitorTest {
  private final Config config = Config.ofSize(3);

  private NodeState follower(int node, long commit, Entry... entries) {
    return new NodeState(config.members().get(node), config, 2, Optional.empty(), Log.of(List.of(entries)), commit,
        Role.Follower.UNKNOWN_LEADER);
  }

  private static Entry e(long term, String value) {
    return new Entry(term, Payload.Data.of(value.getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
  }

  @Test
  void agreeing_nodes_pass_and_grow_the_committed_history() {
    SafetyMonitor m = new SafetyMonitor(3);
    List<NodeState> states = List.of(follower(0, 2, e(1, "a"), e(2, "b")), follower(1, 1, e(1, "a"), e(2, "b")),
        follower(2, 0));
    assertEquals(Optional.empty(), m.afterEvent(states));
    assertEquals(2, m.committed().size());
  }

  @Test
  void two_nodes_committing_different_entries_at_one_index_break_state_machine_safety() {
    SafetyMonitor m = new SafetyMonitor(3);
    Optional<String> v = m.afterEvent(List.of(follower(0, 1, e(1, "a")), follower(1, 1, e(1, "b")), follower(2, 0)));
    assertTrue(v.orElse("").startsWith("StateMachineSafety"), v.toString());
  }

  @Test
  void a_commit_that_went_back_and_forward_again_is_rechecked_from_the_start() {
    SafetyMonitor m = new SafetyMonitor(3);
    assertEquals(Optional.empty(), m.afterEvent(List.of(follower(0, 1, e(1, "a")), follower(1, 0), follower(2, 0))));
    assertEquals(Optional.empty(), m.afterEvent(List.of(follower(0, 0, e(1, "a")), follower(1, 0), follower(2, 0))));
    Optional<String> v = m.afterEvent(List.of(follower(0, 1, e(1, "z")), follower(1, 0), follower(2, 0)));
    assertTrue(v.orElse("").startsWith("StateMachineSafety"), v.toString());
  }
}
