package io.refraft.spec;

import io.refraft.spec.Message.AppendEntriesRequest;
import io.refraft.spec.Message.AppendEntriesResponse;
import io.refraft.spec.Role.Candidate;
import io.refraft.spec.Role.Follower;
import io.refraft.spec.Role.Leader;
import io.refraft.spec.Role.PreCandidate;
import io.refraft.spec.Role.Progress;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Log replication (§5.3) and commitment (§5.4.2). */
final class Replication {
  private Replication() {}

  /** The send timer fired for one peer or for all. */
  static NodeState heartbeat(NodeState s, Optional<NodeId> peer, Effects fx) {
    if (peer.isPresent()) {
      NodeId p = peer.get();
      if (p.equals(s.self())) {
        throw new IllegalArgumentException(s.self() + ": heartbeat for itself");
      }
      // The driver's timer for a peer may outlive the configuration that held it: nothing to send then.
      boolean peerNow = s.role() instanceof Leader ? Reconfiguration.replicationTargets(s).contains(p)
          : s.membership().isVoter(p);
      return peerNow ? sendTo(s, p, fx) : s;
    }
    return sendToAll(s, fx);
  }

  static NodeState sendToAll(NodeState s, Effects fx) {
    List<NodeId> peers = switch (s.role()) {
      case Leader l -> Reconfiguration.replicationTargets(s);
      case Candidate c -> Reconfiguration.votersToAsk(s);
      case PreCandidate p -> Reconfiguration.votersToAsk(s);
      case Follower f -> List.of();
    };
    for (NodeId p : peers) {
      s = sendTo(s, p, fx);
    }
    return s;
  }

  private static NodeState sendTo(NodeState s, NodeId peer, Effects fx) {
    return switch (s.role()) {
      case Leader l -> appendEntries(s, l, peer, fx);
      case Candidate c -> {
        Election.requestVote(s, peer, fx);
        yield s;
      }
      case PreCandidate p -> {
        Election.requestVote(s, peer, fx);
        yield s;
      }
      case Follower f -> s;
    };
  }

  /**
   * raft.tla AppendEntries(i, j): entries from the peer's nextIndex, at most {@code maxBatch} of
   * them, with the commit index capped at the last entry sent. nextIndex then moves past what was
   * sent, so the next batch can follow before this one is acknowledged; a loss shows up as a
   * rejection, which moves it back.
   */
  static NodeState appendEntries(NodeState s, Leader l, NodeId peer, Effects fx) {
    Progress p = l.progressOf(peer);
    long prev = p.next() - 1;
    if (prev < s.log().snapshot().index()) {
      return Compaction.sendSnapshot(s, l, peer, fx);
    }
    long last = s.log().lastIndex();
    long count = Math.min(s.config().maxBatch(), last - prev);
    List<Entry> entries = s.log().slice(prev + 1, prev + 1 + count);
    fx.action(Action.AppendEntries);
    fx.send(new AppendEntriesRequest(s.self(), peer, s.term(), prev, s.log().term(prev), entries,
        Math.min(s.commitIndex(), prev + count), l.reads().round()));
    if (count == 0) {
      return s;
    }
    return s.withRole(l.withProgress(withProgress(l.progress(), peer, new Progress(p.next() + count, p.match()))));
  }

  /** raft.tla ClientRequest: only a leader appends, in its own term (§5.3). */
  static NodeState propose(NodeState s, List<Payload> payloads, Effects fx) {
    if (!(s.role() instanceof Leader l)) {
      fx.reply(new Output.ProposalRejected(s.leader()));
      return s;
    }
    if (l.transferee().isPresent()) {
      fx.reply(new Output.ProposalRejected(Optional.empty())); // leadership is moving: ask again shortly
      return s;
    }
    for (Payload payload : payloads) {
      if (payload instanceof Payload.Configuration) {
        throw new IllegalArgumentException(s.self() + ": a configuration is proposed with ChangeMembership, not "
            + "ClientPropose");
      }
    }
    fx.action(Action.ClientRequest);
    long first = s.log().lastIndex() + 1;
    Log log = s.log();
    for (Payload payload : payloads) {
      log = log.append(new Entry(s.term(), payload));
    }
    NodeState next = advanceCommitIndex(s.withLog(log), fx);
    fx.reply(new Output.ProposalAccepted(first, payloads.size(), s.term()));
    return s.config().eagerSend() ? sendToAll(next, fx) : next;
  }

  /**
   * raft.tla HandleAppendEntriesRequest (Figure 2, AppendEntries RPC): reject a stale term; step
   * down from candidacy for this term's leader; reject when the log has no entry matching
   * prevLogIndex/prevLogTerm (with the conflict hint of thesis §5.3); otherwise delete the first
   * conflicting entry and all that follow, append what is new, and advance commitIndex.
   */
  static NodeState handleAppendEntriesRequest(NodeState s, AppendEntriesRequest r, Effects fx) {
    fx.action(Action.HandleAppendEntriesRequest);
    if (r.term() < s.term()) {
      fx.send(new AppendEntriesResponse(s.self(), r.from(), s.term(), false, 0, 0, 0, r.round()));
      return s;
    }
    if (s.role() instanceof Leader) {
      // Two leaders in one term break Election Safety; the invariants report it. Nothing to do here.
      return s;
    }
    fx.resetElectionTimer();
    s = s.withRole(new Follower(Optional.of(r.from())));
    Log log = s.log();
    if (r.prevLogIndex() < log.snapshot().index()) {
      r = Compaction.trimToSnapshot(r, log.snapshot());
    }
    if (r.prevLogIndex() > log.lastIndex()) {
      fx.send(new AppendEntriesResponse(s.self(), r.from(), s.term(), false, 0, log.lastIndex() + 1, 0, r.round()));
      return s;
    }
    long conflictTerm = log.term(r.prevLogIndex());
    if (conflictTerm != r.prevLogTerm()) {
      long conflictIndex = log.firstIndexOfTerm(conflictTerm);
      fx.send(new AppendEntriesResponse(s.self(), r.from(), s.term(), false, 0, conflictIndex, conflictTerm,
          r.round()));
      return s;
    }
    Log merged = merge(log, r.prevLogIndex(), r.entries());
    long lastNew = r.prevLogIndex() + r.entries().size();
    long commit = Math.max(s.commitIndex(), Math.min(r.leaderCommit(), lastNew));
    fx.send(new AppendEntriesResponse(s.self(), r.from(), s.term(), true, lastNew, 0, 0, r.round()));
    return s.with(s.term(), s.votedFor(), merged, commit, s.role());
  }

  /**
   * §5.3: "If an existing entry conflicts with a new one (same index but different terms), delete
   * the existing entry and all that follow it"; entries already present stay (a delayed, shorter
   * request must not truncate what a later one appended).
   */
  private static Log merge(Log log, long prev, List<Entry> entries) {
    for (int i = 0; i < entries.size(); i++) {
      long index = prev + 1 + i;
      if (index > log.lastIndex()) {
        return log.appendAll(entries.subList(i, entries.size()));
      }
      if (log.term(index) != entries.get(i).term()) {
        return log.truncateAfter(index - 1).appendAll(entries.subList(i, entries.size()));
      }
    }
    return log;
  }

  /**
   * raft.tla HandleAppendEntriesResponse: record the ReadIndex round acknowledged; on success
   * raise matchIndex and commit what a quorum holds; on failure move nextIndex back using the follower's hint (thesis §5.3): past the
   * leader's last entry of the conflicting term when it has one, else to the follower's hint.
   */
  static NodeState handleAppendEntriesResponse(NodeState s, AppendEntriesResponse r, Effects fx) {
    if (r.term() < s.term() || !(s.role() instanceof Leader l)) {
      fx.action(Action.DropStaleResponse);
      return s;
    }
    if (!l.progress().containsKey(r.from())) {
      // A server this leader no longer replicates to (removed and committed): nothing to count.
      fx.action(Action.DropStaleResponse);
      return s;
    }
    if (r.success() && r.matchIndex() > s.log().lastIndex()) {
      // A leader never truncates its log, so no correct follower of its term can acknowledge an index
      // it has not sent; counting such a claim could commit what no quorum holds. Drop it.
      fx.action(Action.DropStaleResponse);
      return s;
    }
    fx.action(Action.HandleAppendEntriesResponse);
    Progress p = l.progressOf(r.from());
    Set<NodeId> active = Election.plus(l.recentlyActive(), r.from());
    Progress updated;
    if (r.success()) {
      long match = Math.max(p.match(), r.matchIndex());
      updated = new Progress(Math.max(p.next(), match + 1), match);
    } else {
      long hint = r.conflictIndex();
      if (r.conflictTerm() > 0) {
        long lastOfTerm = s.log().lastIndexOfTerm(r.conflictTerm());
        hint = lastOfTerm > 0 ? lastOfTerm + 1 : r.conflictIndex();
      }
      long next = Math.max(p.match() + 1, Math.min(hint, s.log().lastIndex() + 1));
      updated = new Progress(next, p.match());
    }
    // Any answer of this term, success or not, shows the peer accepted this leader's term (§6.4).
    Leader leader = new Leader(withProgress(l.progress(), r.from(), updated), active, l.reads().ack(r.from(), r.round()),
        l.transferee());
    NodeState next = advanceCommitIndex(s.withRole(leader), fx);
    if (r.success() && leader.transferee().equals(Optional.of(r.from())) && updated.match() == next.log().lastIndex()
        && next.role() instanceof Leader) {
      // The transfer's target holds the leader's whole log: hand over (etcd sends it on every such answer).
      return Reconfiguration.sendTimeoutNow(next, r.from(), fx);
    }
    boolean more = updated.next() <= next.log().lastIndex();
    if (next.config().eagerSend() && (more || !r.success())) {
      next = appendEntries(next, (Leader) next.role(), r.from(), fx);
    }
    return next;
  }

  /**
   * raft.tla AdvanceCommitIndex: the highest index held by a quorum (the leader counting its own
   * log as far as it is durable, thesis §10.2.1), committed only if its entry is of the current term: Figure 8 shows why replicas of an
   * older term's entry prove nothing (§5.4.2).
   */
  static NodeState advanceCommitIndex(NodeState s, Effects fx) {
    if (!(s.role() instanceof Leader l)) {
      return s;
    }
    long quorumIndex = s.membership().quorumIndex(m -> {
      if (m.equals(s.self())) {
        return s.sync().lastIndex();
      }
      Progress p = l.progress().get(m);
      return p == null ? 0 : p.match();
    });
    if (quorumIndex > s.commitIndex() && s.log().term(quorumIndex) == s.term()) {
      fx.action(Action.AdvanceCommitIndex);
      return s.withCommitIndex(quorumIndex);
    }
    return s;
  }

  /** {@code m} with {@code peer}'s progress replaced; the same map when it is unchanged. */
  private static Map<NodeId, Progress> withProgress(Map<NodeId, Progress> m, NodeId peer, Progress p) {
    return p.equals(m.get(peer)) ? m : Role.with(m, peer, p);
  }
}
