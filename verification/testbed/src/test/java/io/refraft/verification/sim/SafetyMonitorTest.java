package io.refraft.verification.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.refraft.spec.Config;
import io.refraft.spec.Entry;
import io.refraft.spec.Log;
import io.refraft.spec.NodeState;
import io.refraft.spec.Payload;
import io.refraft.spec.Role;
import io.refraft.spec.Snapshot;
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

  private NodeState restored(int node, long commit, Snapshot snap, Entry... after) {
    return new NodeState(config.members().get(node), config, 2, Optional.empty(), Log.restored(snap, List.of(after)),
        commit, Role.Follower.UNKNOWN_LEADER);
  }

  @Test
  void a_node_whose_snapshot_covers_committed_entries_is_checked_after_it_and_at_its_last_entry() {
    SafetyMonitor m = new SafetyMonitor(3);
    assertEquals(Optional.empty(), m.afterEvent(List.of(follower(0, 2, e(1, "a"), e(2, "b")), follower(1, 0),
        follower(2, 0))));
    // n2 installed a snapshot through index 2 (term 2) and holds entry 3 after it, committed
    assertEquals(Optional.empty(), m.afterEvent(List.of(follower(0, 2, e(1, "a"), e(2, "b")),
        restored(1, 3, new Snapshot(2, 2, 9), e(2, "c")), follower(2, 0))));
    assertEquals(3, m.committed().size());
    Optional<String> v = m.afterEvent(List.of(follower(0, 2, e(1, "a"), e(2, "b")),
        restored(1, 3, new Snapshot(2, 2, 9), e(2, "c")), restored(2, 2, new Snapshot(2, 1, 9))));
    assertTrue(v.orElse("").startsWith("StateMachineSafety: n3 holds a snapshot through index 2 of term 1"),
        v.toString());
  }

  @Test
  void entries_a_node_compacts_in_the_event_that_committed_them_are_checked_before_they_go() {
    SafetyMonitor m = new SafetyMonitor(3);
    m.beforeCompaction(0, follower(0, 2, e(1, "a"), e(2, "b")));
    assertEquals(Optional.empty(), m.afterEvent(List.of(restored(0, 2, new Snapshot(2, 2, 9)), follower(1, 0),
        follower(2, 0))));
    assertEquals(2, m.committed().size());
  }
}
