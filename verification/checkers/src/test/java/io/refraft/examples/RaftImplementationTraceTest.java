package io.refraft.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.refraft.spec.Config;
import io.refraft.spec.Input;
import io.refraft.spec.Message;
import io.refraft.spec.NodeId;
import io.refraft.spec.NodeState;
import io.refraft.spec.Output;
import io.refraft.spec.Payload;
import io.refraft.spec.Raft;
import io.refraft.spec.Role;
import io.refraft.spec.Transition;
import io.refraft.traces.TraceHeader;
import io.refraft.traces.TraceRecorder;
import io.refraft.traces.TraceWriter;
import io.refraft.verification.trace.Divergence;
import io.refraft.verification.trace.TraceValidator;
import io.refraft.verification.trace.ValidationResult;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The test a Java Raft implementation copies into its own suite (verification/checkers/README.md,
 * "Testing your own Raft implementation"): run a scenario on the implementation's nodes, record every
 * step with the traces module's {@link TraceRecorder}, write the trace, and assert that the
 * validator replays it against the spec. {@link MyRaftNode} stands for the implementation: replace
 * its {@code handle} with a call into your node that reports the transition it took in the spec's
 * terms (state before, input, state after, messages sent). The second test shows what a bug looks
 * like: the validator names the step and the field.
 */
class RaftImplementationTraceTest {
  @TempDir Path dir;

  /** Stands for your node. Here it runs the spec itself; {@code bug} alters its state after a step. */
  static final class MyRaftNode {
    private NodeState state;
    private final UnaryOperator<NodeState> bug;

    MyRaftNode(NodeId id, Config config, UnaryOperator<NodeState> bug) {
      this.state = NodeState.initial(id, config);
      this.bug = bug;
    }

    NodeState state() {
      return state;
    }

    /** Handles one event and says what it did, as your node's trace hook would. */
    Transition handle(Input input) {
      Transition t = Raft.step(state, input);
      t = new Transition(bug.apply(t.next()), t.outputs(), t.actions());
      state = t.next();
      return t;
    }
  }

  /**
   * A 3-node cluster on a FIFO network: node n1 times out and is elected, a client's write goes to
   * the leader, and the network is drained after each. Every step is recorded and written to
   * {@code trace}; returns the nodes at the end.
   */
  private static Map<NodeId, MyRaftNode> runScenario(Path trace, UnaryOperator<NodeState> bug) throws IOException {
    Config config = Config.ofSize(3);
    Map<NodeId, MyRaftNode> nodes = new LinkedHashMap<>();
    config.members().forEach(id -> nodes.put(id, new MyRaftNode(id, config, bug)));
    // README: record
    TraceRecorder recorder = new TraceRecorder(config);
    ArrayDeque<Message> network = new ArrayDeque<>();
    long[] clock = {0};
    try (Writer out = Files.newBufferedWriter(trace, StandardCharsets.UTF_8);
        TraceWriter writer = new TraceWriter(out)) {
      writer.header(TraceHeader.of(config, TraceHeader.NetworkModel.NO_DUPLICATES, TraceHeader.Persistence.explicit,
          new TraceHeader.Source("my-raft", "election of n1, then one client write")));
      Stepper step = (node, input) -> {
        MyRaftNode n = nodes.get(node);
        NodeState before = n.state();
        Transition t = n.handle(input);
        writer.step(recorder.record(before, input, t, OptionalLong.of(++clock[0])));
        for (Output o : t.outputs()) {
          if (o instanceof Output.Send(Message m)) {
            network.add(m);
          }
        }
      };
      step.take(NodeId.of("n1"), new Input.ElectionTimeout());
      drain(network, step);
      NodeId leader = nodes.values().stream().filter(n -> n.state().isLeader()).findFirst()
          .map(n -> n.state().self()).orElseThrow(() -> new AssertionError("no leader was elected"));
      step.take(leader, Input.ClientPropose.of(Payload.Data.of("x=1".getBytes(StandardCharsets.UTF_8))));
      drain(network, step);
    }
    // README: end
    return nodes;
  }

  /** One event for one node, recorded. */
  @FunctionalInterface
  interface Stepper {
    void take(NodeId node, Input input) throws IOException;
  }

  private static void drain(ArrayDeque<Message> network, Stepper step) throws IOException {
    for (int delivered = 0; !network.isEmpty(); delivered++) {
      assertTrue(delivered < 10_000, "the network does not drain");
      Message m = network.poll();
      step.take(m.to(), new Input.MessageReceived(m));
    }
  }

  @Test
  void an_election_and_a_write_validate_against_the_spec() throws Exception {
    Path trace = dir.resolve("my-raft.ndjson");
    Map<NodeId, MyRaftNode> nodes = runScenario(trace, s -> s);

    // README: assert
    ValidationResult result = new TraceValidator(TraceValidator.Options.defaults()).validateFile(trace);
    assertTrue(result.valid(), () -> result.divergence().map(Divergence::explain).orElse(""));
    // README: end
    assertTrue(result.events() > 10, "steps validated: " + result.events());
    NodeState leader = nodes.values().stream().map(MyRaftNode::state).filter(NodeState::isLeader).findFirst()
        .orElseThrow();
    assertEquals(leader.log().lastIndex(), leader.commitIndex(), "the write is committed");
  }

  @Test
  void a_node_that_forgets_its_vote_is_caught_at_that_step() throws Exception {
    Path trace = dir.resolve("forgets-vote.ndjson");
    UnaryOperator<NodeState> forgetVote = s -> s.role() instanceof Role.Follower && s.votedFor().isPresent()
        ? new NodeState(s.self(), s.config(), s.term(), Optional.empty(), s.log(), s.commitIndex(), s.role()) : s;
    runScenario(trace, forgetVote);

    ValidationResult result = new TraceValidator(TraceValidator.Options.defaults()).validateFile(trace);

    assertFalse(result.valid(), "a follower that forgets whom it voted for must not validate");
    Divergence d = result.divergence().orElseThrow();
    assertTrue(d.diffs().stream().anyMatch(f -> f.field().contains("vote")), d.explain());
  }
}
