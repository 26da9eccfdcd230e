package io.refraft.spec;

import static io.refraft.spec.RaftTest.N1;
import static io.refraft.spec.RaftTest.N2;
import static io.refraft.spec.RaftTest.N3;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.refraft.spec.Message.AppendEntriesRequest;
import io.refraft.spec.Message.AppendEntriesResponse;
import io.refraft.spec.Role.Progress;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The ReadIndex protocol of thesis §6.4, rule by rule. */
class ReadIndexTest {
  static final Config C = Config.ofSize(3);

  /** n1 leading term 2 with log [1, 2] committed up to {@code commit}, peers fully replicated. */
  static NodeState leader(long commit) {
    return new NodeState(N1, C, 2, Optional.of(N1), RaftTest.log(1, 2), commit,
        new Role.Leader(Map.of(N2, new Progress(3, 2), N3, new Progress(3, 2)), Set.of(N1)));
  }

  static List<Output> replies(Transition t) {
    return t.outputs().stream().filter(o -> o instanceof Output.ReadReady || o instanceof Output.ReadRejected).toList();
  }

  static Role.Reads reads(NodeState s) {
    return ((Role.Leader) s.role()).reads();
  }

  static AppendEntriesResponse ack(NodeId from, long round) {
    return new AppendEntriesResponse(from, N1, 2, true, 2, 0, 0, round);
  }

  @Test
  void when_a_leader_gets_a_read_then_it_records_commitIndex_and_sends_a_new_round_to_every_peer() {
    Transition t = Raft.step(leader(2), new Input.ReadIndexRequest(7));
    assertEquals(List.of(Action.ReadIndex, Action.AppendEntries, Action.AppendEntries), t.actions());
    assertEquals(List.of(), replies(t), "not served before a quorum confirms");
    assertEquals(List.of(new Role.PendingRead(7, 2, 1)), reads(t.next()).pending());
    for (Message m : RaftTest.sent(t)) {
      assertEquals(1, ((AppendEntriesRequest) m).round());
    }
    assertEquals(2, RaftTest.sent(t).size());
  }

  @Test
  void when_a_quorum_acknowledges_the_round_then_the_read_is_ready_at_its_readIndex() {
    NodeState s = Raft.step(leader(2), new Input.ReadIndexRequest(7)).next();
    Transition t = RaftTest.receive(s, ack(N2, 1));
    assertEquals(List.of(new Output.ReadReady(7, 2)), replies(t));
    assertTrue(t.actions().contains(Action.ConfirmRead));
    assertEquals(List.of(), reads(t.next()).pending());
    assertEquals(List.of(), replies(RaftTest.receive(t.next(), ack(N3, 1))), "answered once");
  }

  @Test
  void when_only_an_older_round_is_acknowledged_then_the_read_waits() {
    NodeState s = Raft.step(leader(2), new Input.ReadIndexRequest(7)).next();
    s = RaftTest.receive(s, ack(N2, 1)).next();
    s = Raft.step(s, new Input.ReadIndexRequest(8)).next();
    Transition old = RaftTest.receive(s, ack(N3, 1));
    assertEquals(List.of(), replies(old), "an answer sent before read 8 arrived proves nothing about it");
    assertEquals(List.of(new Output.ReadReady(8, 2)), replies(RaftTest.receive(old.next(), ack(N3, 2))));
  }

  @Test
  void when_a_rejection_of_the_same_term_echoes_the_round_then_it_still_confirms_leadership() {
    NodeState s = Raft.step(leader(2), new Input.ReadIndexRequest(7)).next();
    Transition t = RaftTest.receive(s, new AppendEntriesResponse(N2, N1, 2, false, 0, 2, 0, 1));
    assertEquals(List.of(new Output.ReadReady(7, 2)), replies(t));
  }

  @Test
  void when_the_leader_has_not_committed_an_entry_of_its_term_then_the_read_waits_for_it() {
    NodeState s = leader(1); // index 2 (its term-2 no-op) not yet committed
    s = new NodeState(N1, C, 2, Optional.of(N1), s.log(), 1,
        new Role.Leader(Map.of(N2, new Progress(3, 1), N3, new Progress(3, 1)), Set.of(N1)));
    Transition t = Raft.step(s, new Input.ReadIndexRequest(7));
    assertEquals(List.of(new Role.PendingRead(7, 0, 1)), reads(t.next()).pending(), "readIndex not fixed yet");
    Transition acked = RaftTest.receive(t.next(), new AppendEntriesResponse(N2, N1, 2, true, 1, 0, 0, 1));
    assertEquals(List.of(), replies(acked), "confirmed, but step 1 of §6.4 is not met");
    Transition committed = RaftTest.receive(acked.next(), new AppendEntriesResponse(N2, N1, 2, true, 2, 0, 0, 0));
    assertEquals(2, committed.next().commitIndex());
    assertEquals(List.of(new Output.ReadReady(7, 2)), replies(committed));
  }

  @Test
  void when_a_follower_gets_a_read_then_it_rejects_it_naming_the_leader() {
    NodeState f = RaftTest.follower(C, N2, 2, Optional.of(N1), RaftTest.log(1, 2), 2, Optional.of(N1));
    Transition t = Raft.step(f, new Input.ReadIndexRequest(9));
    assertEquals(List.of(new Output.ReadRejected(9, Optional.of(N1))), replies(t));
    assertEquals(List.of(Action.RejectRead), t.actions());
    assertEquals(f, t.next());
  }

  @Test
  void when_a_leader_with_pending_reads_sees_a_higher_term_then_it_steps_down_and_rejects_them() {
    NodeState s = Raft.step(leader(2), new Input.ReadIndexRequest(7)).next();
    s = Raft.step(s, new Input.ReadIndexRequest(8)).next();
    Transition t = RaftTest.receive(s, new AppendEntriesRequest(N3, N1, 3, 2, 2, List.of(), 2));
    assertEquals(List.of(new Output.ReadRejected(7, Optional.of(N3)), new Output.ReadRejected(8, Optional.of(N3))),
        replies(t));
    assertTrue(t.actions().contains(Action.RejectRead));
  }

  @Test
  void when_a_leader_with_pending_reads_fails_check_quorum_then_it_rejects_them() {
    NodeState s = Raft.step(leader(2), new Input.ReadIndexRequest(7)).next();
    Transition t = Raft.step(s, new Input.ElectionTimeout());
    assertEquals(List.of(Action.StepDown, Action.RejectRead), t.actions());
    assertEquals(List.of(new Output.ReadRejected(7, Optional.empty())), replies(t));
  }

  @Test
  void when_a_single_server_gets_a_read_then_it_is_ready_at_once() {
    Config one = Config.ofSize(1);
    NodeState s = Raft.step(NodeState.initial(N1, one), new Input.ElectionTimeout()).next();
    assertTrue(s.isLeader());
    Transition t = Raft.step(s, new Input.ReadIndexRequest(1));
    assertEquals(List.of(new Output.ReadReady(1, 1)), replies(t));
    assertEquals(List.of(Action.ReadIndex, Action.ConfirmRead), t.actions());
  }

  @Test
  void when_a_follower_answers_a_request_then_it_echoes_its_round() {
    NodeState f = RaftTest.follower(C, N2, 2, Optional.of(N1), RaftTest.log(1, 2), 2, Optional.of(N1));
    Transition ok = RaftTest.receive(f, new AppendEntriesRequest(N1, N2, 2, 2, 2, List.of(), 2, 5));
    assertEquals(5, ((AppendEntriesResponse) RaftTest.sent(ok).get(0)).round());
    Transition stale = RaftTest.receive(f, new AppendEntriesRequest(N3, N2, 1, 2, 2, List.of(), 0, 4));
    assertEquals(4, ((AppendEntriesResponse) RaftTest.sent(stale).get(0)).round());
  }

  @Test
  void when_a_peer_echoes_a_round_never_started_then_it_counts_for_nothing() {
    NodeState s = Raft.step(leader(2), new Input.ReadIndexRequest(7)).next();
    Transition t = RaftTest.receive(s, ack(N2, 9));
    assertEquals(List.of(), replies(t));
    assertEquals(Map.of(), reads(t.next()).acked());
  }
}
