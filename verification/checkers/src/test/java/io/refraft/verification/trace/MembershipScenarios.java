package io.refraft.verification.trace;

import static io.refraft.verification.trace.CorpusScenarios.appendTo;
import static io.refraft.verification.trace.ScriptedCluster.between;
import static io.refraft.verification.trace.ScriptedCluster.id;

import io.refraft.spec.Action;
import io.refraft.spec.Config;
import io.refraft.spec.Entry;
import io.refraft.spec.Input;
import io.refraft.spec.Log;
import io.refraft.spec.Membership;
import io.refraft.spec.Message;
import io.refraft.spec.NodeId;
import io.refraft.spec.NodeState;
import io.refraft.spec.Output;
import io.refraft.spec.Payload;
import io.refraft.spec.Raft;
import io.refraft.spec.Role;
import io.refraft.spec.Transition;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BiFunction;

/**
 * The corpus's runs of membership changes and leadership transfer (FORMAT.md revision 6, thesis
 * chapter 4 and §3.10), and the bugs injected into them: a leader that skips one of the checks the
 * spec makes before it appends a configuration or starts a transfer.
 */
final class MembershipScenarios {
  private MembershipScenarios() {}

  static List<NodeId> ids(String... names) {
    List<NodeId> out = new ArrayList<>();
    for (String n : names) {
      out.add(id(n));
    }
    return out;
  }

  /**
   * n4 joins a 3-server cluster as a learner and catches up, is promoted to voter, and n3 is
   * removed; the leader keeps replicating to n3 until the entry that removes it is committed. Then
   * n1 and n4 compact their logs, and n4 restarts from its snapshot, which holds the configuration.
   */
  static ScriptedCluster learnerPromotedVoterRemoved() {
    ScriptedCluster c = new ScriptedCluster(Config.ofSize(3), "n4");
    c.timeout("n1").deliverAll().propose("n1", "a").deliverAll();
    c.change("n1", Membership.of(ids("n1", "n2", "n3"), ids("n4"))).deliverAll();
    c.change("n1", Membership.voters(ids("n1", "n2", "n3", "n4"))).deliverAll();
    c.change("n1", Membership.voters(ids("n1", "n2", "n4"))).deliverAll();
    require(c.node("n4").membership().equals(Membership.voters(ids("n1", "n2", "n4"))), "n4 learns it all");
    require(c.node("n1").commitIndex() == c.node("n1").log().lastIndex(), "the removal is committed");
    c.heartbeat("n1").deliverAll().propose("n1", "b").deliverAll();
    require(c.node("n3").log().lastIndex() < c.node("n1").log().lastIndex(), "n3 no longer receives entries");
    // the configuration survives compaction in the snapshot (FORMAT.md 6.1) and a restart from it
    c.snapshot("n1").snapshot("n4").restart("n4");
    require(c.node("n4").log().snapshot().membership().equals(java.util.Optional.of(
        Membership.voters(ids("n1", "n2", "n4")))), "n4's snapshot holds the configuration");
    return c.heartbeat("n1").deliverAll();
  }

  /**
   * n1 leads; n3 misses an entry; n1 hands leadership to n3: it first brings n3's log up to its own
   * (a rejection, a resend), then sends TimeoutNow; n3 campaigns at once, its vote requests marked
   * as a transfer's, which n2 grants although it hears from a live leader (check-quorum's lease).
   */
  static ScriptedCluster leadershipTransfer() {
    ScriptedCluster c = new ScriptedCluster(Config.ofSize(3));
    c.timeout("n1").deliverAll().isolate("n3").propose("n1", "a").deliverAll().heal();
    c.transfer("n1", "n3").deliverAll();
    require(c.node("n3").isLeader() && c.node("n3").term() == 2, "n3 leads term 2");
    return c.propose("n3", "b").deliverAll();
  }

  /** n1 wins its election; its no-op is sent but no acknowledgement has arrived. */
  private static ScriptedCluster electedNothingCommitted(ScriptedCluster c) {
    c.timeout("n1");
    while (!c.node("n1").isLeader()) {
      c.deliver(m -> true);
    }
    return c;
  }

  /** The leader appends a configuration before it has committed an entry of its term. */
  static ScriptedCluster changeBeforeTermCommitted() {
    ScriptedCluster c = electedNothingCommitted(new ScriptedCluster(Config.ofSize(3)));
    c.bug(appendsConfigurationUnchecked());
    return c.change("n1", Membership.voters(ids("n1", "n2"))).deliverAll();
  }

  /** The leader appends a second configuration while its first is not committed. */
  static ScriptedCluster secondChangeWhilePending() {
    ScriptedCluster c = new ScriptedCluster(Config.ofSize(3), "n4");
    c.timeout("n1").deliverAll();
    c.change("n1", Membership.of(ids("n1", "n2", "n3"), ids("n4")));
    c.bug(appendsConfigurationUnchecked());
    return c.change("n1", Membership.voters(ids("n1", "n2", "n3", "n4"))).deliverAll();
  }

  /**
   * In a 5-server cluster the leader removes n5; n2 has the entry, which is not yet committed (n1
   * and n2 are no majority of four); the leader starts a transfer to n2 and, n2's log being its own,
   * sends TimeoutNow at once.
   */
  static ScriptedCluster transferWhileChangePending() {
    ScriptedCluster c = new ScriptedCluster(Config.ofSize(5));
    c.timeout("n1").deliverAll();
    c.change("n1", Membership.voters(ids("n1", "n2", "n3", "n4")));
    c.deliver(appendTo("n2")).deliver(between("n2", "n1"));
    NodeState n1 = c.node("n1");
    require(((Role.Leader) n1.role()).progressOf(id("n2")).match() == n1.log().lastIndex()
        && n1.commitIndex() < n1.log().lastIndex(), "n2 holds the pending configuration");
    c.bug(startsTransferUnchecked());
    return c.transfer("n1", "n2").deliverAll();
  }

  /**
   * A leader that appends the configuration it is asked for without the spec's checks (one change
   * at a time, an entry of its term committed first): it appends and sends as for any entry.
   */
  static BiFunction<NodeState, Input, Transition> appendsConfigurationUnchecked() {
    return (s, in) -> {
      if (!(in instanceof Input.ChangeMembership(Membership next)) || !s.isLeader()) {
        return null;
      }
      Log log = s.log().append(new Entry(s.term(), new Payload.Configuration(next)));
      Transition send = Raft.step(Bugs.with(s, s.term(), s.votedFor(), log, s.commitIndex(), s.role()),
          Input.HeartbeatTimeout.all());
      List<Action> actions = new ArrayList<>();
      actions.add(Action.ChangeMembership);
      actions.addAll(send.actions());
      return new Transition(send.next(), send.outputs(), actions);
    };
  }

  /** A leader that starts a transfer whatever is pending, and sends TimeoutNow to a target that has its log. */
  static BiFunction<NodeState, Input, Transition> startsTransferUnchecked() {
    return (s, in) -> {
      if (!(in instanceof Input.TransferLeadership(NodeId target)) || !(s.role() instanceof Role.Leader l)) {
        return null;
      }
      NodeState next = Bugs.with(s, s.term(), s.votedFor(), s.log(), s.commitIndex(),
          l.withTransferee(Optional.of(target)));
      return new Transition(next, List.of(new Output.ResetElectionTimer(),
          new Output.Send(new Message.TimeoutNow(s.self(), target, s.term()))),
          List.of(Action.TransferLeadership, Action.SendTimeoutNow));
    };
  }

  private static void require(boolean fact, String what) {
    if (!fact) {
      throw new IllegalStateException("the scenario went otherwise: not so that " + what);
    }
  }
}
