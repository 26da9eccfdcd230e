package io.refraft.spec;

import static io.refraft.spec.RaftTest.N1;
import static io.refraft.spec.RaftTest.N2;
import static io.refraft.spec.RaftTest.N3;
import static io.refraft.spec.RaftTest.PLAIN;
import static io.refraft.spec.RaftTest.follower;
import static io.refraft.spec.RaftTest.leader;
import static io.refraft.spec.RaftTest.log;
import static io.refraft.spec.RaftTest.onlySent;
import static io.refraft.spec.RaftTest.receive;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.refraft.spec.Message.AppendEntriesRequest;
import io.refraft.spec.Message.AppendEntriesResponse;
import io.refraft.spec.Message.InstallSnapshotRequest;
import io.refraft.spec.Message.InstallSnapshotResponse;
import io.refraft.spec.Role.Progress;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Log compaction and InstallSnapshot (thesis chapter 5, Figure 5.3), rule by rule. The model
 * checker explores them with {@code --snapshots on}; these pin each rule down.
 */
class CompactionTest {

  private static Snapshot snapshotOf(Log log, long index) {
    return new Snapshot(index, log.term(index), log.digestThrough(index));
  }

  private static Optional<Output> first(Transition t, Class<? extends Output> type) {
    return t.outputs().stream().filter(type::isInstance).findFirst();
  }

  // Thesis §5.1: each server compacts "committed entries in its log" independently.
  @Test
  void when_a_server_takes_a_snapshot_then_applied_entries_are_replaced_and_the_snapshot_is_written() {
    Log l = log(1, 1, 2);
    NodeState s = follower(PLAIN, N2, 2, Optional.of(N1), l, 2, Optional.of(N1));
    Transition t = Raft.step(s, new Input.TakeSnapshot(2));
    Log after = t.next().log();
    assertEquals(snapshotOf(l, 2), after.snapshot());
    assertEquals(3, after.firstIndex());
    assertEquals(l.entry(3), after.entry(3));
    assertEquals(List.of(new Output.SaveSnapshot(snapshotOf(l, 2))),
        t.outputs().stream().filter(o -> o instanceof Output.Persist).toList(), "the snapshot alone is written");
    assertEquals(List.of(Action.TakeSnapshot), t.actions());
    assertThrows(IndexOutOfBoundsException.class, () -> after.entry(2));
  }

  @Test
  void when_asked_to_snapshot_beyond_what_is_applied_or_not_beyond_the_snapshot_then_nothing_changes() {
    NodeState s = follower(PLAIN, N2, 2, Optional.of(N1), log(1, 1, 2), 1, Optional.of(N1));
    assertSame(s, Raft.step(s, new Input.TakeSnapshot(2)).next(), "index 2 is not committed");
    NodeState compacted = Raft.step(s, new Input.TakeSnapshot(1)).next();
    assertSame(compacted, Raft.step(compacted, new Input.TakeSnapshot(1)).next(), "a snapshot never moves back");
  }

  // Figure 5.3 (InstallSnapshot): a leader sends its snapshot to a follower whose nextIndex it has compacted.
  @Test
  void when_a_follower_needs_compacted_entries_then_the_leader_sends_its_snapshot() {
    Log l = log(1, 1, 2);
    NodeState s = leader(PLAIN, 2, l.compact(2), 2, new Progress(2, 0), new Progress(4, 3), Set.of(N1));
    Transition t = Raft.step(s, Input.HeartbeatTimeout.to(N2));
    InstallSnapshotRequest r = onlySent(t, InstallSnapshotRequest.class);
    assertEquals(snapshotOf(l, 2), r.snapshot());
    assertEquals(3, ((Role.Leader) t.next().role()).progressOf(N2).next(), "nextIndex moves past the snapshot");
    // the next heartbeat sends AppendEntries after the snapshot
    AppendEntriesRequest ae = onlySent(Raft.step(t.next(), Input.HeartbeatTimeout.to(N2)), AppendEntriesRequest.class);
    assertEquals(2, ae.prevLogIndex());
    assertEquals(1, ae.prevLogTerm(), "the snapshot keeps the term of its last entry (lastIncludedTerm)");
  }

  // Figure 5.3 rule 6: "If existing log entry has same index and term as snapshot's last included entry,
  // retain log entries following it and reply."
  @Test
  void when_the_log_matches_the_snapshot_then_the_entries_after_it_stay() {
    Log l = log(1, 1, 2);
    NodeState s = follower(PLAIN, N2, 2, Optional.of(N1), l, 0, Optional.of(N1));
    Transition t = receive(s, new InstallSnapshotRequest(N1, N2, 2, snapshotOf(l, 2)));
    assertEquals(l.compact(2), t.next().log());
    assertEquals(2, t.next().commitIndex(), "a snapshot is committed");
    assertEquals(2, onlySent(t, InstallSnapshotResponse.class).matchIndex());
    List<Output> writes = t.outputs().stream().filter(o -> o instanceof Output.Persist).toList();
    assertEquals(List.of(new Output.SaveSnapshot(snapshotOf(l, 2))), writes);
    assertEquals(Optional.of(new Output.RestoreSnapshot(snapshotOf(l, 2))), first(t, Output.RestoreSnapshot.class),
        "the state machine restarts from the snapshot");
  }

  // Figure 5.3 rule 7: "Discard the entire log", then reset the state machine using the snapshot.
  @Test
  void when_the_log_does_not_match_the_snapshot_then_the_whole_log_goes() {
    Log leaderLog = log(1, 1, 3);
    NodeState s = follower(PLAIN, N2, 3, Optional.empty(), log(1, 2, 2, 2), 1, Optional.empty());
    Transition t = receive(s, new InstallSnapshotRequest(N1, N2, 3, snapshotOf(leaderLog, 3)));
    assertEquals(Log.restored(snapshotOf(leaderLog, 3), List.of()), t.next().log());
    assertEquals(3, t.next().commitIndex());
    List<Output> writes = t.outputs().stream().filter(o -> o instanceof Output.Persist).toList();
    assertEquals(List.of(new Output.SaveSnapshot(snapshotOf(leaderLog, 3)), new Output.LogSuffix(4, List.of())),
        writes, "the snapshot, then the log after it: nothing");
    assertEquals(3, onlySent(t, InstallSnapshotResponse.class).matchIndex());
  }

  // A snapshot no newer than the commit index holds nothing new; installing it would lose committed entries.
  @Test
  void when_the_snapshot_is_no_newer_than_the_commit_index_then_nothing_changes_and_the_commit_index_is_answered() {
    Log l = log(1, 1, 2);
    NodeState s = follower(PLAIN, N2, 2, Optional.of(N1), l, 3, Optional.of(N1));
    Transition t = receive(s, new InstallSnapshotRequest(N1, N2, 2, snapshotOf(l, 2)));
    assertEquals(l, t.next().log());
    assertEquals(3, onlySent(t, InstallSnapshotResponse.class).matchIndex());
    assertFalse(RaftTest.persists(t));
  }

  @Test
  void when_the_request_is_of_a_stale_term_then_it_is_refused_with_the_current_term() {
    Log l = log(1, 1);
    NodeState s = follower(PLAIN, N2, 3, Optional.empty(), Log.EMPTY, 0, Optional.empty());
    InstallSnapshotResponse r = onlySent(receive(s, new InstallSnapshotRequest(N1, N2, 2, snapshotOf(l, 2))),
        InstallSnapshotResponse.class);
    assertEquals(3, r.term());
    assertEquals(0, r.matchIndex());
  }

  @Test
  void when_a_leader_hears_a_follower_holds_its_snapshot_then_match_index_rises_and_it_sends_what_follows() {
    Log l = log(1, 1, 2);
    Config eager = PLAIN.withEagerSend(true);
    NodeState s = leader(eager, 2, l.compact(2), 2, new Progress(3, 0), new Progress(4, 3), Set.of(N1));
    Transition t = receive(s, new InstallSnapshotResponse(N2, N1, 2, 2));
    Progress p = ((Role.Leader) t.next().role()).progressOf(N2);
    assertEquals(new Progress(4, 2), p, "matchIndex 2, and nextIndex past entry 3, sent at once");
    AppendEntriesRequest ae = onlySent(t, AppendEntriesRequest.class);
    assertEquals(2, ae.prevLogIndex());
    assertEquals(List.of(l.entry(3)), ae.entries());
    // a duplicate, older answer never lowers matchIndex
    Transition again = receive(t.next(), new InstallSnapshotResponse(N2, N1, 2, 1));
    assertEquals(2, ((Role.Leader) again.next().role()).progressOf(N2).match());
  }

  // RedisLabs/raft #49: an AppendEntries with prevLogIndex below the snapshot must not be appended over it.
  @Test
  void when_append_entries_starts_below_the_snapshot_then_only_the_entries_after_it_are_taken() {
    Log l = log(1, 1, 2);
    NodeState s = follower(PLAIN, N2, 2, Optional.of(N1), l.compact(2), 2, Optional.of(N1));
    Transition t = receive(s, new AppendEntriesRequest(N1, N2, 2, 0, 0, l.slice(1, 4), 2));
    assertEquals(Log.restored(snapshotOf(l, 2), List.of(l.entry(3))), t.next().log());
    AppendEntriesResponse r = onlySent(t, AppendEntriesResponse.class);
    assertTrue(r.success());
    assertEquals(3, r.matchIndex());
    // a request that ends inside the snapshot is a heartbeat at the snapshot
    Transition h = receive(s, new AppendEntriesRequest(N1, N2, 2, 0, 0, l.slice(1, 2), 1));
    assertEquals(s.log(), h.next().log());
    assertEquals(2, onlySent(h, AppendEntriesResponse.class).matchIndex());
  }

  @Test
  void when_a_server_restarts_then_it_recovers_its_snapshot_as_committed() {
    Log l = log(1, 1, 2).compact(2);
    NodeState s = follower(PLAIN, N3, 2, Optional.of(N1), l, 3, Optional.of(N1));
    Transition t = Raft.step(s, new Input.Restart(s.durable()));
    assertEquals(l, t.next().log());
    assertEquals(2, t.next().commitIndex(), "commitIndex starts at the snapshot");
  }

  @Test
  void when_a_candidate_asks_for_a_vote_then_a_log_that_is_only_a_snapshot_compares_by_its_last_term() {
    Log l = log(1, 2).compact(2);
    NodeState s = follower(PLAIN, N2, 2, Optional.empty(), Log.restored(l.snapshot(), List.of()), 2, Optional.empty());
    Message.RequestVoteResponse r = onlySent(receive(s, new Message.RequestVoteRequest(N3, N2, 3, 1, 1, false)),
        Message.RequestVoteResponse.class);
    assertFalse(r.voteGranted(), "a candidate whose last term is 1 is behind a snapshot of term 2");
  }

  @Test
  void the_digest_folds_entries_in_order_and_distinguishes_logs() {
    Log a = log(1, 1, 2);
    Log b = log(1, 2, 2);
    assertEquals(Snapshot.EMPTY_DIGEST, Log.EMPTY.digestThrough(0));
    assertEquals(a.digestThrough(2), a.compact(1).digestThrough(2), "compaction keeps the digest of the prefix");
    assertFalse(a.digestThrough(3) == b.digestThrough(3));
    assertTrue(a.compact(2).firstDifference(a) > a.lastIndex(), "a compacted log holds what the full one does");
    assertEquals(1, Log.restored(snapshotOf(b, 2), List.of()).firstDifference(a.compact(2)),
        "snapshots of one index that differ differ somewhere in their prefix");
  }
}
