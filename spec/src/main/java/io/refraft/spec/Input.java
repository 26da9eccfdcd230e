package io.refraft.spec;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything that can happen to a server: the events {@link Raft#step} reacts to. Timers live in
 * the driver (which randomizes election timeouts); here they are only events.
 */
public sealed interface Input
    permits Input.MessageReceived, Input.ElectionTimeout, Input.HeartbeatTimeout, Input.ClientPropose,
        Input.ReadIndexRequest, Input.Restart, Input.Persisted, Input.TakeSnapshot, Input.ChangeMembership,
        Input.TransferLeadership {

  /** A message arrived from the network, addressed to this server. */
  record MessageReceived(Message message) implements Input {
    public MessageReceived {
      Objects.requireNonNull(message, "message");
    }
  }

  /**
   * The election timer fired: a follower or candidate starts a (pre-)election (§5.2); a leader
   * with check-quorum checks it heard from a quorum since the last time (thesis §6.2).
   */
  record ElectionTimeout() implements Input {}

  /**
   * The send timer fired, for one peer or (empty) for all: a leader sends AppendEntries from each
   * peer's nextIndex (a heartbeat when it has nothing new, §5.2); a candidate re-sends its
   * (pre-)vote request to each peer that has not answered.
   */
  record HeartbeatTimeout(Optional<NodeId> peer) implements Input {
    public HeartbeatTimeout {
      Objects.requireNonNull(peer, "peer");
    }

    public static HeartbeatTimeout all() {
      return new HeartbeatTimeout(Optional.empty());
    }

    public static HeartbeatTimeout to(NodeId peer) {
      return new HeartbeatTimeout(Optional.of(peer));
    }
  }

  /** Clients ask this server to replicate commands; only a leader accepts (§5.3). */
  record ClientPropose(List<Payload> payloads) implements Input {
    public ClientPropose {
      payloads = List.copyOf(payloads);
      if (payloads.isEmpty()) {
        throw new IllegalArgumentException("a proposal needs at least one payload");
      }
    }

    public static ClientPropose of(Payload payload) {
      return new ClientPropose(List.of(payload));
    }
  }

  /**
   * A client asks for a linearizable read (thesis §6.4). A leader answers with
   * {@link Output.ReadReady} once it is safe to read the state machine at the index it gives; any
   * other server, or a leader that loses its role first, answers {@link Output.ReadRejected}.
   * {@code requestId} is the driver's, echoed in the answer; the protocol does not interpret it.
   */
  record ReadIndexRequest(long requestId) implements Input {}

  /**
   * The driver's state machine has applied entries through {@code index} and captured its state
   * there: the server compacts its log through it (thesis §5.1), replacing entries 1..index by a
   * {@link Snapshot}. Only what is applied may be compacted ({@code index <= }
   * {@link NodeState#applied()}) and a snapshot never moves back, so a request for an index not
   * above the current snapshot's, or beyond what is applied, changes nothing. When and how often is
   * the driver's policy.
   */
  record TakeSnapshot(long index) implements Input {
    public TakeSnapshot {
      if (index < 1) {
        throw new IllegalArgumentException("a snapshot's index must be >= 1, got " + index);
      }
    }
  }

  /**
   * An operator asks the leader to append {@code next} as the cluster's configuration (thesis
   * chapter 4). The leader accepts a configuration that is one step from its own: from a simple
   * configuration, a simple one that differs in one server (add a voter or a learner, promote a
   * learner, remove a server, demote a voter: thesis §4.1's single-server change) or a joint one
   * whose outgoing voters are its voters (entering joint consensus, thesis §4.3, etcd's
   * ConfChangeV2, for any number of changes at once); from a joint configuration, only leaving it
   * ({@link Membership#leaveJoint}). It refuses with {@link Output.MembershipRejected} and appends
   * nothing otherwise, or while a change is pending, before it has committed an entry of its term,
   * or while it transfers leadership.
   */
  record ChangeMembership(Membership next) implements Input {
    public ChangeMembership {
      Objects.requireNonNull(next, "next");
    }
  }

  /**
   * An operator asks the leader to hand leadership to {@code target} (thesis §3.10): it stops
   * accepting proposals, brings the target's log up to its own, and sends it
   * {@link Message.TimeoutNow}. The transfer ends when the leader loses its role, and is abandoned at
   * its next {@link ElectionTimeout} (the driver restarts that timer when a transfer starts).
   */
  record TransferLeadership(NodeId target) implements Input {
    public TransferLeadership {
      Objects.requireNonNull(target, "target");
    }
  }

  /**
   * The server crashed and came back with what it had made durable: term, vote and log. Volatile
   * state (role, commitIndex, leader bookkeeping) starts afresh (Figure 2, "Persistent state").
   */
  record Restart(DurableState recovered) implements Input {
    public Restart {
      Objects.requireNonNull(recovered, "recovered");
    }
  }

  /**
   * Storage reports that every write asked for so far, up to one that left this durable state, is
   * durable (fsync returned): hard state ({@code term}, {@code votedFor}) and a log whose last
   * entry is at {@code lastIndex} of {@code lastTerm}. Writes complete in the order they were
   * asked for. The server then releases the replies that waited for them, and a leader counts its
   * own log toward commitment (see {@link Sync}). With synchronous persistence this follows every
   * step at once ({@link Raft#step}).
   */
  record Persisted(long term, Optional<NodeId> votedFor, long lastIndex, long lastTerm) implements Input {
    public Persisted {
      Objects.requireNonNull(votedFor, "votedFor");
      if (term < 0 || lastIndex < 0 || lastTerm < 0 || lastTerm > term || (lastIndex == 0) != (lastTerm == 0)) {
        throw new IllegalArgumentException("persisted needs term >= lastTerm >= 0, lastIndex >= 0 and lastTerm 0"
            + " exactly for an empty log, got term " + term + ", lastIndex " + lastIndex + ", lastTerm " + lastTerm);
      }
    }

    /** What storage holds once everything of {@code d} is durable. */
    public static Persisted of(DurableState d) {
      return new Persisted(d.term(), d.votedFor(), d.log().lastIndex(), d.log().lastTerm());
    }
  }
}
