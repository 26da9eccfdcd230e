package io.refraft.spec.scenario;

import io.refraft.spec.Entry;
import io.refraft.spec.Input;
import io.refraft.spec.Message;
import io.refraft.spec.NodeId;
import io.refraft.spec.NodeState;
import io.refraft.spec.Output;
import io.refraft.spec.Role;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * How scenario output spells states, messages and outputs: one line each, Figure 2's field names
 * shortened, every set printed sorted so that the text never depends on hash order.
 */
final class ScenarioFormat {
  private ScenarioFormat() {}

  /** One server in one line: role, term, vote, commit, last log index/term, known leader. */
  static String summary(NodeState n) {
    return n.self() + " " + roleName(n.role()) + " term=" + n.term() + " vote=" + opt(n.votedFor())
        + " commit=" + n.commitIndex() + " last=" + n.log().lastIndex() + "/" + n.log().lastTerm()
        + " leader=" + opt(n.leader()) + unsynced(n);
  }

  /** What storage has not confirmed: shown only while something is (asynchronous scenarios). */
  private static String unsynced(NodeState n) {
    if (n.isSynced()) {
      return "";
    }
    return " durable=" + n.sync().term() + "/" + opt(n.sync().votedFor()) + "/" + n.sync().lastIndex()
        + (n.sync().held().isEmpty() ? "" : " held=" + n.sync().held().size());
  }

  static String roleName(Role r) {
    return switch (r) {
      case Role.Follower f -> "Follower";
      case Role.PreCandidate p -> "PreCandidate";
      case Role.Candidate c -> "Candidate";
      case Role.Leader l -> "Leader";
    };
  }

  /** The role's own volatile state (votes counted, per-peer progress), members in config order. */
  static String roleDetail(NodeState n) {
    return switch (n.role()) {
      case Role.Follower f -> "";
      case Role.PreCandidate p -> " pre-votes responded=" + sorted(p.responded()) + " granted=" + sorted(p.granted());
      case Role.Candidate c -> " votes responded=" + sorted(c.responded()) + " granted=" + sorted(c.granted());
      case Role.Leader l -> {
        StringBuilder sb = new StringBuilder(" progress:");
        for (NodeId peer : new TreeSet<>(l.progress().keySet())) {
          {
            Role.Progress p = l.progressOf(peer);
            sb.append(' ').append(peer).append("[match=").append(p.match()).append(" next=").append(p.next()).append(']');
          }
        }
        sb.append(" active=").append(sorted(l.recentlyActive()));
        Role.Reads r = l.reads();
        if (r.round() > 0) {
          sb.append(" read-round=").append(r.round()).append(" acked=[");
          String sep = "";
          for (NodeId peer : n.config().members()) {
            if (r.acked().containsKey(peer)) {
              sb.append(sep).append(peer).append(':').append(r.acked().get(peer));
              sep = " ";
            }
          }
          sb.append("] pending=[");
          sep = "";
          for (Role.PendingRead p : r.pending()) {
            sb.append(sep).append("id=").append(p.requestId()).append(" index=").append(p.readIndex())
                .append(" round=").append(p.round());
            sep = ", ";
          }
          sb.append(']');
        }
        yield sb.toString();
      }
    };
  }

  static String input(NodeId node, Input in) {
    return switch (in) {
      case Input.MessageReceived(Message m) -> message(m);
      case Input.ElectionTimeout t -> node + " ElectionTimeout";
      case Input.HeartbeatTimeout h -> node + " HeartbeatTimeout(" + h.peer().map(NodeId::toString).orElse("all") + ")";
      case Input.ReadIndexRequest r -> node + " ReadIndexRequest(id=" + r.requestId() + ")";
      case Input.ClientPropose p -> node + " ClientPropose(" + String.join(" ", p.payloads().stream().map(Object::toString).toList()) + ")";
      case Input.Restart r -> node + " Restart(term=" + r.recovered().term() + " vote=" + opt(r.recovered().votedFor())
          + " log=" + r.recovered().log().lastIndex() + "/" + r.recovered().log().lastTerm() + ")";
      case Input.Persisted p -> node + " Persisted(term=" + p.term() + " vote=" + opt(p.votedFor()) + " log="
          + p.lastIndex() + "/" + p.lastTerm() + ")";
      case Input.TakeSnapshot t -> node + " TakeSnapshot(" + t.index() + ")";
      case Input.ChangeMembership c -> node + " ChangeMembership(" + c.next() + ")";
      case Input.TransferLeadership t -> node + " TransferLeadership(" + t.target() + ")";
    };
  }

  static String message(Message m) {
    String head = m.from() + "->" + m.to() + " ";
    return head + switch (m) {
      case Message.RequestVoteRequest r -> (r.preVote() ? "PreVote" : "RequestVote") + "(term=" + r.term()
          + " last=" + r.lastLogIndex() + "/" + r.lastLogTerm() + (r.transfer() ? " transfer" : "") + ")";
      case Message.RequestVoteResponse r -> (r.preVote() ? "PreVoteResponse" : "RequestVoteResponse") + "(term="
          + r.term() + (r.voteGranted() ? " granted" : " rejected") + ")";
      case Message.AppendEntriesRequest r -> "AppendEntries(term=" + r.term() + " prev=" + r.prevLogIndex() + "/"
          + r.prevLogTerm() + " commit=" + r.leaderCommit() + " entries=" + entries(r.entries()) + round(r.round()) + ")";
      case Message.AppendEntriesResponse r -> "AppendEntriesResponse(term=" + r.term()
          + (r.success() ? " ok match=" + r.matchIndex() : " reject hint=" + r.conflictIndex() + "/" + r.conflictTerm())
          + round(r.round()) + ")";
      case Message.InstallSnapshotRequest r -> "InstallSnapshot(term=" + r.term() + " snapshot=" + r.snapshot().index()
          + "/" + r.snapshot().term() + ")";
      case Message.InstallSnapshotResponse r -> "InstallSnapshotResponse(term=" + r.term() + " match=" + r.matchIndex()
          + ")";
      case Message.TimeoutNow r -> "TimeoutNow(term=" + r.term() + ")";
    };
  }

  private static String round(long r) {
    return r == 0 ? "" : " round=" + r;
  }

  static String output(Output o) {
    return switch (o) {
      case Output.HardState h -> "persist term=" + h.term() + " vote=" + opt(h.votedFor());
      case Output.LogSuffix s -> s.entries().isEmpty() ? "persist log: truncate from " + s.firstIndex()
          : "persist log from " + s.firstIndex() + ": " + entries(s.entries());
      case Output.Send s -> "send " + message(s.message());
      case Output.Apply a -> "apply " + a.firstIndex() + ".." + (a.firstIndex() + a.entries().size() - 1) + ": "
          + entries(a.entries());
      case Output.ResetElectionTimer r -> "reset election timer";
      case Output.ProposalAccepted p -> "proposal accepted: index " + p.firstIndex()
          + (p.count() > 1 ? ".." + (p.firstIndex() + p.count() - 1) : "") + " term " + p.term();
      case Output.ProposalRejected r -> "proposal rejected: leader " + opt(r.leader());
      case Output.ReadReady r -> "read " + r.requestId() + " ready at index " + r.readIndex();
      case Output.ReadRejected r -> "read " + r.requestId() + " rejected: leader " + opt(r.leader());
      case Output.SaveSnapshot s -> "persist snapshot " + s.snapshot().index() + "/" + s.snapshot().term();
      case Output.RestoreSnapshot r -> "restore snapshot " + r.snapshot().index() + "/" + r.snapshot().term();
      case Output.MembershipRejected r -> "membership change rejected: " + r.reason() + " leader " + opt(r.leader());
      case Output.TransferRejected r -> "transfer rejected: " + r.reason() + " leader " + opt(r.leader());
    };
  }

  static String entries(List<Entry> es) {
    StringBuilder sb = new StringBuilder("[");
    for (int i = 0; i < es.size(); i++) {
      sb.append(i > 0 ? " " : "").append(es.get(i));
    }
    return sb.append(']').toString();
  }

  static String sorted(Set<NodeId> ids) {
    return "{" + String.join(",", new TreeSet<>(ids).stream().map(NodeId::toString).toList()) + "}";
  }

  static String opt(Optional<NodeId> id) {
    return id.map(NodeId::toString).orElse("-");
  }
}
