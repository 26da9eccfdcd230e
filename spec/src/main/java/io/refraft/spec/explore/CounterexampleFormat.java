package io.refraft.spec.explore;

import io.refraft.spec.Entry;
import io.refraft.spec.Message;
import io.refraft.spec.NodeState;
import io.refraft.spec.Role;
import io.refraft.spec.check.Cluster;
import io.refraft.spec.check.Event;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Renders a counterexample for people, one line per step. As a machine-readable trace it is
 * written in the trace format (traces/FORMAT.md) by {@code io.refraft.traces.ClusterTraces}, which
 * spec cannot depend on. Pure: the command line writes the lines.
 */
public final class CounterexampleFormat {
  private CounterexampleFormat() {}

  /** Numbered, readable steps, each with the acting server's state after it. */
  public static List<String> readable(ModelChecker.Counterexample cx) {
    List<String> out = new ArrayList<>();
    int i = 0;
    for (Cluster.Step s : cx.steps()) {
      i++;
      StringBuilder sb = new StringBuilder();
      sb.append(String.format("%3d. %s", i, describe(s.event())));
      if (s.transition().isPresent()) {
        sb.append("  ").append(s.transition().get().actions());
        NodeState n = s.transition().get().next();
        sb.append("  -> ").append(summary(n));
      }
      out.add(sb.toString());
    }
    out.add("violates " + cx.violation().invariant() + ": " + cx.violation().detail());
    if (cx.violation().invariant().equals(Recoverability.PROPERTY)) {
      Cluster last = cx.steps().isEmpty() ? cx.initial() : cx.steps().get(cx.steps().size() - 1).next();
      out.add("the state that cannot recover:");
      out.addAll(state(last));
    }
    return out;
  }

  /** Every server's state, then the messages in flight, one per line. */
  public static List<String> state(Cluster c) {
    List<String> out = new ArrayList<>();
    for (NodeState n : c.nodes()) {
      out.add("  " + summary(n));
    }
    c.network().inFlight().forEach((m, count) -> out.add("  in flight: " + message(m) + (count > 1 ? " x" + count : "")));
    if (c.network().inFlight().isEmpty()) {
      out.add("  in flight: nothing");
    }
    return out;
  }

  /** One event in words. */
  public static String describe(Event e) {
    return switch (e) {
      case Event.Timeout t -> "Timeout " + t.node();
      case Event.Heartbeat h -> "Heartbeat " + h.node() + "->" + h.peer();
      case Event.Propose p -> "Propose " + p.node() + " " + p.value();
      case Event.Read r -> "Read " + r.node();
      case Event.Crash c -> "Restart " + c.node();
      case Event.Persist p -> "Persist " + p.node();
      case Event.Deliver d -> "Deliver " + message(d.message());
      case Event.Drop d -> "Drop " + message(d.message());
      case Event.Duplicate d -> "Duplicate " + message(d.message());
      case Event.TakeSnapshot t -> "TakeSnapshot " + t.node();
      case Event.ChangeMembership m -> "ChangeMembership " + m.node() + " " + m.next();
      case Event.Transfer t -> "TransferLeadership " + t.node() + "->" + t.target();
    };
  }

  /** One message in words, with the fields of Figure 2. */
  public static String message(Message m) {
    String head = m.from() + "->" + m.to() + " ";
    return head + switch (m) {
      case Message.RequestVoteRequest r -> (r.preVote() ? "PreVoteRequest" : "RequestVoteRequest") + "(term=" + r.term()
          + " lastLogIndex=" + r.lastLogIndex() + " lastLogTerm=" + r.lastLogTerm() + (r.transfer() ? " transfer" : "")
          + ")";
      case Message.RequestVoteResponse r -> (r.preVote() ? "PreVoteResponse" : "RequestVoteResponse") + "(term="
          + r.term() + " granted=" + r.voteGranted() + ")";
      case Message.AppendEntriesRequest r -> "AppendEntriesRequest(term=" + r.term() + " prev=" + r.prevLogIndex() + "/"
          + r.prevLogTerm() + " entries=" + entries(r.entries()) + " commit=" + r.leaderCommit() + round(r.round()) + ")";
      case Message.AppendEntriesResponse r -> "AppendEntriesResponse(term=" + r.term() + " success=" + r.success()
          + (r.success() ? " match=" + r.matchIndex() : " conflict=" + r.conflictIndex() + "/" + r.conflictTerm())
          + round(r.round()) + ")";
      case Message.InstallSnapshotRequest r -> "InstallSnapshotRequest(term=" + r.term() + " snapshot=" + r.snapshot().index()
          + "/" + r.snapshot().term() + ")";
      case Message.InstallSnapshotResponse r -> "InstallSnapshotResponse(term=" + r.term() + " match=" + r.matchIndex()
          + ")";
      case Message.TimeoutNow r -> "TimeoutNow(term=" + r.term() + ")";
    };
  }

  /** A ReadIndex round, shown only when one was started (thesis §6.4). */
  private static String round(long r) {
    return r == 0 ? "" : " round=" + r;
  }

  /** A server's state in one line. */
  public static String summary(NodeState n) {
    return n.self() + "{" + roleName(n.role()) + " term=" + n.term() + " vote=" + n.votedFor().map(Object::toString).orElse("-")
        + " log=" + n.log() + " commit=" + n.commitIndex() + leader(n.leader()) + membership(n) + transfer(n.role())
        + unsynced(n) + "}";
  }

  /** The configuration, shown only when it is not the initial one. */
  private static String membership(NodeState n) {
    io.refraft.spec.Membership m = n.membership();
    return m.equals(n.config().initialMembership()) ? "" : " conf=" + m;
  }

  private static String transfer(Role r) {
    return r instanceof Role.Leader l && l.transferee().isPresent() ? " transferring-to=" + l.transferee().get() : "";
  }

  /** What storage has not confirmed yet, shown only when something is pending. */
  private static String unsynced(NodeState n) {
    if (n.isSynced()) {
      return "";
    }
    return " durable=" + n.sync().term() + "/" + n.sync().votedFor().map(Object::toString).orElse("-") + "/"
        + n.sync().lastIndex() + (n.sync().held().isEmpty() ? "" : " held=" + n.sync().held().size());
  }

  private static String leader(Optional<io.refraft.spec.NodeId> l) {
    return l.map(id -> " leader=" + id).orElse("");
  }

  private static String roleName(Role r) {
    return switch (r) {
      case Role.Follower f -> "Follower";
      case Role.PreCandidate p -> "PreCandidate";
      case Role.Candidate c -> "Candidate";
      case Role.Leader l -> "Leader";
    };
  }

  private static String entries(List<Entry> es) {
    StringBuilder sb = new StringBuilder("[");
    for (int i = 0; i < es.size(); i++) {
      sb.append(i > 0 ? " " : "").append(es.get(i));
    }
    return sb.append(']').toString();
  }
}
