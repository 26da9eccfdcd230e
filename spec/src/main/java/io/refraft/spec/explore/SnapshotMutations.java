package io.refraft.spec.explore;

import io.refraft.spec.Input;
import io.refraft.spec.Log;
import io.refraft.spec.Message;
import io.refraft.spec.NodeState;
import io.refraft.spec.Output;
import io.refraft.spec.Raft;
import io.refraft.spec.Role;
import io.refraft.spec.Snapshot;
import io.refraft.spec.Transition;
import java.util.List;
import java.util.Optional;

/** The snapshot mutants of {@link Mutant}: each wraps {@link Raft#stepAsync}, altering its input or its result. */
final class SnapshotMutations {
  private SnapshotMutations() {}

  /** Asked to compact what it applied, the server compacts its whole log, as if all of it were committed. */
  static Transition snapshotUncommitted(NodeState s, Input in) {
    if (!(in instanceof Input.TakeSnapshot) || s.log().lastIndex() <= s.applied()) {
      return Raft.stepAsync(s, in);
    }
    long last = s.log().lastIndex();
    NodeState lying = DurabilityMutations.rebuild(s, s.term(), s.votedFor(), s.log(), last, s.role());
    if (lying.applied() < last) {
      return Raft.stepAsync(s, in); // the end of the log is not durable yet: nothing to compact it from
    }
    return Raft.stepAsync(lying, new Input.TakeSnapshot(last));
  }

  /**
   * A follower installs a leader's snapshot even when it is no newer than its commit index, and
   * replaces its whole log with it, dropping committed entries after it.
   */
  static Transition installStaleSnapshot(NodeState s, Input in) {
    if (in instanceof Input.MessageReceived(Message.InstallSnapshotRequest r) && r.term() == s.term()
        && !s.isLeader() && r.snapshot().index() <= s.commitIndex()
        && r.snapshot().index() > s.log().snapshot().index()) {
      return installDiscarding(s, r);
    }
    return Raft.stepAsync(s, in);
  }

  /** A follower installs a leader's snapshot by discarding its whole log, even entries that follow a matching snapshot. */
  static Transition discardLogAfterSnapshot(NodeState s, Input in) {
    if (in instanceof Input.MessageReceived(Message.InstallSnapshotRequest r) && r.term() == s.term()
        && !s.isLeader() && r.snapshot().index() > s.commitIndex()
        && s.log().matches(r.snapshot().index(), r.snapshot().term())
        && s.log().lastIndex() > r.snapshot().index()) {
      return installDiscarding(s, r);
    }
    return Raft.stepAsync(s, in);
  }

  /**
   * A voter whose log is only a snapshot takes 0 for its last term: every candidate whose last
   * entry has a term looks at least as up to date (the lastIncludedTerm a snapshot keeps is what
   * this check needs, thesis §5.1).
   */
  static Transition compactWithoutSnapshotTerm(NodeState s, Input in) {
    if (in instanceof Input.MessageReceived(Message.RequestVoteRequest r) && s.log().entryCount() == 0
        && s.log().snapshot().index() > 0 && r.lastLogTerm() > 0) {
      Message lying = new Message.RequestVoteRequest(r.from(), r.to(), r.term(),
          Math.max(r.lastLogIndex(), s.log().lastIndex()), Math.max(r.lastLogTerm(), s.log().lastTerm()), r.preVote());
      return Raft.stepAsync(s, new Input.MessageReceived(lying));
    }
    return Raft.stepAsync(s, in);
  }

  /**
   * What a follower that installs {@code r}'s snapshot over its whole log does: the log becomes the
   * snapshot alone, commitIndex its index, and it answers with that index.
   */
  private static Transition installDiscarding(NodeState s, Message.InstallSnapshotRequest r) {
    Snapshot snap = r.snapshot();
    NodeState next = DurabilityMutations.rebuild(s, s.term(), s.votedFor(), Log.restored(snap, List.of()), snap.index(),
        new Role.Follower(Optional.of(r.from())));
    List<Output> outputs = List.of(new Output.SaveSnapshot(snap), new Output.LogSuffix(snap.index() + 1, List.of()),
        new Output.Send(new Message.InstallSnapshotResponse(s.self(), r.from(), s.term(), snap.index())),
        new Output.ResetElectionTimer());
    return new Transition(next, outputs, List.of(io.refraft.spec.Action.HandleInstallSnapshotRequest));
  }
}
