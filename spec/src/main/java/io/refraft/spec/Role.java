package io.refraft.spec;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A server's role and the volatile state that exists only while it holds that role, so that
 * leader-only data cannot exist on a follower (raft.tla groups state the same way).
 */
public sealed interface Role permits Role.Follower, Role.PreCandidate, Role.Candidate, Role.Leader {

  /** A follower, knowing the current term's leader once it has heard from it. */
  record Follower(Optional<NodeId> leader) implements Role {
    public static final Follower UNKNOWN_LEADER = new Follower(Optional.empty());

    public Follower {
      Objects.requireNonNull(leader, "leader");
    }
  }

  /**
   * Polling for pre-votes in term {@code currentTerm + 1} without having incremented its term
   * (thesis §9.6). {@code responded} includes itself; so does {@code granted}.
   */
  record PreCandidate(Set<NodeId> responded, Set<NodeId> granted) implements Role {
    public PreCandidate {
      responded = Set.copyOf(responded);
      granted = Set.copyOf(granted);
    }
  }

  /**
   * Campaigning in its current term (§5.2); raft.tla's votesResponded and votesGranted.
   * {@code transfer}: the campaign answers a leader's TimeoutNow (thesis §3.10), so its vote requests
   * say so and voters grant them even within a leader's lease.
   */
  record Candidate(Set<NodeId> responded, Set<NodeId> granted, boolean transfer) implements Role {
    public Candidate {
      responded = Set.copyOf(responded);
      granted = Set.copyOf(granted);
    }

    /** A candidate of an ordinary election. */
    public Candidate(Set<NodeId> responded, Set<NodeId> granted) {
      this(responded, granted, false);
    }
  }

  /**
   * Leading its current term: per peer the replication progress (Figure 2, "Volatile state on
   * leaders"), for check-quorum which peers were heard from since the last check, the reads
   * waiting for ReadIndex confirmation (thesis §6.4), and the server it is handing leadership to,
   * if any (thesis §3.10): while it is, it accepts no proposal.
   */
  record Leader(Map<NodeId, Progress> progress, Set<NodeId> recentlyActive, Reads reads,
      Optional<NodeId> transferee) implements Role {
    public Leader {
      progress = Map.copyOf(progress);
      recentlyActive = Set.copyOf(recentlyActive);
      Objects.requireNonNull(reads, "reads");
      Objects.requireNonNull(transferee, "transferee");
    }

    /** A leader handing leadership to nobody. */
    public Leader(Map<NodeId, Progress> progress, Set<NodeId> recentlyActive, Reads reads) {
      this(progress, recentlyActive, reads, Optional.empty());
    }

    /** A leader with no read in progress. */
    public Leader(Map<NodeId, Progress> progress, Set<NodeId> recentlyActive) {
      this(progress, recentlyActive, Reads.NONE);
    }

    public Leader withReads(Reads r) {
      return new Leader(progress, recentlyActive, r, transferee);
    }

    public Leader withProgress(Map<NodeId, Progress> p) {
      return new Leader(p, recentlyActive, reads, transferee);
    }

    public Leader withTransferee(Optional<NodeId> t) {
      return new Leader(progress, recentlyActive, reads, t);
    }

    public Progress progressOf(NodeId peer) {
      Progress p = progress.get(peer);
      if (p == null) {
        throw new IllegalArgumentException("no progress for " + peer);
      }
      return p;
    }
  }

  /**
   * A leader's knowledge of one follower. Invariant: {@code 0 <= match < next}. {@code next} is
   * optimistic: after sending entries it points past them, so the next batch follows without
   * waiting (pipelining); a rejection moves it back to the follower's hint (thesis §5.3).
   */
  record Progress(long next, long match) {
    public Progress {
      if (match < 0 || next <= match) {
        throw new IllegalArgumentException("progress needs 0 <= match < next, got match=" + match + " next=" + next);
      }
    }
  }

  /**
   * A leader's ReadIndex bookkeeping (thesis §6.4). Every read request starts a new {@code round};
   * AppendEntries carry the round current when sent and responses echo it, so {@code acked} (per
   * peer, the highest round it answered) shows which peers accepted this leader's term after a
   * given read arrived. Invariants: {@code round >= 0}; every acked round and every pending read's
   * round is in {@code 1..round}; pending reads are in arrival order, so their rounds increase.
   *
   * @param round   the latest round started in this term
   * @param acked   per peer, the highest round it has acknowledged (absent: none)
   * @param pending reads waiting for a quorum to acknowledge their round, oldest first
   */
  record Reads(long round, Map<NodeId, Long> acked, List<PendingRead> pending) {
    public static final Reads NONE = new Reads(0, Map.of(), List.of());

    public Reads {
      acked = Map.copyOf(acked);
      pending = List.copyOf(pending);
      if (round < 0) {
        throw new IllegalArgumentException("round must be >= 0, got " + round);
      }
      for (var a : acked.entrySet()) {
        if (a.getValue() < 1 || a.getValue() > round) {
          throw new IllegalArgumentException("acked round " + a.getValue() + " of " + a.getKey() + " outside 1.." + round);
        }
      }
      long last = 0;
      for (PendingRead p : pending) {
        if (p.round() <= last || p.round() > round) {
          throw new IllegalArgumentException("pending read " + p + " out of order or beyond round " + round);
        }
        last = p.round();
      }
    }

    /** These reads with one more pending, in a new round. */
    public Reads start(long requestId, long readIndex) {
      List<PendingRead> more = new ArrayList<>(pending.size() + 1);
      more.addAll(pending);
      more.add(new PendingRead(requestId, readIndex, round + 1));
      return new Reads(round + 1, acked, more);
    }

    /**
     * These reads after {@code peer} answered a request of round {@code r}. Rounds only grow; a
     * round this leader never started (only a faulty peer could echo one) proves nothing.
     */
    public Reads ack(NodeId peer, long r) {
      if (r == 0 || r > round || acked.getOrDefault(peer, 0L) >= r) {
        return this;
      }
      return new Reads(round, with(acked, peer, r), pending);
    }
  }

  /**
   * {@code m} with {@code key} mapped to {@code value}, built as an immutable map directly (which the
   * records' {@code Map.copyOf} keeps as is) rather than through a HashMap copy: a leader updates
   * these maps on every AppendEntries answer, and the copies were a measurable share of the
   * simulator's spec steps.
   */
  @SuppressWarnings({"unchecked", "rawtypes"})
  static <K, V> Map<K, V> with(Map<K, V> m, K key, V value) {
    Map.Entry<K, V>[] entries = new Map.Entry[m.size() + (m.containsKey(key) ? 0 : 1)];
    int i = 0;
    for (Map.Entry<K, V> e : m.entrySet()) {
      if (!e.getKey().equals(key)) {
        entries[i++] = e;
      }
    }
    entries[i] = Map.entry(key, value);
    return Map.ofEntries(entries);
  }

  /**
   * A read waiting for confirmation. {@code readIndex} is the commit index when it arrived, or 0
   * when the leader had not yet committed an entry of its term then; it is fixed when served.
   */
  record PendingRead(long requestId, long readIndex, long round) {
    public PendingRead {
      if (readIndex < 0 || round < 1) {
        throw new IllegalArgumentException("pending read needs readIndex >= 0 and round >= 1, got " + readIndex
            + " and " + round);
      }
    }
  }
}
