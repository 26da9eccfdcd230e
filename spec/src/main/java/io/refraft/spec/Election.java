package io.refraft.spec;

import io.refraft.spec.Message.RequestVoteRequest;
import io.refraft.spec.Message.RequestVoteResponse;
import io.refraft.spec.Role.Candidate;
import io.refraft.spec.Role.Follower;
import io.refraft.spec.Role.Leader;
import io.refraft.spec.Role.PreCandidate;
import io.refraft.spec.Role.Progress;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Terms, votes and roles: leader election (§5.2), pre-vote (thesis §9.6), check-quorum (thesis §6.2). */
final class Election {
  private Election() {}

  /** raft.tla UpdateTerm: a higher term seen anywhere makes this server a follower of that term (§5.1). */
  static NodeState updateTerm(NodeState s, long term, Effects fx) {
    fx.action(Action.UpdateTerm);
    return s.with(term, Optional.empty(), s.log(), s.commitIndex(), Follower.UNKNOWN_LEADER);
  }

  /** Pre-vote requests and granted pre-votes carry a term nobody has entered yet; they change no term. */
  static boolean isPreVoteTraffic(Message m) {
    return switch (m) {
      case RequestVoteRequest r -> r.preVote();
      case RequestVoteResponse r -> r.preVote() && r.voteGranted();
      case Message.AppendEntriesRequest r -> false;
      case Message.AppendEntriesResponse r -> false;
      case Message.InstallSnapshotRequest r -> false;
      case Message.InstallSnapshotResponse r -> false;
      case Message.TimeoutNow r -> false;
    };
  }

  /**
   * With check-quorum, a server that believes a leader is alive ignores vote requests of higher
   * terms, so a partitioned or restarted server cannot depose a working leader (thesis §4.2.3,
   * §6.2). A follower believes so until its own election timer fires.
   */
  static boolean inLease(NodeState s) {
    return s.config().checkQuorum()
        && (s.role() instanceof Leader || (s.role() instanceof Follower f && f.leader().isPresent()));
  }

  /** The election timer fired. */
  static NodeState electionTimeout(NodeState s, Effects fx) {
    return switch (s.role()) {
      case Leader l -> checkQuorum(Reconfiguration.abortTransfer(s, l, fx), fx);
      case Follower f -> startElection(s, fx);
      case PreCandidate p -> startElection(s, fx);
      case Candidate c -> startElection(s, fx);
    };
  }

  private static NodeState startElection(NodeState s, Effects fx) {
    if (!Reconfiguration.canCampaign(s)) {
      return s;
    }
    return s.config().preVote() ? becomePreCandidate(s, fx) : becomeCandidate(s, fx);
  }

  /** Thesis §9.6: ask first whether an election could be won, without disturbing anyone's term. */
  private static NodeState becomePreCandidate(NodeState s, Effects fx) {
    fx.action(Action.BecomePreCandidate);
    fx.resetElectionTimer();
    Set<NodeId> self = Set.of(s.self());
    NodeState next = s.withRole(new PreCandidate(self, self));
    if (s.membership().isQuorum(self)) {
      return becomeCandidate(next, fx);
    }
    return s.config().eagerSend() ? requestVotesFromAll(next, fx) : next;
  }

  /** raft.tla Timeout: a new term, a vote for itself, and requests to every peer (§5.2). */
  static NodeState becomeCandidate(NodeState s, Effects fx) {
    return becomeCandidate(s, fx, false);
  }

  /** Campaigns in the next term; {@code transfer} when a leader's TimeoutNow asked for it. */
  static NodeState becomeCandidate(NodeState s, Effects fx, boolean transfer) {
    fx.action(Action.BecomeCandidate);
    fx.resetElectionTimer();
    Set<NodeId> self = Set.of(s.self());
    NodeState next = s.with(s.term() + 1, Optional.of(s.self()), s.log(), s.commitIndex(),
        new Candidate(self, self, transfer));
    if (s.membership().isQuorum(self)) {
      return maybeWin(next, fx); // its own vote counts once durable: at the Persisted that confirms it
    }
    return s.config().eagerSend() ? requestVotesFromAll(next, fx) : next;
  }

  private static NodeState requestVotesFromAll(NodeState s, Effects fx) {
    for (NodeId peer : Reconfiguration.votersToAsk(s)) {
      requestVote(s, peer, fx);
    }
    return s;
  }

  /** raft.tla RequestVote(i, j): only to a peer that has not answered yet. */
  static void requestVote(NodeState s, NodeId peer, Effects fx) {
    boolean pre;
    boolean transfer = false;
    Set<NodeId> responded;
    switch (s.role()) {
      case PreCandidate p -> {
        pre = true;
        responded = p.responded();
      }
      case Candidate c -> {
        pre = false;
        transfer = c.transfer();
        responded = c.responded();
      }
      case Follower f -> {
        return;
      }
      case Leader l -> {
        return;
      }
    }
    if (responded.contains(peer)) {
      return;
    }
    fx.action(Action.RequestVote);
    long term = pre ? s.term() + 1 : s.term();
    fx.send(new RequestVoteRequest(s.self(), peer, term, s.log().lastIndex(), s.log().lastTerm(), pre, transfer));
  }

  /**
   * §5.2, §5.4.1: grant when the request is of the current term, this server has not voted for
   * someone else in it, and the candidate's log is at least as up-to-date as its own. A pre-vote
   * is granted on the same log test when it is for a term above this server's (thesis §9.6); it
   * records nothing.
   */
  static NodeState handleRequestVoteRequest(NodeState s, RequestVoteRequest r, Effects fx) {
    fx.action(Action.HandleRequestVoteRequest);
    boolean logOk = r.lastLogTerm() > s.log().lastTerm()
        || (r.lastLogTerm() == s.log().lastTerm() && r.lastLogIndex() >= s.log().lastIndex());
    if (r.preVote()) {
      boolean grant = r.term() > s.term() && logOk;
      fx.send(new RequestVoteResponse(s.self(), r.from(), grant ? r.term() : s.term(), grant, true));
      return s;
    }
    boolean grant = r.term() == s.term() && logOk
        && (s.votedFor().isEmpty() || s.votedFor().get().equals(r.from()));
    NodeState next = s;
    if (grant) {
      next = s.withVote(Optional.of(r.from()));
      fx.resetElectionTimer(); // Figure 2: granting a vote resets the election timer.
    }
    fx.send(new RequestVoteResponse(s.self(), r.from(), s.term(), grant, false));
    return next;
  }

  /** Count a vote; a quorum of votes elects (§5.2), a quorum of pre-votes starts the real election. */
  static NodeState handleRequestVoteResponse(NodeState s, RequestVoteResponse r, Effects fx) {
    // A granted pre-vote carries the term the pre-candidate would campaign in; a refusal carries the
    // voter's own term, which is the pre-candidate's when it is not behind (a higher one deposed it above).
    boolean thisRound = r.voteGranted() ? r.term() == s.term() + 1 : r.term() == s.term();
    if (r.preVote() && s.role() instanceof PreCandidate p && thisRound) {
      fx.action(Action.HandleRequestVoteResponse);
      PreCandidate next = new PreCandidate(plus(p.responded(), r.from()),
          r.voteGranted() ? plus(p.granted(), r.from()) : p.granted());
      if (s.membership().isQuorum(next.granted())) {
        return becomeCandidate(s.withRole(next), fx);
      }
      return s.withRole(next);
    }
    if (!r.preVote() && s.role() instanceof Candidate c && r.term() == s.term()) {
      fx.action(Action.HandleRequestVoteResponse);
      Candidate next = new Candidate(plus(c.responded(), r.from()),
          r.voteGranted() ? plus(c.granted(), r.from()) : c.granted(), c.transfer());
      return maybeWin(s.withRole(next), fx);
    }
    // Older term, another round, or a role this server no longer holds.
    fx.action(Action.DropStaleResponse);
    return s;
  }

  /**
   * A candidate with a quorum of votes leads. Its own vote counts only once storage has confirmed
   * it (a vote must survive a crash before anyone counts it, its own included).
   */
  static NodeState maybeWin(NodeState s, Effects fx) {
    if (!(s.role() instanceof Candidate c)) {
      return s;
    }
    Set<NodeId> votes = c.granted();
    if (votes.contains(s.self()) && !s.hardStateSynced()) {
      Set<NodeId> others = new java.util.HashSet<>(votes);
      others.remove(s.self());
      votes = others;
    }
    return s.membership().isQuorum(votes) ? becomeLeader(s, fx) : s;
  }

  /**
   * raft.tla BecomeLeader: nextIndex just past its log, matchIndex 0 for every peer (Figure 2);
   * then the no-op of its term (§8), so that entries of earlier terms can commit (§5.4.2).
   */
  static NodeState becomeLeader(NodeState s, Effects fx) {
    fx.action(Action.BecomeLeader);
    Map<NodeId, Progress> progress = new HashMap<>();
    for (NodeId peer : Reconfiguration.replicationTargets(s)) {
      progress.put(peer, new Progress(s.log().lastIndex() + 1, 0));
    }
    NodeState next = s.withRole(new Leader(progress, Set.of(s.self())));
    if (s.config().leaderNoop()) {
      next = next.withLog(next.log().append(new Entry(next.term(), Payload.NOOP)));
    }
    next = Replication.advanceCommitIndex(next, fx);
    return next.config().eagerSend() ? Replication.sendToAll(next, fx) : next;
  }

  /** Thesis §6.2: a leader that heard from no quorum during the last election timeout steps down. */
  private static NodeState checkQuorum(NodeState s, Effects fx) {
    Leader l = (Leader) s.role();
    if (!s.config().checkQuorum()) {
      return s;
    }
    if (s.membership().isQuorum(l.recentlyActive())) {
      fx.action(Action.CheckQuorum);
      return s.withRole(new Leader(l.progress(), Set.of(s.self()), l.reads(), l.transferee()));
    }
    fx.action(Action.StepDown);
    return s.withRole(Follower.UNKNOWN_LEADER);
  }

  /**
   * raft.tla Restart: durable state survives; role, commitIndex and leader state start afresh. A
   * snapshot holds only committed entries, so commitIndex starts at its index (thesis §5.1: the
   * state machine is restored from it).
   */
  static NodeState restart(NodeState s, DurableState d, Effects fx) {
    fx.action(Action.Restart);
    fx.resetElectionTimer();
    return new NodeState(s.self(), s.config(), d.term(), d.votedFor(), d.log(), d.log().snapshot().index(),
        Follower.UNKNOWN_LEADER);
  }

  static Set<NodeId> plus(Set<NodeId> set, NodeId id) {
    if (set.contains(id)) {
      return set;
    }
    NodeId[] ids = set.toArray(new NodeId[set.size() + 1]);
    ids[set.size()] = id;
    return Set.of(ids); // immutable already, so the records' Set.copyOf keeps it
  }
}
