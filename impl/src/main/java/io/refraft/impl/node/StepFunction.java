package io.refraft.impl.node;

import io.refraft.spec.Input;
import io.refraft.spec.NodeState;
import io.refraft.spec.Raft;
import io.refraft.spec.Transition;

/**
 * The protocol step a {@link Driver} runs: {@link #RAFT}, the spec's {@link Raft#stepAsync} (the
 * driver reports what its storage made durable with {@code Input.Persisted}), in every node. An injection point like the clock or the storage, so that a test instrument can wrap the
 * step the way {@code spec.explore.Mutant} does (the planted {@code vote-twice} bug of
 * {@code impl.planted}); the driver takes no protocol decision of its own either way.
 */
@FunctionalInterface
public interface StepFunction {

  /** The spec's step, with asynchronous persistence. */
  StepFunction RAFT = Raft::stepAsync;

  /** One step from {@code state} on {@code input}; pure, like {@link Raft#stepAsync}. */
  Transition step(NodeState state, Input input);
}
