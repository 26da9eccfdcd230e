package io.refraft.impl.node;

import io.refraft.spec.Input;
import io.refraft.spec.NodeState;
import io.refraft.spec.Transition;

/**
 * Receives every step the driver takes, for trace files (docs/ARCHITECTURE.md#tracing, traces/FORMAT.md). Off by
 * default: the driver tests {@code sink == OFF} once per step and builds nothing for it, so tracing
 * costs nothing then. {@link NdjsonTraceSink} writes the trace format.
 *
 * <p>Obligations: called on the node's thread, in step order; never throws (a failing writer
 * disables itself and reports once); {@link #step} only buffers, {@link #endTurn} writes. The states
 * and transition are immutable and may be kept.
 */
public interface TraceSink {

  /** Tracing off. */
  TraceSink OFF = (before, input, receivedSeq, transition, firstSentSeq) -> { };

  /**
   * The step from {@code before} on {@code input} produced {@code transition}.
   *
   * @param receivedSeq  the sender's number for a received message (its id is {@code from/to/seq}); 0
   *     for other inputs
   * @param firstSentSeq the number of the step's first {@code Send}; the others follow consecutively
   */
  void step(NodeState before, Input input, long receivedSeq, Transition transition, long firstSentSeq);

  /**
   * Write what was buffered: messages of the buffered steps are about to leave, so the trace never
   * shows a receive before its send. The driver calls it before each batch of sends (those the spec
   * released before the fsync, such as a leader's AppendEntries, and those a {@code Persisted} step
   * released after it); a node server with tracing on also calls it earlier, at the storage's {@code beforeVisible} point, after the slow meta fsync and
   * just before the first write that a kill -9 would leave behind ({@code impl.server.TraceFirstStorage}),
   * so that after a kill -9 the trace and the disk show the same turn. A second call in the same
   * turn finds nothing buffered.
   */
  default void endTurn() {}
}
