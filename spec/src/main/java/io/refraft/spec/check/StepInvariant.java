package io.refraft.spec.check;

import io.refraft.spec.Input;
import io.refraft.spec.NodeState;
import java.util.Optional;

/**
 * Properties of one step of one server, checked on every transition the model takes (TLA+ action
 * properties).
 */
public enum StepInvariant {
  /** §5.1: a server's currentTerm never decreases, across restarts too (it is durable). */
  MonotonicTerm {
    @Override
    public Optional<String> violation(NodeState before, Input input, NodeState after) {
      return after.term() < before.term()
          ? Optional.of(after.self() + "'s term went from " + before.term() + " to " + after.term())
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

  /** §5.2: a server votes for at most one candidate in a term, across restarts too (votedFor is durable). */
  VoteOncePerTerm {
    @Override
    public Optional<String> violation(NodeState before, Input input, NodeState after) {
      if (after.term() == before.term() && before.votedFor().isPresent() && !after.votedFor().equals(before.votedFor())) {
        return Optional.of(after.self() + " voted for " + before.votedFor().get() + " and then "
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
      for (long i = before.log().lastIndex(); i >= 1; i--) {
        if (!before.log().entry(i).equals(after.log().entry(i))) {
          return Optional.of("leader " + after.self() + " overwrote index " + i + ": " + before.log().entry(i)
              + " became " + after.log().entry(i));
        }
      }
      return Optional.empty();
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
