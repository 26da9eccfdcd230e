package io.refraft.impl.node;

import io.refraft.spec.Input;
import io.refraft.spec.NodeState;
import io.refraft.spec.Transition;

/**
 * Receives every step the driver takes, for trace files (DESIGN §3). Off by default: the driver
 * tests {@code sink == OFF} once per step and builds nothing for it, so tracing costs nothing then.
 *
 * <p>Obligations: called on the node's thread, in step order; never blocks for long (buffer and
 * write in batches); never throws (a failing trace writer disables itself and reports once). The
 * states and transition are immutable and may be kept.
 */
@FunctionalInterface
public interface TraceSink {

  /** Tracing off. */
  TraceSink OFF = (before, input, transition) -> { };

  /** The step from {@code before} on {@code input} produced {@code transition}. */
  void step(NodeState before, Input input, Transition transition);
}
