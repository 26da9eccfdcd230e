package io.refraft.spec;

import java.util.List;
import java.util.Objects;

/**
 * The result of one {@link Raft#step}: the next state, what the driver must do (in order; see
 * {@link Output} for the persist-before-send rule), and the protocol actions taken.
 */
public record Transition(NodeState next, List<Output> outputs, List<Action> actions) {
  public Transition {
    Objects.requireNonNull(next, "next");
    outputs = List.copyOf(outputs);
    actions = List.copyOf(actions);
  }
}
