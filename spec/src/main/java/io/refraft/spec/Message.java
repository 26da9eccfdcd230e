package io.refraft.spec;

import java.util.List;
import java.util.Objects;

/**
 * The RPCs of Figure 2, as one-way messages (a response is a message of its own, as in raft.tla).
 * Field names follow the paper. New RPCs (InstallSnapshot, TimeoutNow) arrive as new permitted
 * records.
 */
public sealed interface Message
    permits Message.RequestVoteRequest, Message.RequestVoteResponse, Message.AppendEntriesRequest,
        Message.AppendEntriesResponse, Message.InstallSnapshotRequest, Message.InstallSnapshotResponse,
        Message.TimeoutNow {

  NodeId from();

  NodeId to();

  /** The sender's term (for a granted pre-vote, the term the pre-candidate would campaign in). */
  long term();

  /**
   * RequestVote (§5.2), or with {@code preVote} the pre-vote of thesis §9.6: the pre-candidate's
   * {@code term} is the one it would campaign in, its own term still one less. With
   * {@code transfer}, the election answers a leader's {@link TimeoutNow}: a voter grants it even
   * while it hears from a live leader (canonical/raft #203), which leader stickiness would refuse.
   */
  record RequestVoteRequest(NodeId from, NodeId to, long term, long lastLogIndex, long lastLogTerm, boolean preVote,
      boolean transfer) implements Message {
    public RequestVoteRequest {
      checkAddress(from, to);
      checkNonNegative("term", term);
      checkNonNegative("lastLogIndex", lastLogIndex);
      checkNonNegative("lastLogTerm", lastLogTerm);
      if (preVote && transfer) {
        throw new IllegalArgumentException("a leadership transfer's election skips pre-vote");
      }
    }

    /** A request of an ordinary election, not one a leader's TimeoutNow started. */
    public RequestVoteRequest(NodeId from, NodeId to, long term, long lastLogIndex, long lastLogTerm, boolean preVote) {
      this(from, to, term, lastLogIndex, lastLogTerm, preVote, false);
    }
  }

  /** The answer to a {@link RequestVoteRequest}; {@code preVote} echoes the request's. */
  record RequestVoteResponse(NodeId from, NodeId to, long term, boolean voteGranted, boolean preVote)
      implements Message {
    public RequestVoteResponse {
      checkAddress(from, to);
      checkNonNegative("term", term);
    }
  }

  /**
   * AppendEntries (§5.3); with no entries, a heartbeat. {@code leaderCommit} never exceeds
   * {@code prevLogIndex + entries.size()}, as in raft.tla, so a follower may take it as is.
   *
   * <p>{@code round} is not in Figure 2: it is the leader's ReadIndex round when it sent this
   * request (thesis §6.4; etcd-io/raft carries the same thing as a heartbeat's context). The
   * follower echoes it, so an acknowledgement proves it accepted this leader's term after every read
   * of that round arrived. 0 until the leader's first read of its term.
   */
  record AppendEntriesRequest(
      NodeId from, NodeId to, long term, long prevLogIndex, long prevLogTerm, List<Entry> entries,
      long leaderCommit, long round) implements Message {
    public AppendEntriesRequest {
      checkAddress(from, to);
      checkNonNegative("term", term);
      checkNonNegative("prevLogIndex", prevLogIndex);
      checkNonNegative("prevLogTerm", prevLogTerm);
      checkNonNegative("leaderCommit", leaderCommit);
      checkNonNegative("round", round);
      entries = List.copyOf(entries);
      if (leaderCommit > prevLogIndex + entries.size()) {
        throw new IllegalArgumentException("leaderCommit " + leaderCommit + " beyond the last entry sent");
      }
    }

    /** A request of read round 0 (no read in progress). */
    public AppendEntriesRequest(NodeId from, NodeId to, long term, long prevLogIndex, long prevLogTerm,
        List<Entry> entries, long leaderCommit) {
      this(from, to, term, prevLogIndex, prevLogTerm, entries, leaderCommit, 0);
    }
  }

  /**
   * The answer to an {@link AppendEntriesRequest}. On success {@code matchIndex} is the index of the
   * last entry the follower now holds in agreement with the leader. On failure it is 0 and the
   * conflict fields carry the hint of thesis §5.3: {@code conflictTerm} is the term of the
   * follower's entry at {@code prevLogIndex} (0 when its log is shorter) and {@code conflictIndex}
   * the first index of that term in its log (its last index + 1 when shorter). {@code round}
   * echoes the request's ReadIndex round, whether or not it succeeded.
   */
  record AppendEntriesResponse(
      NodeId from, NodeId to, long term, boolean success, long matchIndex, long conflictIndex, long conflictTerm,
      long round) implements Message {
    public AppendEntriesResponse {
      checkAddress(from, to);
      checkNonNegative("term", term);
      checkNonNegative("matchIndex", matchIndex);
      checkNonNegative("conflictIndex", conflictIndex);
      checkNonNegative("conflictTerm", conflictTerm);
      checkNonNegative("round", round);
      if (!success && matchIndex != 0) {
        throw new IllegalArgumentException("a failed AppendEntriesResponse carries matchIndex 0");
      }
    }

    /** A response of read round 0. */
    public AppendEntriesResponse(NodeId from, NodeId to, long term, boolean success, long matchIndex,
        long conflictIndex, long conflictTerm) {
      this(from, to, term, success, matchIndex, conflictIndex, conflictTerm, 0);
    }
  }

  /**
   * InstallSnapshot (thesis §5.1, Figure 5.3): a leader sends its snapshot to a follower that needs
   * entries it has compacted. The spec sees the whole snapshot as its metadata; the state
   * machine's bytes travel beside the message, in chunks, as the driver sees fit, and the follower's
   * driver steps the message once it holds all of them, verified.
   */
  record InstallSnapshotRequest(NodeId from, NodeId to, long term, Snapshot snapshot) implements Message {
    public InstallSnapshotRequest {
      checkAddress(from, to);
      checkNonNegative("term", term);
      Objects.requireNonNull(snapshot, "snapshot");
      if (snapshot.index() == 0 || snapshot.term() > term) {
        throw new IllegalArgumentException("an InstallSnapshotRequest carries a snapshot of index >= 1 and term <= "
            + term + ", got " + snapshot);
      }
    }
  }

  /**
   * The answer to an {@link InstallSnapshotRequest}: {@code matchIndex} is the last index the
   * follower now holds in agreement with the leader (the snapshot's, or its own commit index when
   * that was further), 0 for a request of a stale term.
   */
  record InstallSnapshotResponse(NodeId from, NodeId to, long term, long matchIndex) implements Message {
    public InstallSnapshotResponse {
      checkAddress(from, to);
      checkNonNegative("term", term);
      checkNonNegative("matchIndex", matchIndex);
    }
  }

  /**
   * A leader hands over leadership (thesis §3.10, etcd's MsgTimeoutNow): the receiver, which the
   * leader has caught up, starts an election at once, without pre-vote, and its vote requests say
   * so ({@link RequestVoteRequest#transfer}), so that voters within a leader's lease still answer.
   */
  record TimeoutNow(NodeId from, NodeId to, long term) implements Message {
    public TimeoutNow {
      checkAddress(from, to);
      checkNonNegative("term", term);
    }
  }

  private static void checkAddress(NodeId from, NodeId to) {
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(to, "to");
    if (from.equals(to)) {
      throw new IllegalArgumentException("message from " + from + " to itself");
    }
  }

  private static void checkNonNegative(String field, long value) {
    if (value < 0) {
      throw new IllegalArgumentException(field + " must be >= 0, got " + value);
    }
  }
}
