package io.refraft.impl.server;

import io.refraft.impl.kv.KvStateMachine;
import io.refraft.impl.kv.Op;
import io.refraft.impl.kv.Result;
import io.refraft.impl.node.RecordingStateMachine;
import io.refraft.impl.node.StateMachine;
import java.util.Optional;

/**
 * The node's state machine: every committed entry goes to the {@link KvStateMachine}, and to a
 * {@link RecordingStateMachine} whose digest {@code /status} reports. The result of each applied
 * index is kept in a ring, so the HTTP handler whose proposal completed with that index can answer
 * the client with it.
 *
 * <p>Thread-safety: {@link #apply} runs on the driver's state thread; {@link #read} and
 * {@link #result} on HTTP threads. One monitor serializes them, so a read sees the state between
 * two applies, never during one (the KV state machine itself is not thread-safe).
 */
final class KvService implements StateMachine {
  /** Results older than this many indexes are dropped; a handler waits far fewer entries than that. */
  private static final int RING = 1 << 16;

  private final KvStateMachine kv = new KvStateMachine();
  private final RecordingStateMachine recording = new RecordingStateMachine(false);
  private final long[] ringIndex = new long[RING];
  private final Result[] ringResult = new Result[RING];

  @Override
  public synchronized void apply(long index, byte[] command) {
    recording.apply(index, command);
    // the driver skips the leader's no-op entries (StateMachine's contract), the KV state machine
    // wants every index: feed it the skipped ones as no-ops (an empty payload)
    for (long i = kv.lastApplied() + 1; i < index; i++) {
      kv.apply(i, new byte[0]);
    }
    Result r = kv.apply(index, command);
    int slot = (int) (index & (RING - 1));
    ringIndex[slot] = index;
    ringResult[slot] = r;
  }

  /** What applying {@code index} answered, unless it is too old to be remembered. */
  synchronized Optional<Result> result(long index) {
    int slot = (int) (index & (RING - 1));
    return ringIndex[slot] == index ? Optional.of(ringResult[slot]) : Optional.empty();
  }

  /**
   * Answers a read-only op from the current state: after a confirmed ReadIndex once the read index
   * is applied (linearizable), or at once (a stale read).
   */
  synchronized Result read(Op op) {
    return kv.read(op);
  }

  synchronized long lastApplied() {
    return kv.lastApplied();
  }

  RecordingStateMachine recording() {
    return recording;
  }
}
