package io.refraft.spec;

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

  /** Campaigning in its current term (§5.2); raft.tla's votesResponded and votesGranted. */
  record Candidate(Set<NodeId> responded, Set<NodeId> granted) implements Role {
    public Candidate {
      responded = Set.copyOf(responded);
      granted = Set.copyOf(granted);
    }
  }

  /**
   * Leading its current term: per peer the replication progress (Figure 2, "Volatile state on
   * leaders") and, for check-quorum, which peers were heard from since the last check.
   */
  record Leader(Map<NodeId, Progress> progress, Set<NodeId> recentlyActive) implements Role {
    public Leader {
      progress = Map.copyOf(progress);
      recentlyActive = Set.copyOf(recentlyActive);
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
}
