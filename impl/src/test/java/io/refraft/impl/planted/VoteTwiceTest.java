package io.refraft.impl.planted;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.refraft.impl.node.StepFunction;
import io.refraft.spec.Config;
import io.refraft.spec.Input;
import io.refraft.spec.Message;
import io.refraft.spec.NodeId;
import io.refraft.spec.NodeState;
import io.refraft.spec.Raft;
import io.refraft.spec.Transition;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class VoteTwiceTest {
  private static final Config CONFIG = Config.ofSize(3);
  private static final NodeId N1 = CONFIG.members().get(0);
  private static final NodeId N2 = CONFIG.members().get(1);
  private static final NodeId N3 = CONFIG.members().get(2);

  /** n1 after granting its vote to n2 in term 1, at the end of its turn (the vote durable). */
  private static NodeState votedForN2() {
    NodeState s = NodeState.initial(N1, CONFIG);
    return Raft.step(s, vote(N2)).next();
  }

  private static Input vote(NodeId candidate) {
    return new Input.MessageReceived(new Message.RequestVoteRequest(candidate, N1, 1, 0, 0, false));
  }

  @Test
  void the_spec_refuses_a_second_vote_in_the_term() {
    NodeState s = votedForN2();
    assertEquals(Optional.of(N2), s.votedFor());
    assertEquals(Optional.of(N2), StepFunction.RAFT.step(s, vote(N3)).next().votedFor());
  }

  @Test
  void with_the_planted_bug_the_node_grants_it() {
    Transition t = InjectedBug.VOTE_TWICE.step(StepFunction.RAFT).step(votedForN2(), vote(N3));
    assertEquals(Optional.of(N3), t.next().votedFor());
  }

  @Test
  void other_inputs_step_from_the_state_as_it_is() {
    NodeState s = votedForN2();
    assertSame(s, VoteTwice.forgetVote(s, vote(N2)), "a repeated request of the same candidate");
    assertSame(s, VoteTwice.forgetVote(s, new Input.ElectionTimeout()));
  }
}
