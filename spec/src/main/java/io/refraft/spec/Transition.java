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

  /**
   * The highest log index this transition applied to the state machine, 0 when none: the last
   * entry of its {@link Output.Apply}s, or the index of a snapshot it restored
   * ({@link Output.RestoreSnapshot}), whichever is higher.
   */
  public long appliedThrough() {
    long through = 0;
    for (Output o : outputs) {
      if (o instanceof Output.Apply a && !a.entries().isEmpty()) {
        through = Math.max(through, a.firstIndex() + a.entries().size() - 1);
      } else if (o instanceof Output.RestoreSnapshot r) {
        through = Math.max(through, r.snapshot().index());
      }
    }
    return through;
  }
}
