package io.refraft.spec;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What a transition asks the driver to do, in the order it lists them.
 *
 * <p><b>Ordering rule.</b> A {@link Send} never leaves the server before every {@link Persist} of
 * the same transition is durable (fsync): a vote or an acknowledgement must survive a crash before
 * anyone can count it (Figure 2: "respond to RPCs" only after updating stable storage).
 * {@link Raft#step} lists every {@code Persist} before every {@code Send}, so a driver that executes
 * outputs in order, syncing before the first send, obeys the rule. {@link Apply} carries entries
 * already committed; it may run before or after the sends.
 */
public sealed interface Output
    permits Output.Persist, Output.Send, Output.Apply, Output.ResetElectionTimer, Output.ProposalAccepted,
        Output.ProposalRejected, Output.ReadReady, Output.ReadRejected, Output.RestoreSnapshot,
        Output.MembershipRejected, Output.TransferRejected {

  /** Make part of the durable state durable. */
  sealed interface Persist extends Output permits HardState, SaveSnapshot, LogSuffix {}

  /** Replace the durable {@code currentTerm} and {@code votedFor}. */
  record HardState(long term, Optional<NodeId> votedFor) implements Persist {
    public HardState {
      Objects.requireNonNull(votedFor, "votedFor");
    }
  }

  /**
   * Make {@code snapshot} durable, in place of the log's entries through its index: a snapshot this
   * server took ({@link Input.TakeSnapshot}: the state machine's state at that index) or one a
   * leader sent ({@link Message.InstallSnapshotRequest}: the data that came with it). Once durable,
   * entries up to its index may be deleted; the entries after it stay unless a {@link LogSuffix}
   * of the same transition replaces them. A snapshot whose index the log did not hold with its term
   * replaces the whole log: a {@code LogSuffix(snapshot.index + 1, ...)} follows it.
   */
  record SaveSnapshot(Snapshot snapshot) implements Persist {
    public SaveSnapshot {
      Objects.requireNonNull(snapshot, "snapshot");
      if (snapshot.index() == 0) {
        throw new IllegalArgumentException("no snapshot to save");
      }
    }
  }

  /**
   * Replace the durable log from {@code firstIndex} on: drop every entry at {@code firstIndex} or
   * after, then append {@code entries} there.
   */
  record LogSuffix(long firstIndex, List<Entry> entries) implements Persist {
    public LogSuffix {
      if (firstIndex < 1) {
        throw new IllegalArgumentException("firstIndex must be >= 1, got " + firstIndex);
      }
      entries = List.copyOf(entries);
    }
  }

  /** Send {@code message} to {@code message.to()}; delivery may fail, duplicate or reorder. */
  record Send(Message message) implements Output {
    public Send {
      Objects.requireNonNull(message, "message");
    }
  }

  /** Entries {@code firstIndex..} are committed: apply them to the state machine, in order. */
  record Apply(long firstIndex, List<Entry> entries) implements Output {
    public Apply {
      entries = List.copyOf(entries);
    }
  }

  /**
   * Reset the state machine to {@code snapshot}'s content (an installed snapshot, now durable);
   * the next {@link Apply} continues at {@code snapshot.index() + 1}.
   */
  record RestoreSnapshot(Snapshot snapshot) implements Output {
    public RestoreSnapshot {
      Objects.requireNonNull(snapshot, "snapshot");
    }
  }

  /** Restart the election timer with a fresh random timeout (§5.2). */
  record ResetElectionTimer() implements Output {}

  /** The proposal's {@code count} payloads sit at {@code firstIndex..} in {@code term}. */
  record ProposalAccepted(long firstIndex, int count, long term) implements Output {}

  /** This server is not the leader; {@code leader} is the one it knows of, if any. */
  record ProposalRejected(Optional<NodeId> leader) implements Output {
    public ProposalRejected {
      Objects.requireNonNull(leader, "leader");
    }
  }

  /**
   * Read {@code requestId} may be served from the state machine once it has applied
   * {@code readIndex} (thesis §6.4, step 4): every entry committed before the request arrived is at
   * or below {@code readIndex}, and this server was still the leader after the request arrived.
   */
  record ReadReady(long requestId, long readIndex) implements Output {
    public ReadReady {
      if (readIndex < 1) {
        throw new IllegalArgumentException("readIndex must be >= 1, got " + readIndex);
      }
    }
  }

  /**
   * Read {@code requestId} cannot be served here: this server is not (or no longer) the leader;
   * {@code leader} is the one it knows of, if any, to retry or forward to.
   */
  record ReadRejected(long requestId, Optional<NodeId> leader) implements Output {
    public ReadRejected {
      Objects.requireNonNull(leader, "leader");
    }
  }

  /** Why a leader refused a {@link Input.ChangeMembership} or a {@link Input.TransferLeadership}. */
  enum Refusal {
    /** Only a leader changes the configuration or hands over leadership. */
    NOT_LEADER,
    /** A configuration entry above the commit index is still pending (one change at a time). */
    CHANGE_PENDING,
    /**
     * The leader has not yet committed an entry of its term: until it has, an uncommitted change of a
     * former leader may still commit (the bug Ongaro reported on raft-dev in 2015).
     */
    TERM_NOT_COMMITTED,
    /** The leader is handing leadership over and accepts nothing new. */
    TRANSFER_IN_PROGRESS,
    /** The requested configuration is not one step from the current one, or is the current one. */
    NOT_ONE_STEP,
    /** The transfer's target is not a voter of the configuration (a learner, or unknown). */
    NOT_A_VOTER,
    /** The leader is the transfer's target. */
    ALREADY_LEADER
  }

  /** A {@link Input.ChangeMembership} refused: nothing was appended. {@code leader} as known here. */
  record MembershipRejected(Refusal reason, Optional<NodeId> leader) implements Output {
    public MembershipRejected {
      Objects.requireNonNull(reason, "reason");
      Objects.requireNonNull(leader, "leader");
    }
  }

  /** A {@link Input.TransferLeadership} refused. {@code leader} as known here. */
  record TransferRejected(Refusal reason, Optional<NodeId> leader) implements Output {
    public TransferRejected {
      Objects.requireNonNull(reason, "reason");
      Objects.requireNonNull(leader, "leader");
    }
  }
}
