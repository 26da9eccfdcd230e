package io.refraft.spec.explore;

import io.refraft.spec.Action;
import io.refraft.spec.Entry;
import io.refraft.spec.Input;
import io.refraft.spec.Membership;
import io.refraft.spec.Message;
import io.refraft.spec.NodeState;
import io.refraft.spec.Output;
import io.refraft.spec.Payload;
import io.refraft.spec.Raft;
import io.refraft.spec.Role;
import io.refraft.spec.Transition;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The membership and leadership-transfer mutants (issue #18). Each wraps {@link Raft#stepAsync}: where
 * the spec refuses or does the right thing, the mutant builds the wrong transition itself from the
 * spec's public types, so no bug branch lives in the protocol code.
 */
final class ReconfigMutations {
  private ReconfigMutations() {}

  /**
   * A leader appends a configuration the spec refused for {@code refusal} (the change is otherwise one
   * step from its configuration): the raft-dev 2015 bug (before an entry of its term is committed) or a
   * second pending change.
   */
  static Transition appendDespite(NodeState s, Input in, Output.Refusal refusal) {
    Transition t = Raft.stepAsync(s, in);
    if (!(in instanceof Input.ChangeMembership(Membership next)) || !refusedFor(t, refusal)
        || !(s.role() instanceof Role.Leader l)) {
      return t;
    }
    long pendingAt = s.log().lastConfigIndex(s.log().lastIndex());
    // Only the refusal named: one step from its configuration, no transfer, and no other refusal that applies.
    if (!next.isOneStepFrom(s.membership()) || l.transferee().isPresent()
        || (refusal == Output.Refusal.TERM_NOT_COMMITTED && pendingAt > 0 && pendingAt > s.commitIndex())) {
      return t;
    }
    long index = s.log().lastIndex() + 1;
    NodeState appended = DurabilityMutations.rebuild(s, s.term(), s.votedFor(),
        s.log().append(new Entry(s.term(), new Payload.Configuration(next))), s.commitIndex(), s.role());
    List<Output> outputs = new ArrayList<>(s.durable().writesTo(appended.durable()));
    outputs.add(new Output.ProposalAccepted(index, 1, s.term()));
    return new Transition(appended, outputs, List.of(Action.ChangeMembership));
  }

  /** A leader starts a transfer although a configuration change is pending (tikv/raft-rs #221). */
  static Transition transferDuringChange(NodeState s, Input in) {
    Transition t = Raft.stepAsync(s, in);
    if (!(in instanceof Input.TransferLeadership(var target)) || !refusedFor(t, Output.Refusal.CHANGE_PENDING)
        || !(s.role() instanceof Role.Leader l)) {
      return t;
    }
    NodeState next = DurabilityMutations.rebuild(s, s.term(), s.votedFor(), s.log(), s.commitIndex(),
        l.withTransferee(Optional.of(target)));
    List<Output> outputs = new ArrayList<>(List.of(new Output.ResetElectionTimer()));
    List<Action> actions = new ArrayList<>(List.of(Action.TransferLeadership));
    Role.Progress p = l.progress().get(target);
    if (p != null && p.match() == s.log().lastIndex()) {
      outputs.add(0, new Output.Send(new Message.TimeoutNow(s.self(), target, s.term())));
      actions.add(Action.SendTimeoutNow);
    }
    return new Transition(next, outputs, actions);
  }

  /** The target of a transfer runs an ordinary election, pre-vote first, instead of campaigning at once. */
  static Transition transferWithPreVote(NodeState s, Input in) {
    if (in instanceof Input.MessageReceived(Message.TimeoutNow m) && m.term() == s.term() && !s.isLeader()) {
      return Raft.stepAsync(s, new Input.ElectionTimeout());
    }
    return Raft.stepAsync(s, in);
  }

  /**
   * A server campaigns although a committed configuration entry is not applied here (etcd #7280): the
   * election timeout is stepped as if its commit index were what it applied, and the commit restored.
   */
  static Transition campaignWithUnappliedConf(NodeState s, Input in) {
    long floor = Math.max(s.applied(), s.log().snapshot().index());
    if (!(in instanceof Input.ElectionTimeout) || s.isLeader() || s.log().lastConfigIndex(s.commitIndex()) <= floor) {
      return Raft.stepAsync(s, in);
    }
    NodeState unaware = DurabilityMutations.rebuild(s, s.term(), s.votedFor(), s.log(), floor, s.role());
    Transition t = Raft.stepAsync(unaware, in);
    NodeState n = t.next();
    NodeState restored = DurabilityMutations.rebuild(n, n.term(), n.votedFor(), n.log(),
        Math.max(n.commitIndex(), s.commitIndex()), n.role());
    return new Transition(restored, t.outputs(), t.actions());
  }

  /** A leader that committed its own removal keeps leading (thesis §4.2.2: it steps down). */
  static Transition removedLeaderKeepsLeading(NodeState s, Input in) {
    Transition t = Raft.stepAsync(s, in);
    if (!t.actions().contains(Action.StepDownRemoved) || !(s.role() instanceof Role.Leader l)) {
      return t;
    }
    NodeState n = t.next();
    List<Action> actions = new ArrayList<>(t.actions());
    actions.remove(Action.StepDownRemoved);
    return new Transition(DurabilityMutations.rebuild(n, n.term(), n.votedFor(), n.log(), n.commitIndex(), l),
        t.outputs(), actions);
  }

  /**
   * A leader in a joint configuration commits by a majority of the incoming voters alone, not of both
   * halves (thesis §4.3: agreement needs separate majorities from both configurations).
   */
  static Transition jointQuorumNewOnly(NodeState s, Input in) {
    Transition t = Raft.stepAsync(s, in);
    NodeState n = t.next();
    if (!(n.role() instanceof Role.Leader l) || !n.membership().isJoint()) {
      return t;
    }
    Membership incoming = n.membership().leaveJoint();
    long q = incoming.quorumIndex(id -> {
      if (id.equals(n.self())) {
        return n.sync().lastIndex();
      }
      Role.Progress p = l.progress().get(id);
      return p == null ? 0 : p.match();
    });
    if (q <= n.commitIndex() || n.log().term(q) != n.term()) {
      return t;
    }
    return new Transition(DurabilityMutations.rebuild(n, n.term(), n.votedFor(), n.log(), q, n.role()), t.outputs(),
        t.actions());
  }

  private static boolean refusedFor(Transition t, Output.Refusal refusal) {
    for (Output o : t.outputs()) {
      if (o instanceof Output.MembershipRejected r && r.reason() == refusal
          || o instanceof Output.TransferRejected r2 && r2.reason() == refusal) {
        return true;
      }
    }
    return false;
  }
}
