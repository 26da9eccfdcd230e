package io.refraft.spec.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.refraft.spec.Config;
import io.refraft.spec.Entry;
import io.refraft.spec.Input;
import io.refraft.spec.Log;
import io.refraft.spec.Message;
import io.refraft.spec.NodeId;
import io.refraft.spec.NodeState;
import io.refraft.spec.Payload;
import io.refraft.spec.Raft;
import io.refraft.spec.Role;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Each {@link Invariant} and {@link StepInvariant} flags a hand-built bad state (and only its own
 * property fails there) and passes the good one next to it: a checker that cannot fail proves
 * nothing.
 */
class InvariantTest {
  static final NodeId N1 = NodeId.of("n1");
  static final NodeId N2 = NodeId.of("n2");
  static final NodeId N3 = NodeId.of("n3");
  static final Config C = Config.ofSize(3).withPreVote(false).withCheckQuorum(false);
  static final Entry A = new Entry(1, Payload.Data.of((byte) 1));
  static final Entry B = new Entry(1, Payload.Data.of((byte) 2));
  static final Entry C2 = new Entry(2, Payload.Data.of((byte) 3));

  static NodeState follower(NodeId id, long term, Log log, long commit) {
    return new NodeState(id, C, term, Optional.empty(), log, commit, Role.Follower.UNKNOWN_LEADER);
  }

  static NodeState leader(NodeId id, long term, Log log, long commit, Map<NodeId, Role.Progress> progress) {
    return new NodeState(id, C, term, Optional.of(id), log, commit, new Role.Leader(progress, Set.of(id)));
  }

  static Cluster cluster(Ghost ghost, NodeState... nodes) {
    return new Cluster(List.of(nodes), Network.EMPTY, ghost);
  }

  static Ghost committed(Entry... entries) {
    return new Ghost(List.of(), List.of(entries).stream().map(e -> new Ghost.Committed(e, e.term())).toList(), 0);
  }

  /** Exactly {@code expected} is violated in {@code c}. */
  static void assertViolated(Cluster c, Invariant expected) {
    Set<Invariant> violated = EnumSet.noneOf(Invariant.class);
    for (Invariant inv : Invariant.values()) {
      inv.violation(c).ifPresent(detail -> violated.add(inv));
    }
    assertEquals(EnumSet.of(expected), violated, "violations in the bad state");
    assertEquals(expected.name(), Invariant.check(c).orElseThrow().invariant());
  }

  static void assertHolds(Cluster c) {
    assertEquals(Optional.empty(), Invariant.check(c));
  }

  @Test
  void type_ok_flags_progress_beyond_the_leaders_log() {
    Log l = Log.of(List.of(A));
    Cluster bad = cluster(Ghost.EMPTY, leader(N1, 1, l, 0, Map.of(N2, new Role.Progress(3, 2), N3, new Role.Progress(2, 0))),
        follower(N2, 1, l, 0), follower(N3, 1, Log.EMPTY, 0));
    assertViolated(bad, Invariant.TypeOK);
    assertHolds(cluster(Ghost.EMPTY, leader(N1, 1, l, 0, Map.of(N2, new Role.Progress(2, 1), N3, new Role.Progress(2, 0))),
        follower(N2, 1, l, 0), follower(N3, 1, Log.EMPTY, 0)));
  }

  @Test
  void type_ok_flags_votes_counted_from_servers_that_did_not_answer() {
    NodeState cand = new NodeState(N1, C, 1, Optional.of(N1), Log.EMPTY, 0, new Role.Candidate(Set.of(N1), Set.of(N1, N2)));
    assertViolated(cluster(Ghost.EMPTY, cand, follower(N2, 1, Log.EMPTY, 0), follower(N3, 0, Log.EMPTY, 0)),
        Invariant.TypeOK);
  }

  @Test
  void election_safety_flags_two_leaders_of_one_term() {
    NodeState[] ns = {follower(N1, 2, Log.EMPTY, 0), follower(N2, 2, Log.EMPTY, 0), follower(N3, 2, Log.EMPTY, 0)};
    Ghost two = new Ghost(List.of(new Ghost.Elected(1, N1), new Ghost.Elected(2, N2), new Ghost.Elected(2, N3)), List.of(), 0);
    assertViolated(cluster(two, ns), Invariant.ElectionSafety);
    Ghost fine = new Ghost(List.of(new Ghost.Elected(1, N1), new Ghost.Elected(2, N3), new Ghost.Elected(2, N3)), List.of(), 0);
    assertHolds(cluster(fine, ns));
  }

  @Test
  void log_matching_flags_logs_that_agree_on_a_term_but_differ_before_it() {
    Cluster bad = cluster(Ghost.EMPTY, follower(N1, 2, Log.of(List.of(A, C2)), 0),
        follower(N2, 2, Log.of(List.of(B, C2)), 0), follower(N3, 2, Log.EMPTY, 0));
    assertViolated(bad, Invariant.LogMatching);
    // Different terms at index 2 say nothing about index 1; the same term at index 1 means the same entry.
    Entry otherTerm = new Entry(2, Payload.Data.of((byte) 4));
    assertHolds(cluster(Ghost.EMPTY, follower(N1, 2, Log.of(List.of(A, C2)), 0),
        follower(N2, 2, Log.of(List.of(A, new Entry(1, Payload.Data.of((byte) 5)))), 0),
        follower(N3, 2, Log.of(List.of(otherTerm)), 0)));
  }

  @Test
  void leader_completeness_flags_a_leader_lacking_an_entry_committed_in_an_earlier_term() {
    Log withA = Log.of(List.of(A));
    Map<NodeId, Role.Progress> p = Map.of(N2, new Role.Progress(1, 0), N3, new Role.Progress(1, 0));
    // n1 leads term 2 without A although A was committed in term 1 and sits on n2 and n3.
    Cluster bad = cluster(committed(A), leader(N1, 2, Log.EMPTY, 0, p), follower(N2, 2, withA, 1), follower(N3, 2, withA, 0));
    assertViolated(bad, Invariant.LeaderCompleteness);
    Map<NodeId, Role.Progress> q = Map.of(N2, new Role.Progress(2, 0), N3, new Role.Progress(2, 0));
    assertHolds(cluster(committed(A), leader(N1, 2, withA, 1, q), follower(N2, 2, withA, 1), follower(N3, 2, withA, 0)));
  }

  @Test
  void state_machine_safety_flags_a_server_committing_another_entry_at_a_committed_index() {
    Log withA = Log.of(List.of(A));
    Log other = Log.of(List.of(C2));
    Cluster bad = cluster(committed(A), follower(N1, 1, withA, 1), follower(N2, 1, withA, 0), follower(N3, 2, other, 1));
    assertViolated(bad, Invariant.StateMachineSafety);
    assertHolds(cluster(committed(A), follower(N1, 1, withA, 1), follower(N2, 1, withA, 0), follower(N3, 2, other, 0)));
  }

  @Test
  void quorum_committed_flags_a_committed_entry_held_by_fewer_than_a_quorum() {
    Log withA = Log.of(List.of(A));
    Cluster bad = cluster(committed(A), follower(N1, 1, withA, 1), follower(N2, 1, Log.EMPTY, 0), follower(N3, 1, Log.EMPTY, 0));
    assertViolated(bad, Invariant.QuorumCommitted);
    assertHolds(cluster(committed(A), follower(N1, 1, withA, 1), follower(N2, 1, withA, 0), follower(N3, 1, Log.EMPTY, 0)));
  }

  @Test
  void read_linearizable_flags_a_read_served_below_what_was_committed_when_it_arrived() {
    Log l = Log.of(List.of(A, B));
    NodeState[] ns = {follower(N1, 1, l, 2), follower(N2, 1, l, 2), follower(N3, 1, l, 0)};
    Ghost stale = new Ghost(List.of(), committed(A, B).committed(), 0, List.of(new Ghost.Read(1, 2, 1, 1)));
    assertViolated(cluster(stale, ns), Invariant.ReadLinearizable);
    Ghost fresh = new Ghost(List.of(), committed(A, B).committed(), 0, List.of(new Ghost.Read(1, 2, 1, 2)));
    assertHolds(cluster(fresh, ns));
  }

  @Test
  void read_linearizable_flags_a_read_served_beyond_the_committed_prefix_or_answered_twice() {
    Log l = Log.of(List.of(A, B));
    NodeState[] ns = {follower(N1, 1, l, 1), follower(N2, 1, l, 1), follower(N3, 1, l, 0)};
    Ghost uncommitted = new Ghost(List.of(), committed(A).committed(), 0, List.of(new Ghost.Read(1, 1, 1, 2)));
    assertViolated(cluster(uncommitted, ns), Invariant.ReadLinearizable);
    Ghost twice = new Ghost(List.of(), committed(A).committed(), 0, List.of(new Ghost.Read(1, 1, 2, 1)));
    assertViolated(cluster(twice, ns), Invariant.ReadLinearizable);
    Ghost pending = new Ghost(List.of(), committed(A).committed(), 0, List.of(new Ghost.Read(1, 1, 0, 0)));
    assertHolds(cluster(pending, ns));
  }

  @Test
  void every_invariant_holds_along_an_election_and_a_commit() {
    Cluster c = Cluster.initial(C);
    assertHolds(c);
    c = c.next(new Event.Timeout(N1), Raft::step).orElseThrow().next();
    for (int i = 0; i < 100 && c.network().size() > 0; i++) {
      Message m = c.network().inFlight().keySet().iterator().next();
      c = c.next(new Event.Deliver(m), Raft::step).orElseThrow().next();
      assertHolds(c);
    }
    assertTrue(c.node(N1).isLeader());
    assertEquals(1, c.ghost().committed().size(), "the leader's no-op is committed");
  }

  @Test
  void monotonic_term_flags_a_term_going_back() {
    NodeState s = follower(N1, 3, Log.EMPTY, 0);
    assertStep(StepInvariant.MonotonicTerm, s, new Input.ElectionTimeout(), follower(N1, 2, Log.EMPTY, 0));
    assertStepHolds(s, new Input.ElectionTimeout(), follower(N1, 4, Log.EMPTY, 0));
  }

  @Test
  void monotonic_commit_flags_commit_going_back_except_on_restart() {
    Log l = Log.of(List.of(A, B));
    NodeState s = follower(N1, 1, l, 2);
    assertStep(StepInvariant.MonotonicCommit, s, new Input.ElectionTimeout(), follower(N1, 1, l, 1));
    assertStepHolds(s, new Input.Restart(s.durable()), follower(N1, 1, l, 0));
  }

  @Test
  void vote_once_per_term_flags_a_second_vote_in_the_same_term() {
    NodeState votedN2 = new NodeState(N1, C, 2, Optional.of(N2), Log.EMPTY, 0, Role.Follower.UNKNOWN_LEADER);
    NodeState votedN3 = new NodeState(N1, C, 2, Optional.of(N3), Log.EMPTY, 0, Role.Follower.UNKNOWN_LEADER);
    NodeState forgot = new NodeState(N1, C, 2, Optional.empty(), Log.EMPTY, 0, Role.Follower.UNKNOWN_LEADER);
    assertStep(StepInvariant.VoteOncePerTerm, votedN2, new Input.ElectionTimeout(), votedN3);
    assertStep(StepInvariant.VoteOncePerTerm, votedN2, new Input.Restart(forgot.durable()), forgot);
    NodeState nextTerm = new NodeState(N1, C, 3, Optional.of(N3), Log.EMPTY, 0, Role.Follower.UNKNOWN_LEADER);
    assertStepHolds(votedN2, new Input.ElectionTimeout(), nextTerm);
  }

  @Test
  void leader_append_only_flags_a_leader_shortening_or_overwriting_its_log() {
    Map<NodeId, Role.Progress> p = Map.of(N2, new Role.Progress(1, 0), N3, new Role.Progress(1, 0));
    NodeState before = leader(N1, 2, Log.of(List.of(A, C2)), 0, p);
    Input in = Input.ClientPropose.of(Payload.Data.of((byte) 9));
    assertStep(StepInvariant.LeaderAppendOnly, before, in, leader(N1, 2, Log.of(List.of(A)), 0, p));
    Entry other = new Entry(2, Payload.Data.of((byte) 4));
    assertStep(StepInvariant.LeaderAppendOnly, before, in, leader(N1, 2, Log.of(List.of(A, other, C2)), 0, p));
    assertStepHolds(before, in, leader(N1, 2, Log.of(List.of(A, C2, other)), 0, p));
    // A leader that stepped down may lose entries as a follower: not a leader's append.
    assertStepHolds(before, in, follower(N1, 3, Log.of(List.of(A)), 0));
  }

  static void assertStep(StepInvariant expected, NodeState before, Input in, NodeState after) {
    Set<StepInvariant> violated = EnumSet.noneOf(StepInvariant.class);
    for (StepInvariant inv : StepInvariant.values()) {
      inv.violation(before, in, after).ifPresent(d -> violated.add(inv));
    }
    assertEquals(EnumSet.of(expected), violated);
    assertEquals(expected.name(), StepInvariant.check(before, in, after).orElseThrow().invariant());
  }

  static void assertStepHolds(NodeState before, Input in, NodeState after) {
    assertEquals(Optional.empty(), StepInvariant.check(before, in, after));
  }
}
