package io.refraft.impl.node;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * What the replicated log drives (Raft §5: "each server applies commands to its state machine in
 * log order").
 *
 * <p>Obligations the driver keeps: {@link #apply} is called on the node's one thread, for committed
 * entries only, in strictly increasing index order without gaps among client commands (no-op entries
 * a new leader appends are not passed on, so indexes may skip), and exactly once per index per node
 * lifetime: a restarted node (a new process) restores the newest snapshot into a fresh state machine
 * ({@link #restore}) and replays the log after it, or replays from index 1 without one.
 * {@link #snapshot} is called between two applies, on the same thread.
 *
 * <p>Obligations of an implementation: deterministic (same commands, same state on every node);
 * never blocks on I/O or other nodes (it runs on the state thread); never throws from
 * {@link #apply} (a command it cannot execute is a result, recorded in its state);
 * {@code restore(i, snapshot())} gives a state machine that answers every later command as this one
 * does.
 */
public interface StateMachine {

  /** Executes the command committed at {@code index}; {@code command} is owned by the callee. */
  void apply(long index, byte[] command);

  /**
   * The whole state as of the last command applied (§7), in bytes {@link #restore} accepts. The
   * caller owns the array.
   *
   * @throws UnsupportedOperationException from a state machine that cannot snapshot
   */
  default byte[] snapshot() {
    throw new UnsupportedOperationException(getClass().getName() + " cannot take snapshots");
  }

  /**
   * Replaces the whole state with {@code snapshot}, taken after the entry at {@code index} was
   * applied; {@link #apply} continues after {@code index}.
   *
   * @throws IOException when the bytes are not a snapshot of this state machine (the message says
   *     what is wrong); the state is then unchanged
   * @throws UnsupportedOperationException from a state machine that cannot snapshot
   */
  default void restore(long index, byte[] snapshot) throws IOException {
    throw new UnsupportedOperationException(getClass().getName() + " cannot restore snapshots");
  }

  /**
   * A state machine that gives each command to this one, then to {@code next} (the node: a
   * {@link RecordingStateMachine} of what was applied, then the service). Each gets the same array
   * and must not change it. Its snapshot holds both: {@code length u32 | this one's | next's}; a
   * restore that {@code next} refuses may leave this one restored (the driver stops on it).
   */
  default StateMachine andThen(StateMachine next) {
    StateMachine first = this;
    return new StateMachine() {
      @Override
      public void apply(long index, byte[] command) {
        first.apply(index, command);
        next.apply(index, command);
      }

      @Override
      public byte[] snapshot() {
        byte[] a = first.snapshot();
        byte[] b = next.snapshot();
        return ByteBuffer.allocate(4 + a.length + b.length).putInt(a.length).put(a).put(b).array();
      }

      @Override
      public void restore(long index, byte[] snapshot) throws IOException {
        ByteBuffer s = ByteBuffer.wrap(snapshot);
        int length = s.remaining() >= 4 ? s.getInt() : -1;
        if (length < 0 || length > s.remaining()) {
          throw new IOException("snapshot at index " + index + ": the first part's length (bytes 0..3) says "
              + length + ", " + s.remaining() + " bytes follow");
        }
        byte[] a = new byte[length];
        s.get(a);
        byte[] b = new byte[s.remaining()];
        s.get(b);
        first.restore(index, a);
        next.restore(index, b);
      }
    };
  }
}
