package io.refraft.traces;

import io.refraft.spec.NodeId;
import io.refraft.spec.NodeState;
import io.refraft.spec.Role;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A node's state after a step, as much of it as any implementation can report (FORMAT.md §5.4).
 *
 * @param leader         the leader this node knows of in its term (itself when leading)
 * @param leaderReported false when the trace omits {@code leader}; then it is not compared
 * @param match          a leader's matchIndex per peer (Figure 2, "Volatile state on leaders"), by
 *                       name; empty when not reported (always for other roles), then not compared
 */
public record StateSummary(long term, Optional<NodeId> vote, RoleName role, long commitIndex, long lastLogIndex,
    long lastLogTerm, Optional<NodeId> leader, boolean leaderReported, Map<NodeId, Long> match) {

  /** The four roles of {@link Role}, by name. */
  public enum RoleName { Follower, PreCandidate, Candidate, Leader }

  public StateSummary {
    Objects.requireNonNull(vote, "vote");
    Objects.requireNonNull(role, "role");
    Objects.requireNonNull(leader, "leader");
    match = Map.copyOf(match);
    if (term < 0 || commitIndex < 0 || lastLogIndex < 0 || lastLogTerm < 0) {
      throw new IllegalArgumentException("term, commitIndex, lastLogIndex and lastLogTerm must be >= 0");
    }
    if (commitIndex > lastLogIndex) {
      throw new IllegalArgumentException("commitIndex " + commitIndex + " beyond lastLogIndex " + lastLogIndex);
    }
    if ((lastLogIndex == 0) != (lastLogTerm == 0)) {
      throw new IllegalArgumentException("lastLogTerm is 0 exactly when the log is empty, got lastLogIndex="
          + lastLogIndex + " lastLogTerm=" + lastLogTerm);
    }
    if (!match.isEmpty() && role != RoleName.Leader) {
      throw new IllegalArgumentException("only a leader reports match, got role " + role);
    }
    for (Map.Entry<NodeId, Long> e : match.entrySet()) {
      if (e.getValue() < 0 || e.getValue() > lastLogIndex) {
        throw new IllegalArgumentException("match of " + e.getKey() + " is " + e.getValue()
            + ", outside 0.." + lastLogIndex + " (lastLogIndex)");
      }
    }
  }

  /** A summary without matchIndex. */
  public StateSummary(long term, Optional<NodeId> vote, RoleName role, long commitIndex, long lastLogIndex,
      long lastLogTerm, Optional<NodeId> leader, boolean leaderReported) {
    this(term, vote, role, commitIndex, lastLogIndex, lastLogTerm, leader, leaderReported, Map.of());
  }

  /** The summary of a spec state. */
  public static StateSummary of(NodeState s) {
    return new StateSummary(s.term(), s.votedFor(), roleName(s.role()), s.commitIndex(), s.log().lastIndex(),
        s.log().lastTerm(), s.leader(), true, match(s.role()));
  }

  /** A leader's matchIndex per peer; empty for other roles. */
  public static Map<NodeId, Long> match(Role r) {
    if (!(r instanceof Role.Leader l)) {
      return Map.of();
    }
    Map<NodeId, Long> m = new HashMap<>();
    l.progress().forEach((peer, p) -> m.put(peer, p.match()));
    return m;
  }

  public static RoleName roleName(Role r) {
    return switch (r) {
      case Role.Follower f -> RoleName.Follower;
      case Role.PreCandidate p -> RoleName.PreCandidate;
      case Role.Candidate c -> RoleName.Candidate;
      case Role.Leader l -> RoleName.Leader;
    };
  }
}
