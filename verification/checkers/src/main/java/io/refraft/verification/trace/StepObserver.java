package io.refraft.verification.trace;

import io.refraft.spec.Action;
import io.refraft.spec.NodeState;
import io.refraft.traces.TraceStep;
import java.util.List;

/**
 * Sees each step as the validator takes it, in the validator's order (for a run, the merged
 * order): so that a view of the trace (io.refraft.verification.view) shows exactly what the
 * validator replayed, state for state. Called on the replaying thread; must not keep the validator
 * waiting longer than it takes to record the step.
 */
public interface StepObserver {
  /**
   * A step the spec explains.
   *
   * @param before  the node's spec state the step was replayed from (after a restart that lost
   *                steps, the state the node rolled back to)
   * @param after   the node's spec state after the step
   * @param actions the spec's actions for the step (raft.tla names), whether or not the trace names them
   * @param inputs  the spec inputs the step stood for, in words, when it took a composition of
   *                several spec steps (traces/FORMAT.md §8.2); empty for a single spec step
   */
  void accepted(String file, long line, TraceStep step, NodeState before, NodeState after, List<Action> actions,
      String inputs);

  /** The step where the trace and the spec part; {@code before} is the node's spec state before it. */
  void diverged(String file, long line, TraceStep step, NodeState before);
}
