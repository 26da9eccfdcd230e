package io.refraft.impl.server;

import io.refraft.impl.kv.KvOp;
import io.refraft.impl.kv.KvStateMachine;
import io.refraft.impl.kv.MalformedSnapshotException;
import io.refraft.impl.kv.Result;
import io.refraft.impl.node.StateMachine;
import java.io.IOException;
import java.util.Optional;

/**
 * The node's key-value service: every committed entry goes to the {@link KvStateMachine}, and the
 * result of each applied index is kept in a ring, so the HTTP handler whose proposal completed with
 * that index can answer the client with it. (What was applied is counted and digested for
 * {@code /status} by a {@code RecordingStateMachine} the composition root puts before this one.)
 *
 * <p>Thread-safety: {@link #apply} runs on the driver's state thread; {@link #read} and
 * {@link #result} on HTTP threads. One monitor, this object's, serializes them, so a read sees the
 * state between two applies, never during one (the KV state machine itself is not thread-safe); a
 * caller may hold it to make several calls one step.
 *
 * <p>Public for the deterministic simulator, which runs this same class in its simulated nodes.
 */
public final class KvService implements StateMachine, KvAnswers {
  /** Results older than this many indexes are dropped; a handler waits far fewer entries than that. */
  private static final int RING = 1 << 16;

  private final KvStateMachine kv = new KvStateMachine();
  private final long[] ringIndex = new long[RING];
  private final Result[] ringResult = new Result[RING];

  @Override
  public synchronized void apply(long index, byte[] command) {
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

  /** {@link KvStateMachine#snapshot()}: the canonical JSON of data and sessions. */
  @Override
  public synchronized byte[] snapshot() {
    return kv.snapshot();
  }

  /** {@link KvStateMachine#restore}; results remembered for earlier indexes are forgotten. */
  @Override
  public synchronized void restore(long index, byte[] snapshot) throws IOException {
    try {
      kv.restore(snapshot);
    } catch (MalformedSnapshotException e) {
      throw new IOException("the KV snapshot at index " + index + " does not restore: " + e.getMessage(), e);
    }
    if (kv.lastApplied() > index) {
      // at most index: the driver passes no no-op entries on, so trailing ones are applied only later
      throw new IOException("the KV snapshot at index " + index + " says it was taken at index " + kv.lastApplied());
    }
    java.util.Arrays.fill(ringIndex, 0);
    java.util.Arrays.fill(ringResult, null);
  }

  /** What applying {@code index} answered, unless it is too old to be remembered. */
  public synchronized Optional<Result> result(long index) {
    int slot = (int) (index & (RING - 1));
    return ringIndex[slot] == index ? Optional.of(ringResult[slot]) : Optional.empty();
  }

  /** What applying {@code index} answered: the answer to the client whose proposal completed with it. */
  @Override
  public Optional<Result> answer(long index, KvOp op) {
    return result(index);
  }

  @Override
  public synchronized Result read(KvOp op) {
    return kv.read(op);
  }

  /** What applying {@code op} now would answer, changing nothing ({@link KvStateMachine#preview}). */
  public synchronized Result preview(KvOp op) {
    return kv.preview(op);
  }

  public synchronized long lastApplied() {
    return kv.lastApplied();
  }
}
