package io.refraft.impl.planted;

import io.refraft.impl.node.StepFunction;
import io.refraft.impl.node.TraceSink;
import io.refraft.spec.Input;
import io.refraft.spec.Message;
import io.refraft.spec.NodeState;
import io.refraft.spec.Role;
import io.refraft.spec.Transition;
import java.util.Optional;

/**
 * The {@code vote-twice} bug ({@link InjectedBug#VOTE_TWICE}): a follower that voted in this term,
 * or a candidate (which voted for itself), forgets its vote before a RequestVote from another
 * candidate of the same term, and the spec then decides on the request as it always does (§5.2
 * allows one vote per term; whether to grant it stays the spec's rule). The trace records the step
 * the node took, from the state without the vote; a validator, which holds the state the spec
 * reached (with the vote), sees the second vote where the spec refuses it.
 */
final class VoteTwice {
  private VoteTwice() {}

  /** The spec's step, from the state with the vote forgotten. */
  static StepFunction step(StepFunction step, InjectedBug.Fired fired) {
    return (s, in) -> {
      NodeState from = forgetVote(s, in);
      if (from != s) {
        fired.once();
      }
      return step.step(from, in);
    };
  }

  /** The trace of that step: from the same state the step was given. */
  static TraceSink trace(TraceSink trace) {
    if (trace == TraceSink.OFF) {
      return trace;
    }
    return new TraceSink() {
      @Override
      public void step(NodeState before, Input input, long receivedSeq, Transition t, long firstSentSeq) {
        trace.step(forgetVote(before, input), input, receivedSeq, t, firstSentSeq);
      }

      @Override
      public void endTurn() {
        trace.endTurn();
      }
    };
  }

  /**
   * {@code s} without its vote when {@code input} asks for a second vote in the term; else {@code s}.
   * Only from a state whose writes are all durable: forgetting there is forgetting what is on disk.
   */
  static NodeState forgetVote(NodeState s, Input input) {
    if (s.isSynced() && input instanceof Input.MessageReceived(Message.RequestVoteRequest rv) && !rv.preVote()
        && rv.term() == s.term() && (s.role() instanceof Role.Follower || s.role() instanceof Role.Candidate)
        && s.votedFor().isPresent() && !s.votedFor().get().equals(rv.from())) {
      return new NodeState(s.self(), s.config(), s.term(), Optional.empty(), s.log(), s.commitIndex(),
          Role.Follower.UNKNOWN_LEADER);
    }
    return s;
  }
}
