package io.refraft.impl.node;

/**
 * What the replicated log drives (Raft §5: "each server applies commands to its state machine in
 * log order").
 *
 * <p>Obligations the driver keeps: {@link #apply} is called on the node's one thread, for committed
 * entries only, in strictly increasing index order without gaps among client commands (no-op entries
 * a new leader appends are not passed on, so indexes may skip), and exactly once per index per node
 * lifetime: a restarted node (a new process) replays the log from index 1 into a fresh state machine,
 * since there are no snapshots yet.
 *
 * <p>Obligations of an implementation: deterministic (same commands, same state on every node);
 * never blocks on I/O or other nodes (it runs on the state thread); never throws (a command it
 * cannot execute is a result, recorded in its state).
 */
public interface StateMachine {

  /** Executes the command committed at {@code index}; {@code command} is owned by the callee. */
  void apply(long index, byte[] command);

  /**
   * A state machine that gives each command to this one, then to {@code next} (the node: a
   * {@link RecordingStateMachine} of what was applied, then the service). Each gets the same array
   * and must not change it.
   */
  default StateMachine andThen(StateMachine next) {
    return (index, command) -> {
      apply(index, command);
      next.apply(index, command);
    };
  }
}
