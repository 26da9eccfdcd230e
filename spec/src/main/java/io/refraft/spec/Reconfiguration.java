package io.refraft.spec;

import io.refraft.spec.Output.Refusal;
import io.refraft.spec.Role.Follower;
import io.refraft.spec.Role.Leader;
import io.refraft.spec.Role.Progress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Membership changes and leadership transfer (thesis chapter 4 and §3.10).
 *
 * <ul>
 *   <li><b>Configurations live in the log.</b> A configuration entry holds the whole configuration
 *       it moves to ({@link Payload.Configuration}); a server uses the latest one in its log
 *       ({@link NodeState#membership()}), or with {@link Config#confOnApply} the latest it applied.
 *   <li><b>One step at a time.</b> A leader appends a configuration one step from its own: a
 *       single-server change (§4.1), entering joint consensus (§4.3) or leaving it. It appends none
 *       while another is pending (above its commit index, or its applied index with
 *       {@code confOnApply}), and none before it has committed an entry of its own term: until then a
 *       former leader's uncommitted configuration may still commit, and two changes that each move
 *       one server from different configurations can have disjoint majorities (Ongaro, raft-dev,
 *       2015).
 *   <li><b>Quorums.</b> Every majority is taken in the server's configuration, in both halves of a
 *       joint one ({@link Membership#isQuorum}, {@link Membership#quorumIndex}).
 *   <li><b>Who is sent to.</b> A leader replicates to every member of its configuration, learners
 *       included, and while its latest configuration entry is uncommitted to the previous
 *       configuration's members too, so that a server it removes receives the entry that removes it.
 *   <li><b>Leaving.</b> A leader that is no voter of its configuration does not count itself in any
 *       majority and steps down once that configuration is committed (§4.2.2). A joint configuration
 *       with {@link Membership#autoLeave} is left by the leader once it is committed (etcd's
 *       auto-leave).
 *   <li><b>Campaigns.</b> Only a voter of its configuration campaigns, and not while a committed
 *       configuration entry is not yet applied here (etcd #7280: it would campaign with a
 *       configuration that is no longer the cluster's).
 *   <li><b>Transfer.</b> {@link Input.TransferLeadership}: the leader refuses new proposals and
 *       changes, brings the target up to its last index, then sends {@link Message.TimeoutNow}; the
 *       target campaigns at once, skipping pre-vote, and its vote requests are answered even within a
 *       leader's lease (canonical/raft #203). No transfer starts while a change is pending
 *       (tikv/raft-rs #221); one is abandoned at the leader's next election timeout, and when its
 *       target stops being a voter.
 * </ul>
 */
final class Reconfiguration {
  private Reconfiguration() {}

  /** Input.ChangeMembership. */
  static NodeState change(NodeState s, Membership next, Effects fx) {
    if (!(s.role() instanceof Leader l)) {
      fx.reply(new Output.MembershipRejected(Refusal.NOT_LEADER, s.leader()));
      return s;
    }
    Refusal why = refusal(s, l, next);
    if (why != null) {
      fx.reply(new Output.MembershipRejected(why, Optional.of(s.self())));
      return s;
    }
    fx.action(Action.ChangeMembership);
    return appendConfiguration(s, next, fx, true);
  }

  /** Why the leader {@code s} may not append {@code next} now; null when it may. */
  static Refusal refusal(NodeState s, Leader l, Membership next) {
    if (l.transferee().isPresent()) {
      return Refusal.TRANSFER_IN_PROGRESS;
    }
    if (changePending(s)) {
      return Refusal.CHANGE_PENDING;
    }
    if (!ReadIndex.committedInTerm(s)) {
      return Refusal.TERM_NOT_COMMITTED;
    }
    return next.isOneStepFrom(s.membership()) ? null : Refusal.NOT_ONE_STEP;
  }

  /** Whether a configuration entry is pending: above the commit index (or the applied one, with confOnApply). */
  static boolean changePending(NodeState s) {
    long settled = s.config().confOnApply() ? s.applied() : s.commitIndex();
    return s.log().lastConfigIndex(s.log().lastIndex()) > settled;
  }

  /**
   * The leader appends {@code next}, starts replicating to new members, and answers the request
   * when {@code reply} (not for an automatic leave).
   */
  private static NodeState appendConfiguration(NodeState s, Membership next, Effects fx, boolean reply) {
    long index = s.log().lastIndex() + 1;
    NodeState after = s.withLog(s.log().append(new Entry(s.term(), new Payload.Configuration(next))));
    after = reconcileProgress(after);
    after = Replication.advanceCommitIndex(after, fx);
    if (reply) {
      fx.reply(new Output.ProposalAccepted(index, 1, s.term()));
    }
    return after.config().eagerSend() ? Replication.sendToAll(after, fx) : after;
  }

  /**
   * Whether a campaign is allowed: the server is a voter of its configuration, and no committed
   * configuration entry waits to be applied here (etcd #7280).
   */
  static boolean canCampaign(NodeState s) {
    return s.membership().isVoter(s.self()) && s.log().lastConfigIndex(s.commitIndex()) <= s.applied();
  }

  /**
   * The servers a leader sends to, itself excepted, sorted: every member of its configuration and,
   * while that configuration's entry is uncommitted, of the previous one.
   */
  static List<NodeId> replicationTargets(NodeState s) {
    if (s.log().lastConfigIndex(s.log().lastIndex()) == 0 && s.log().snapshot().membership().isEmpty()) {
      return peersOf(s.config().members(), s.self()); // the initial configuration: the common case
    }
    TreeSet<NodeId> all = new TreeSet<>(s.membership().members());
    long at = s.log().lastConfigIndex(s.log().lastIndex());
    if (at > s.commitIndex()) {
      all.addAll(s.previousMembership().members());
    }
    all.remove(s.self());
    return List.copyOf(all);
  }

  /** The voters a candidate asks, itself excepted, sorted. */
  static List<NodeId> votersToAsk(NodeState s) {
    return peersOf(s.membership().allVoters(), s.self());
  }

  private static List<NodeId> peersOf(List<NodeId> ids, NodeId self) {
    if (!ids.contains(self)) {
      return ids;
    }
    NodeId[] peers = new NodeId[ids.size() - 1];
    int i = 0;
    for (NodeId id : ids) {
      if (!id.equals(self)) {
        peers[i++] = id;
      }
    }
    return List.of(peers);
  }

  /**
   * A leader's progress map made to hold exactly its replication targets: a new member starts at the
   * leader's next index (a rejection moves it back), a server no longer sent to is forgotten.
   */
  static NodeState reconcileProgress(NodeState s) {
    if (!(s.role() instanceof Leader l)) {
      return s;
    }
    List<NodeId> targets = replicationTargets(s);
    Map<NodeId, Progress> p = l.progress();
    if (p.size() == targets.size() && p.keySet().containsAll(targets)) {
      return s;
    }
    Map<NodeId, Progress> next = new HashMap<>();
    for (NodeId t : targets) {
      next.put(t, p.getOrDefault(t, new Progress(s.log().lastIndex() + 1, 0)));
    }
    return s.withRole(l.withProgress(next));
  }

  /**
   * Runs at the end of every step of a leader: a leader that is no voter of its committed
   * configuration steps down; a transfer whose target stopped being a voter is abandoned; a committed
   * joint configuration with auto-leave is left; the progress map follows the configuration.
   */
  static NodeState settle(NodeState s, Effects fx) {
    if (!(s.role() instanceof Leader l)) {
      return s;
    }
    Membership m = s.membership();
    if (!m.isVoter(s.self()) && !changePending(s)) {
      fx.action(Action.StepDownRemoved);
      return s.withRole(Follower.UNKNOWN_LEADER);
    }
    if (l.transferee().isPresent() && !m.isVoter(l.transferee().get())) {
      fx.action(Action.AbortTransfer);
      s = s.withRole(l.withTransferee(Optional.empty()));
      l = (Leader) s.role();
    }
    if (m.isJoint() && m.autoLeave() && refusal(s, l, m.leaveJoint()) == null) {
      fx.action(Action.LeaveJoint);
      return appendConfiguration(s, m.leaveJoint(), fx, false);
    }
    return reconcileProgress(s);
  }

  /** Input.TransferLeadership. */
  static NodeState transfer(NodeState s, NodeId target, Effects fx) {
    if (!(s.role() instanceof Leader l)) {
      fx.reply(new Output.TransferRejected(Refusal.NOT_LEADER, s.leader()));
      return s;
    }
    Refusal why = target.equals(s.self()) ? Refusal.ALREADY_LEADER
        : !s.membership().isVoter(target) ? Refusal.NOT_A_VOTER
        : changePending(s) ? Refusal.CHANGE_PENDING
        : null;
    if (why != null) {
      fx.reply(new Output.TransferRejected(why, Optional.of(s.self())));
      return s;
    }
    if (l.transferee().equals(Optional.of(target))) {
      return s; // already handing over to it
    }
    fx.action(Action.TransferLeadership);
    fx.resetElectionTimer(); // the transfer is abandoned at the next election timeout
    NodeState next = s.withRole(l.withTransferee(Optional.of(target)));
    Leader leader = (Leader) next.role();
    if (leader.progressOf(target).match() == next.log().lastIndex()) {
      return sendTimeoutNow(next, target, fx);
    }
    return next.config().eagerSend() ? Replication.appendEntries(next, leader, target, fx) : next;
  }

  /** The leader sends TimeoutNow to its transfer target, whose log it knows to equal its own. */
  static NodeState sendTimeoutNow(NodeState s, NodeId target, Effects fx) {
    fx.action(Action.SendTimeoutNow);
    fx.send(new Message.TimeoutNow(s.self(), target, s.term()));
    return s;
  }

  /** A leader's election timeout abandons a transfer still in progress. */
  static NodeState abortTransfer(NodeState s, Leader l, Effects fx) {
    if (l.transferee().isEmpty()) {
      return s;
    }
    fx.action(Action.AbortTransfer);
    return s.withRole(l.withTransferee(Optional.empty()));
  }

  /**
   * TimeoutNow of the current term (a higher one made this server a follower of that term first):
   * a voter that may campaign does so at once, without pre-vote. A stale one changes nothing.
   */
  static NodeState handleTimeoutNow(NodeState s, Message.TimeoutNow m, Effects fx) {
    if (m.term() < s.term() || s.role() instanceof Leader || !canCampaign(s)) {
      fx.action(Action.DropStaleResponse);
      return s;
    }
    fx.action(Action.HandleTimeoutNow);
    return Election.becomeCandidate(s, fx, true);
  }
}
