package io.refraft.spec;

import io.refraft.spec.Message.AppendEntriesRequest;
import io.refraft.spec.Message.InstallSnapshotRequest;
import io.refraft.spec.Message.InstallSnapshotResponse;
import io.refraft.spec.Role.Follower;
import io.refraft.spec.Role.Leader;
import io.refraft.spec.Role.Progress;
import java.util.List;
import java.util.Optional;

/**
 * Log compaction (thesis chapter 5): a server replaces applied entries by a {@link Snapshot}; a
 * leader sends its snapshot to a follower that needs entries it no longer holds; a follower
 * installs one, keeping the entries that follow it when they match. Writing the snapshot, and
 * restoring the state machine from an installed one once durable, are derived by {@link Effects}
 * from the change of the log's snapshot.
 */
final class Compaction {
  private Compaction() {}

  /**
   * The driver's state machine captured its state at {@code index}: compact through it when it is
   * applied here (committed and durable) and beyond the current snapshot; otherwise nothing.
   */
  static NodeState takeSnapshot(NodeState s, long index, Effects fx) {
    if (index <= s.log().snapshot().index() || index > s.applied()) {
      return s;
    }
    fx.action(Action.TakeSnapshot);
    return s.withCompactedLog(s.log().compact(index));
  }

  /**
   * A leader whose peer needs an entry it has compacted (nextIndex - 1 below its snapshot's index:
   * no prevLogTerm to send) sends its snapshot instead, and moves nextIndex past it, as an
   * AppendEntries moves it past what it sent; a loss shows up as a rejection of the next request.
   */
  static NodeState sendSnapshot(NodeState s, Leader l, NodeId peer, Effects fx) {
    Snapshot snap = s.log().snapshot();
    fx.action(Action.InstallSnapshot);
    fx.send(new InstallSnapshotRequest(s.self(), peer, s.term(), snap));
    Progress p = l.progressOf(peer);
    Progress sent = new Progress(Math.max(p.next(), snap.index() + 1), p.match());
    if (sent.equals(p)) {
      return s;
    }
    return s.withRole(l.withProgress(Role.with(l.progress(), peer, sent)));
  }

  /**
   * Figure 5.3, InstallSnapshot RPC: reply at once to a stale term; a leader of this term makes
   * the receiver its follower. A snapshot no further than the commit index holds nothing new (every
   * committed entry agrees with the leader's log): the answer is the commit index. Otherwise the
   * snapshot replaces the entries through its index, and the entries after it stay when the log
   * held its last entry with its term (rule 6); else the whole log goes (rule 7). The snapshot is
   * committed, so commitIndex moves to its index. The answer leaves once the snapshot is durable.
   */
  static NodeState handleInstallSnapshotRequest(NodeState s, InstallSnapshotRequest r, Effects fx) {
    fx.action(Action.HandleInstallSnapshotRequest);
    if (r.term() < s.term()) {
      fx.send(new InstallSnapshotResponse(s.self(), r.from(), s.term(), 0));
      return s;
    }
    if (s.role() instanceof Leader) {
      return s; // two leaders in one term break Election Safety; the invariants report it
    }
    fx.resetElectionTimer();
    s = s.withRole(new Follower(Optional.of(r.from())));
    Snapshot snap = r.snapshot();
    if (snap.index() <= s.commitIndex()) {
      fx.send(new InstallSnapshotResponse(s.self(), r.from(), s.term(), s.commitIndex()));
      return s;
    }
    Log log = s.log();
    Log installed = log.matches(snap.index(), snap.term()) ? log.compactTo(snap) : Log.restored(snap, List.of());
    fx.send(new InstallSnapshotResponse(s.self(), r.from(), s.term(), snap.index()));
    return s.with(s.term(), s.votedFor(), installed, snap.index(), s.role());
  }

  /**
   * A follower of this term holds the leader's log through {@code matchIndex}: raise its matchIndex
   * (never lower it: a duplicate or reordered answer proves no less), and send what follows.
   */
  static NodeState handleInstallSnapshotResponse(NodeState s, InstallSnapshotResponse r, Effects fx) {
    if (r.term() < s.term() || !(s.role() instanceof Leader l) || r.matchIndex() > s.log().lastIndex()
        || !l.progress().containsKey(r.from())) {
      fx.action(Action.DropStaleResponse);
      return s;
    }
    fx.action(Action.HandleInstallSnapshotResponse);
    Progress p = l.progressOf(r.from());
    long match = Math.max(p.match(), r.matchIndex());
    Progress updated = new Progress(Math.max(p.next(), match + 1), match);
    Leader leader = new Leader(Role.with(l.progress(), r.from(), updated), Election.plus(l.recentlyActive(), r.from()),
        l.reads(), l.transferee());
    NodeState next = Replication.advanceCommitIndex(s.withRole(leader), fx);
    if (next.config().eagerSend() && updated.next() <= next.log().lastIndex()) {
      next = Replication.appendEntries(next, (Leader) next.role(), r.from(), fx);
    }
    return next;
  }

  /**
   * An AppendEntries whose prevLogIndex is below this server's snapshot (a leader's nextIndex
   * behind what the follower compacted, or a delayed request): the compacted entries are
   * committed, so they agree with the leader's. The request shrinks to the entries after the
   * snapshot, with the term of the request's entry at the snapshot's index as prevLogTerm; a request
   * that ends within the snapshot shrinks to a heartbeat at it. RedisLabs/raft #49 is what
   * appending such a request over a compacted log without this does.
   */
  static AppendEntriesRequest trimToSnapshot(AppendEntriesRequest r, Snapshot snap) {
    long prev = r.prevLogIndex();
    long last = prev + r.entries().size();
    if (last <= snap.index()) {
      return new AppendEntriesRequest(r.from(), r.to(), r.term(), snap.index(), snap.term(), List.of(),
          Math.min(r.leaderCommit(), snap.index()), r.round());
    }
    int skip = (int) (snap.index() - prev);
    long prevTerm = r.entries().get(skip - 1).term();
    return new AppendEntriesRequest(r.from(), r.to(), r.term(), snap.index(), prevTerm,
        r.entries().subList(skip, r.entries().size()), r.leaderCommit(), r.round());
  }
}
