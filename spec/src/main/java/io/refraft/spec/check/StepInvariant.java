package io.refraft.spec.check;

import io.refraft.spec.Input;
import io.refraft.spec.NodeState;
import java.util.Optional;

/**
 * Properties of one step of one server, checked on every transition the model takes (TLA+ action
 * properties).
 */
public enum StepInvariant {
  /**
   * §5.1: a server's currentTerm never decreases, across restarts too (it is durable): a restart
   * may lose only a term storage had not confirmed, which nobody has heard of (replies wait for it).
   */
  MonotonicTerm {
    @Override
    public Optional<String> violation(NodeState before, Input input, NodeState after) {
      long floor = input instanceof Input.Restart ? before.sync().term() : before.term();
      return after.term() < floor
          ? Optional.of(after.self() + "'s term went from " + floor + (floor == before.term() ? "" : " (durable)")
              + " to " + after.term())
          : Optional.empty();
    }
  },

  /** commitIndex never decreases, except that a restart forgets it (it is volatile, Figure 2). */
  MonotonicCommit {
    @Override
    public Optional<String> violation(NodeState before, Input input, NodeState after) {
      if (input instanceof Input.Restart) {
        return Optional.empty();
      }
      return after.commitIndex() < before.commitIndex()
          ? Optional.of(after.self() + "'s commitIndex went from " + before.commitIndex() + " to " + after.commitIndex())
          : Optional.empty();
    }
  },

  /**
   * §5.2: a server votes for at most one candidate in a term, across restarts too (votedFor is
   * durable): a restart may lose only a vote storage had not confirmed, which nobody was told of.
   */
  VoteOncePerTerm {
    @Override
    public Optional<String> violation(NodeState before, Input input, NodeState after) {
      long term = input instanceof Input.Restart ? before.sync().term() : before.term();
      Optional<io.refraft.spec.NodeId> vote = input instanceof Input.Restart ? before.sync().votedFor()
          : before.votedFor();
      if (after.term() == term && vote.isPresent() && !after.votedFor().equals(vote)) {
        return Optional.of(after.self() + " voted for " + vote.get() + " and then "
            + after.votedFor().map(Object::toString).orElse("nobody") + " in term " + after.term());
      }
      return Optional.empty();
    }
  },

  /** Figure 3 Leader Append-Only: a leader never overwrites or deletes entries in its log; it only appends. */
  LeaderAppendOnly {
    @Override
    public Optional<String> violation(NodeState before, Input input, NodeState after) {
      if (!before.isLeader() || !after.isLeader() || before.term() != after.term()) {
        return Optional.empty();
      }
      if (after.log().lastIndex() < before.log().lastIndex()) {
        return Optional.of("leader " + after.self() + " shortened its log from " + before.log().lastIndex()
            + " to " + after.log().lastIndex());
      }
      if (before.log().firstDifference(after.log()) > before.log().lastIndex()) {
        return Optional.empty(); // before's log is a prefix of after's (cheap: the versions share structure)
      }
      long floor = Math.max(before.log().snapshot().index(), after.log().snapshot().index());
      for (long i = before.log().lastIndex(); i > floor; i--) {
        if (!before.log().entry(i).equals(after.log().entry(i))) {
          return Optional.of("leader " + after.self() + " overwrote index " + i + ": " + before.log().entry(i)
              + " became " + after.log().entry(i));
        }
      }
      return Optional.of("leader " + after.self() + " replaced entries through " + floor + " by "
          + after.log().snapshot() + ", which differs from them");
    }
  },

  /**
   * Thesis §5.1: a server's snapshot never moves back while it runs (it replaces committed entries,
   * which stay committed). A restart may recover an older one: the newer was not yet durable.
   */
  MonotonicSnapshot {
    @Override
    public Optional<String> violation(NodeState before, Input input, NodeState after) {
      if (input instanceof Input.Restart) {
        return Optional.empty();
      }
      long was = before.log().snapshot().index();
      long now = after.log().snapshot().index();
      return now < was
          ? Optional.of(after.self() + "'s snapshot went from index " + was + " to " + now)
          : Optional.empty();
    }
  },

  /**
   * Figure 2: a leader's matchIndex for a follower never decreases while it leads (a stale,
   * reordered acknowledgement must not lower it; ongardie/raft.tla issue 18).
   */
  MonotonicMatchIndex {
    @Override
    public Optional<String> violation(NodeState before, Input input, NodeState after) {
      if (!(before.role() instanceof io.refraft.spec.Role.Leader b) || !(after.role() instanceof io.refraft.spec.Role.Leader a)
          || before.term() != after.term()) {
        return Optional.empty();
      }
      for (var e : b.progress().entrySet()) {
        long now = a.progressOf(e.getKey()).match();
        if (now < e.getValue().match()) {
          return Optional.of("leader " + after.self() + " lowered matchIndex of " + e.getKey() + " from "
              + e.getValue().match() + " to " + now);
        }
      }
      return Optional.empty();
    }
  },

  /**
   * Figure 2, all servers: a response of a higher term makes the receiver adopt that term (and
   * follow). Requests are exempt (a vote request may be ignored while a leader is known, thesis
   * §4.2.3), and so is pre-vote traffic, which never changes terms (thesis §9.6).
   */
  AdoptsHigherTerm {
    @Override
    public Optional<String> violation(NodeState before, Input input, NodeState after) {
      if (!(input instanceof Input.MessageReceived(io.refraft.spec.Message m)) || m.term() <= before.term()) {
        return Optional.empty();
      }
      boolean response = m instanceof io.refraft.spec.Message.AppendEntriesResponse
          || m instanceof io.refraft.spec.Message.InstallSnapshotResponse
          || (m instanceof io.refraft.spec.Message.RequestVoteResponse r && !(r.preVote() && r.voteGranted()));
      return response && after.term() < m.term()
          ? Optional.of(after.self() + " stayed in term " + after.term() + " after a response of term " + m.term())
          : Optional.empty();
    }
  };

  public abstract Optional<String> violation(NodeState before, Input input, NodeState after);

  /** The first violated step property, in declaration order. */
  public static Optional<Invariant.Violation> check(NodeState before, Input input, NodeState after) {
    for (StepInvariant inv : values()) {
      Optional<String> v = inv.violation(before, input, after);
      if (v.isPresent()) {
        return Optional.of(new Invariant.Violation(inv.name(), v.get()));
      }
    }
    return Optional.empty();
  }
}
