package io.refraft.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.refraft.spec.Message.AppendEntriesRequest;
import io.refraft.spec.Message.AppendEntriesResponse;
import io.refraft.spec.Message.RequestVoteRequest;
import io.refraft.spec.Message.RequestVoteResponse;
import io.refraft.spec.Role.Progress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * {@link Raft#step} rule by rule, each test keyed to the sentence of the Raft paper (extended
 * version) or of Ongaro's thesis that it checks. Properties of every transition (persist before
 * send, Apply carrying exactly the newly committed entries) are in {@link RaftOutputsTest}.
 */
class RaftTest {
  static final NodeId N1 = NodeId.of("n1");
  static final NodeId N2 = NodeId.of("n2");
  static final NodeId N3 = NodeId.of("n3");
  static final Config PLAIN = Config.ofSize(3).withPreVote(false).withCheckQuorum(false);

  /** A log whose entry i has term terms[i-1] and payload v_i. */
  static Log log(long... terms) {
    Log l = Log.EMPTY;
    for (int i = 0; i < terms.length; i++) {
      l = l.append(new Entry(terms[i], Payload.Data.of((byte) (i + 1))));
    }
    return l;
  }

  static NodeState follower(Config c, NodeId self, long term, Optional<NodeId> vote, Log log, long commit,
      Optional<NodeId> leader) {
    return new NodeState(self, c, term, vote, log, commit, new Role.Follower(leader));
  }

  static NodeState leader(Config c, long term, Log log, long commit, Progress p2, Progress p3, Set<NodeId> active) {
    return new NodeState(N1, c, term, Optional.of(N1), log, commit,
        new Role.Leader(Map.of(N2, p2, N3, p3), active));
  }

  static Transition receive(NodeState s, Message m) {
    return Raft.step(s, new Input.MessageReceived(m));
  }

  static List<Message> sent(Transition t) {
    List<Message> out = new ArrayList<>();
    for (Output o : t.outputs()) {
      if (o instanceof Output.Send(Message m)) {
        out.add(m);
      }
    }
    return out;
  }

  static <T extends Message> T onlySent(Transition t, Class<T> type) {
    List<Message> ms = sent(t);
    assertEquals(1, ms.size(), "messages sent: " + ms);
    return assertInstanceOf(type, ms.get(0));
  }

  static boolean persists(Transition t) {
    return t.outputs().stream().anyMatch(o -> o instanceof Output.Persist);
  }

  // §5.2: "Each server will vote for at most one candidate in a given term, on a
  // first-come-first-served basis."
  @Test
  void when_already_voted_for_another_candidate_in_the_term_then_vote_is_rejected() {
    NodeState s = follower(PLAIN, N2, 2, Optional.of(N1), log(1), 0, Optional.empty());
    Transition t = receive(s, new RequestVoteRequest(N3, N2, 2, 5, 1, false));
    RequestVoteResponse r = onlySent(t, RequestVoteResponse.class);
    assertFalse(r.voteGranted());
    assertEquals(Optional.of(N1), t.next().votedFor());
    assertFalse(persists(t));
  }

  // Figure 2, RequestVote receiver rule 2: "If votedFor is null or candidateId, and ... grant vote"
  // (a retried request from the same candidate is granted again).
  @Test
  void when_the_same_candidate_asks_again_then_vote_is_granted_again() {
    NodeState s = follower(PLAIN, N2, 2, Optional.of(N1), log(1), 0, Optional.empty());
    Transition t = receive(s, new RequestVoteRequest(N1, N2, 2, 1, 1, false));
    assertTrue(onlySent(t, RequestVoteResponse.class).voteGranted());
  }

  // §5.4.1: "If the logs have last entries with different terms, then the log with the later term
  // is more up-to-date. If the logs end with the same term, then whichever log is longer is more
  // up-to-date."
  @Test
  void when_the_candidate_log_is_less_up_to_date_then_vote_is_rejected() {
    NodeState s = follower(PLAIN, N2, 3, Optional.empty(), log(1, 1, 2), 0, Optional.empty());
    assertFalse(onlySent(receive(s, new RequestVoteRequest(N1, N2, 3, 5, 1, false)), RequestVoteResponse.class)
        .voteGranted(), "lower last term, longer log");
    assertFalse(onlySent(receive(s, new RequestVoteRequest(N1, N2, 3, 2, 2, false)), RequestVoteResponse.class)
        .voteGranted(), "same last term, shorter log");
    assertTrue(onlySent(receive(s, new RequestVoteRequest(N1, N2, 3, 3, 2, false)), RequestVoteResponse.class)
        .voteGranted(), "same last term, same length");
    assertTrue(onlySent(receive(s, new RequestVoteRequest(N1, N2, 3, 1, 3, false)), RequestVoteResponse.class)
        .voteGranted(), "higher last term, shorter log");
  }

  // Figure 2, "Rules for Servers": "If RPC request or response contains term T > currentTerm: set
  // currentTerm = T, convert to follower (§5.1)". A leader is no exception.
  @Test
  void when_a_leader_sees_a_higher_term_then_it_becomes_a_follower_of_that_term() {
    NodeState s = leader(PLAIN, 2, log(1, 2), 2, new Progress(3, 2), new Progress(3, 2), Set.of(N1));
    Transition t = receive(s, new AppendEntriesResponse(N2, N1, 7, false, 0, 0, 0));
    assertEquals(7, t.next().term());
    assertEquals(Optional.empty(), t.next().votedFor());
    assertInstanceOf(Role.Follower.class, t.next().role());
    assertEquals(List.of(Action.UpdateTerm, Action.DropStaleResponse), t.actions());
    assertEquals(new Output.HardState(7, Optional.empty()), t.outputs().get(0));
    assertEquals(2, t.next().commitIndex(), "commitIndex is kept: it only ever grows while running");
  }

  // §5.1: "If a server receives a request with a stale term number, it rejects the request."
  // Figure 2: "Reply false if term < currentTerm", with currentTerm "for leader to update itself".
  @Test
  void when_append_entries_has_a_stale_term_then_it_is_rejected_with_the_current_term() {
    NodeState s = follower(PLAIN, N2, 3, Optional.empty(), log(1, 3), 1, Optional.of(N3));
    Transition t = receive(s, new AppendEntriesRequest(N1, N2, 2, 2, 3, List.of(), 1));
    AppendEntriesResponse r = onlySent(t, AppendEntriesResponse.class);
    assertFalse(r.success());
    assertEquals(3, r.term());
    assertEquals(s, t.next());
    assertFalse(t.outputs().contains(new Output.ResetElectionTimer()), "a stale leader must not hold off elections");
  }

  // Thesis §5.3 (conflict optimization): "the follower can include the term of the conflicting
  // entry and the first index it stores for that term."
  @Test
  void when_prev_log_term_conflicts_then_the_hint_is_the_first_index_of_the_conflicting_term() {
    NodeState s = follower(PLAIN, N2, 4, Optional.empty(), log(1, 2, 2, 2), 0, Optional.empty());
    Transition t = receive(s, new AppendEntriesRequest(N1, N2, 4, 4, 3, List.of(), 0));
    AppendEntriesResponse r = onlySent(t, AppendEntriesResponse.class);
    assertFalse(r.success());
    assertEquals(2, r.conflictIndex());
    assertEquals(2, r.conflictTerm());
    assertEquals(log(1, 2, 2, 2), t.next().log(), "a rejected request changes no entry");
  }

  @Test
  void when_the_follower_log_is_too_short_then_the_hint_is_its_last_index_plus_one() {
    NodeState s = follower(PLAIN, N2, 4, Optional.empty(), log(1, 2), 0, Optional.empty());
    AppendEntriesResponse r = onlySent(receive(s, new AppendEntriesRequest(N1, N2, 4, 9, 4, List.of(), 0)),
        AppendEntriesResponse.class);
    assertEquals(3, r.conflictIndex());
    assertEquals(0, r.conflictTerm());
  }

  // Figure 2, AppendEntries receiver rules 3 and 4: "If an existing entry conflicts with a new one
  // (same index but different terms), delete the existing entry and all that follow it. Append any
  // new entries not already in the log."
  @Test
  void when_entries_conflict_then_the_suffix_is_deleted_and_replaced() {
    NodeState s = follower(PLAIN, N2, 3, Optional.empty(), log(1, 1, 2, 2), 0, Optional.empty());
    Entry x = new Entry(3, Payload.Data.of((byte) 9));
    Transition t = receive(s, new AppendEntriesRequest(N1, N2, 3, 2, 1, List.of(x), 2));
    assertEquals(log(1, 1).append(x), t.next().log());
    assertEquals(new Output.LogSuffix(3, List.of(x)), t.outputs().get(0));
    AppendEntriesResponse r = onlySent(t, AppendEntriesResponse.class);
    assertTrue(r.success());
    assertEquals(3, r.matchIndex());
    assertEquals(2, t.next().commitIndex());
  }

  // Figure 2, rule 3 applies only to a conflicting entry: a delayed, shorter AppendEntries must not
  // truncate entries a later one already appended.
  @Test
  void when_a_delayed_shorter_append_arrives_then_later_entries_are_kept() {
    Log l = log(1, 1, 1);
    NodeState s = follower(PLAIN, N2, 1, Optional.empty(), l, 0, Optional.of(N1));
    Transition t = receive(s, new AppendEntriesRequest(N1, N2, 1, 0, 0, List.of(l.entry(1)), 0));
    assertEquals(l, t.next().log());
    assertFalse(persists(t));
    assertEquals(1, onlySent(t, AppendEntriesResponse.class).matchIndex(), "acknowledges only what was sent");
  }

  // Figure 2, AppendEntries receiver rule 5: "If leaderCommit > commitIndex, set commitIndex =
  // min(leaderCommit, index of last new entry)": a stale suffix beyond what was sent is not committed.
  @Test
  void when_a_follower_has_entries_beyond_those_sent_then_its_commit_stops_at_the_last_new_entry() {
    NodeState s = follower(PLAIN, N2, 3, Optional.empty(), log(1, 1, 2), 0, Optional.empty());
    Transition t = receive(s, new AppendEntriesRequest(N1, N2, 3, 2, 1, List.of(), 2));
    assertEquals(2, t.next().commitIndex());
    assertEquals(log(1, 1, 2), t.next().log());
  }

  // Thesis §5.3: "Upon receiving a conflict response, the leader should first search its log for
  // conflictTerm. If it finds an entry in its log with that term, it should set nextIndex to be
  // the one beyond the index of the last entry in that term in its log. If it does not find an
  // entry with that term, it should set nextIndex = conflictIndex."
  @Test
  void when_the_leader_gets_a_conflict_hint_then_next_index_skips_the_whole_term() {
    Log l = log(1, 1, 1, 4, 4, 5, 5, 6, 6, 6);
    NodeState s = leader(PLAIN, 8, l, 0, new Progress(11, 0), new Progress(11, 0), Set.of(N1));
    Transition known = receive(s, new AppendEntriesResponse(N2, N1, 8, false, 0, 6, 5));
    AppendEntriesRequest resend = onlySent(known, AppendEntriesRequest.class);
    assertEquals(7, resend.prevLogIndex(), "nextIndex 8: one past the leader's last entry of term 5");
    assertEquals(5, resend.prevLogTerm());
    assertEquals(l.slice(8, 11), resend.entries());
    Transition unknown = receive(s, new AppendEntriesResponse(N2, N1, 8, false, 0, 4, 2));
    assertEquals(3, onlySent(unknown, AppendEntriesRequest.class).prevLogIndex(), "nextIndex = conflictIndex 4");
    Transition shorter = receive(s, new AppendEntriesResponse(N2, N1, 8, false, 0, 3, 0));
    assertEquals(2, onlySent(shorter, AppendEntriesRequest.class).prevLogIndex(), "nextIndex = follower's last + 1");
    NodeState lazy = leader(PLAIN.withEagerSend(false), 8, l, 0, new Progress(11, 0), new Progress(11, 0), Set.of(N1));
    Transition t = receive(lazy, new AppendEntriesResponse(N2, N1, 8, false, 0, 6, 5));
    assertEquals(new Progress(8, 0), ((Role.Leader) t.next().role()).progressOf(N2));
    assertEquals(List.of(), sent(t), "without eager sends the retry waits for the send timer");
  }

  // §5.4.2: "Raft never commits log entries from previous terms by counting replicas. Only log
  // entries from the leader's current term are committed by counting replicas; once an entry from
  // the current term has been committed in this way, then all prior entries are committed
  // indirectly because of the Log Matching Property." (Figure 8)
  @Test
  void when_an_old_term_entry_is_on_a_quorum_then_it_is_committed_only_with_a_current_term_entry() {
    NodeState s = leader(PLAIN.withLeaderNoop(false), 3, log(1, 1), 1, new Progress(3, 1), new Progress(2, 1), Set.of(N1));
    Transition t = receive(s, new AppendEntriesResponse(N2, N1, 3, true, 2, 0, 0));
    assertEquals(1, t.next().commitIndex(), "index 2 (term 1) is on n1 and n2, a quorum, yet not committed");
    assertFalse(t.actions().contains(Action.AdvanceCommitIndex));
    Transition p = Raft.step(t.next(), Input.ClientPropose.of(Payload.Data.of((byte) 7)));
    Transition c = receive(p.next(), new AppendEntriesResponse(N2, N1, 3, true, 3, 0, 0));
    assertEquals(3, c.next().commitIndex());
    assertTrue(c.outputs().contains(new Output.Apply(2, c.next().log().slice(2, 4))));
  }

  // §8: "Raft handles this by having each leader commit a blank no-op entry into the log at the
  // start of its term."
  @Test
  void when_a_candidate_wins_then_it_appends_a_noop_of_its_term_and_sends_it() {
    NodeState f = follower(PLAIN, N1, 4, Optional.empty(), log(1, 2), 2, Optional.empty());
    NodeState candidate = Raft.step(f, new Input.ElectionTimeout()).next();
    assertEquals(5, candidate.term());
    Transition won = receive(candidate, new RequestVoteResponse(N2, N1, 5, true, false));
    assertTrue(won.next().isLeader());
    assertEquals(new Entry(5, Payload.NOOP), won.next().log().entry(3));
    assertEquals(new Output.LogSuffix(3, List.of(new Entry(5, Payload.NOOP))), won.outputs().get(0));
    for (Message m : sent(won)) {
      assertEquals(List.of(new Entry(5, Payload.NOOP)), ((AppendEntriesRequest) m).entries());
    }
    assertEquals(2, sent(won).size());
  }

  // Thesis §9.6: "a candidate would first ask other servers whether its log was up-to-date enough
  // to get their vote ... the Pre-Vote phase" — nobody's term or vote changes until a real
  // election starts.
  @Test
  void when_pre_voting_then_no_server_changes_its_term_or_vote() {
    Config c = PLAIN.withPreVote(true);
    NodeState f1 = follower(c, N1, 2, Optional.of(N3), log(1, 2), 0, Optional.empty());
    Transition pre = Raft.step(f1, new Input.ElectionTimeout());
    assertInstanceOf(Role.PreCandidate.class, pre.next().role());
    assertEquals(2, pre.next().term());
    assertFalse(persists(pre));
    RequestVoteRequest req = (RequestVoteRequest) sent(pre).get(0);
    assertTrue(req.preVote());
    assertEquals(3, req.term());

    NodeState f2 = follower(c, N2, 2, Optional.of(N3), log(1, 2), 0, Optional.empty());
    Transition answer = receive(f2, req);
    assertEquals(f2, answer.next());
    assertFalse(persists(answer));
    RequestVoteResponse granted = onlySent(answer, RequestVoteResponse.class);
    assertTrue(granted.voteGranted() && granted.preVote());

    Transition elected = receive(pre.next(), granted);
    assertInstanceOf(Role.Candidate.class, elected.next().role());
    assertEquals(3, elected.next().term(), "the term grows only when the real election starts");
  }

  // Thesis §6.2: "a leader steps down if an election timeout elapses without a successful round
  // of heartbeats to a majority of its cluster."
  @Test
  void when_a_leader_heard_from_no_quorum_during_an_election_timeout_then_it_steps_down() {
    Config c = PLAIN.withCheckQuorum(true);
    NodeState alone = leader(c, 2, log(2), 1, new Progress(2, 1), new Progress(2, 1), Set.of(N1));
    Transition t = Raft.step(alone, new Input.ElectionTimeout());
    assertEquals(List.of(Action.StepDown), t.actions());
    assertEquals(new Role.Follower(Optional.empty()), t.next().role());
    assertEquals(2, t.next().term());

    NodeState heard = leader(c, 2, log(2), 1, new Progress(2, 1), new Progress(2, 1), Set.of(N1, N3));
    Transition ok = Raft.step(heard, new Input.ElectionTimeout());
    assertEquals(List.of(Action.CheckQuorum), ok.actions());
    assertEquals(Set.of(N1), ((Role.Leader) ok.next().role()).recentlyActive(), "the next period starts afresh");
  }

  // Thesis §4.2.3: "if a server receives a RequestVote request within the minimum election timeout
  // of hearing from a current leader, it does not update its term or grant its vote."
  @Test
  void when_a_follower_knows_a_live_leader_then_it_ignores_a_vote_request_of_a_higher_term() {
    Config c = PLAIN.withCheckQuorum(true);
    NodeState s = follower(c, N2, 1, Optional.of(N1), log(1), 1, Optional.of(N1));
    Transition t = receive(s, new RequestVoteRequest(N3, N2, 9, 5, 1, false));
    assertEquals(s, t.next());
    assertEquals(List.of(), t.outputs());
    assertEquals(List.of(Action.IgnoreVoteRequestInLease), t.actions());

    NodeState noLeader = follower(c, N2, 1, Optional.of(N1), log(1), 1, Optional.empty());
    Transition u = receive(noLeader, new RequestVoteRequest(N3, N2, 9, 5, 1, false));
    assertEquals(9, u.next().term());
    assertTrue(onlySent(u, RequestVoteResponse.class).voteGranted());
  }

  // Figure 2: currentTerm, votedFor and log[] are "Persistent state on all servers"; commitIndex is
  // "Volatile state on all servers" ("initialized to 0").
  @Test
  void when_a_server_restarts_then_durable_state_survives_and_commit_resets() {
    NodeState s = leader(PLAIN, 3, log(1, 3), 2, new Progress(3, 2), new Progress(3, 2), Set.of(N1));
    Transition t = Raft.step(s, new Input.Restart(s.durable()));
    NodeState n = t.next();
    assertEquals(s.durable(), n.durable());
    assertEquals(0, n.commitIndex());
    assertEquals(new Role.Follower(Optional.empty()), n.role());
    assertEquals(List.of(new Output.ResetElectionTimer()), t.outputs(), "nothing to persist, send or apply");
  }

  // §5.3 / §8: only the leader appends client commands; others redirect clients to the leader
  // they know of.
  @Test
  void when_a_follower_gets_a_proposal_then_it_rejects_it_naming_the_leader() {
    NodeState s = follower(PLAIN, N2, 1, Optional.of(N1), log(1), 1, Optional.of(N1));
    Transition t = Raft.step(s, Input.ClientPropose.of(Payload.Data.of((byte) 1)));
    assertEquals(List.of(new Output.ProposalRejected(Optional.of(N1))), t.outputs());
    assertEquals(s, t.next());
  }

  // A leader never deletes entries (Figure 3, Leader Append-Only), so an acknowledgement beyond its
  // last index cannot come from a correct follower; it must neither commit anything nor crash the leader.
  @Test
  void when_a_follower_acknowledges_an_index_the_leader_never_had_then_the_response_is_dropped() {
    NodeState s = leader(PLAIN, 3, log(3, 3), 0, new Progress(3, 0), new Progress(3, 0), Set.of(N1));
    Transition t = receive(s, new AppendEntriesResponse(N2, N1, 3, true, 9, 0, 0));
    assertEquals(List.of(Action.DropStaleResponse), t.actions());
    assertEquals(0, t.next().commitIndex());
    assertEquals(s, t.next());
  }
}
