package io.refraft.spec.check;

import io.refraft.spec.DurableState;
import io.refraft.spec.Log;
import io.refraft.spec.Message;
import io.refraft.spec.NodeId;
import io.refraft.spec.NodeState;
import io.refraft.spec.Output;
import java.util.Optional;

/**
 * Properties of one step of the cluster model that compare what a server did with what its disk
 * held at that moment (the model knows the disk; the server only knows what storage confirmed).
 * They state Figure 2's rule "respond to RPCs only after updating stable storage" for each thing a
 * reply or a request vouches for, and its counterpart for the state machine.
 */
public enum DurabilityInvariant {
  /**
   * Every message a server sends, except a leader's AppendEntries request (thesis §10.2.1), is
   * backed by its disk when it leaves: a granted vote by the durable vote, an acknowledgement by the
   * durable log through the index it acknowledges, a candidate's request by its durable term and
   * the durable last entry it claims, and every reply by the durable term it carries.
   */
  SentIsDurable {
    @Override
    Optional<String> violation(Cluster after, NodeState server, Output.Send send) {
      DurableState d = after.disk(server.self()).durable();
      Message m = send.message();
      return switch (m) {
        case Message.AppendEntriesRequest r -> Optional.empty();
        case Message.InstallSnapshotRequest r -> Optional.empty(); // a leader's request, as AppendEntries
        case Message.TimeoutNow r -> Optional.empty(); // a leader's, as AppendEntries: its term is durable
        case Message.RequestVoteRequest r -> r.preVote() ? Optional.empty()
            : termDurable(server, d, r.term(), m).or(() -> lastEntryDurable(server, d, r.lastLogIndex(),
                r.lastLogTerm(), m));
        case Message.RequestVoteResponse r -> {
          if (r.preVote()) {
            yield Optional.empty(); // a pre-vote records nothing and promises nothing (thesis §9.6)
          }
          Optional<String> t = termDurable(server, d, r.term(), m);
          if (t.isPresent() || !r.voteGranted() || d.term() > r.term()
              || d.votedFor().equals(Optional.of(r.to()))) {
            yield t;
          }
          yield Optional.of(server.self() + " granted its vote to " + r.to() + " in term " + r.term()
              + " while its disk holds vote " + d.votedFor().map(NodeId::toString).orElse("none"));
        }
        case Message.AppendEntriesResponse r -> termDurable(server, d, r.term(), m)
            .or(() -> r.success() ? prefixDurable(server, d, r.matchIndex(), m) : Optional.empty());
        case Message.InstallSnapshotResponse r -> termDurable(server, d, r.term(), m)
            .or(() -> r.matchIndex() > 0 ? prefixDurable(server, d, r.matchIndex(), m) : Optional.empty());
      };
    }
  },

  /**
   * A server applies only entries its disk holds, and restores only a snapshot its disk holds: a
   * state machine that survives a crash must find them in its log.
   */
  AppliedIsDurable {
    @Override
    Optional<String> violation(Cluster after, NodeState server, Output.Apply apply) {
      return durableThrough(after, server, apply.firstIndex() + apply.entries().size() - 1);
    }

    @Override
    Optional<String> violation(Cluster after, NodeState server, Output.RestoreSnapshot restore) {
      return durableThrough(after, server, restore.snapshot().index());
    }

    private Optional<String> durableThrough(Cluster after, NodeState server, long last) {
      Log disk = after.disk(server.self()).durable().log();
      if (last > disk.lastIndex() || disk.firstDifference(server.log()) <= last) {
        return Optional.of(server.self() + " applied through index " + last + " but its disk holds "
            + disk.lastIndex() + " entries agreeing with its log through " + (disk.firstDifference(server.log()) - 1));
      }
      return Optional.empty();
    }
  };

  Optional<String> violation(Cluster after, NodeState server, Output.Send send) {
    return Optional.empty();
  }

  Optional<String> violation(Cluster after, NodeState server, Output.Apply apply) {
    return Optional.empty();
  }

  Optional<String> violation(Cluster after, NodeState server, Output.RestoreSnapshot restore) {
    return Optional.empty();
  }

  /** The first property the step broke, checking each output of the stepping server against its disk after the step. */
  public static Optional<Invariant.Violation> check(Cluster.Step step) {
    if (step.node().isEmpty() || step.transition().isEmpty()) {
      return Optional.empty();
    }
    NodeState server = step.transition().get().next();
    for (Output o : step.transition().get().outputs()) {
      for (DurabilityInvariant inv : values()) {
        Optional<String> v = o instanceof Output.Send s ? inv.violation(step.next(), server, s)
            : o instanceof Output.Apply a ? inv.violation(step.next(), server, a)
            : o instanceof Output.RestoreSnapshot r ? inv.violation(step.next(), server, r) : Optional.<String>empty();
        if (v.isPresent()) {
          return Optional.of(new Invariant.Violation(inv.name(), v.get()));
        }
      }
    }
    return Optional.empty();
  }

  private static Optional<String> termDurable(NodeState s, DurableState d, long term, Message m) {
    return d.term() >= term ? Optional.empty()
        : Optional.of(s.self() + " sent term " + term + " while its disk holds term " + d.term() + ": " + m);
  }

  private static Optional<String> lastEntryDurable(NodeState s, DurableState d, long index, long term, Message m) {
    return d.log().matches(index, term) ? Optional.empty()
        : Optional.of(s.self() + " claims its log ends at " + index + "/" + term + " but its disk holds "
            + d.log().lastIndex() + "/" + d.log().lastTerm() + ": " + m);
  }

  private static Optional<String> prefixDurable(NodeState s, DurableState d, long index, Message m) {
    if (index <= d.log().lastIndex() && d.log().firstDifference(s.log()) > index) {
      return Optional.empty();
    }
    return Optional.of(s.self() + " acknowledged entries through " + index + " but its disk holds "
        + d.log().lastIndex() + " entries agreeing with its log through " + (d.log().firstDifference(s.log()) - 1)
        + ": " + m);
  }
}
