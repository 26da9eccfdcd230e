package io.refraft.impl.server;

import io.refraft.impl.kv.KvStateMachine;
import io.refraft.impl.kv.KvOp;
import io.refraft.impl.kv.Result;
import io.refraft.impl.node.InjectedBug;
import io.refraft.impl.node.RecordingStateMachine;
import io.refraft.impl.node.StateMachine;
import java.util.Optional;
import java.util.Set;

/**
 * The node's state machine: every committed entry goes to the {@link KvStateMachine}, and to a
 * {@link RecordingStateMachine} whose digest {@code /status} reports. The result of each applied
 * index is kept in a ring, so the HTTP handler whose proposal completed with that index can answer
 * the client with it.
 *
 * <p>Thread-safety: {@link #apply} runs on the driver's state thread; {@link #read} and
 * {@link #result} on HTTP threads. One monitor serializes them, so a read sees the state between
 * two applies, never during one (the KV state machine itself is not thread-safe).
 *
 * <p>Public for the deterministic simulator, which runs this same class in its simulated nodes.
 */
public final class KvService implements StateMachine {
  /** Results older than this many indexes are dropped; a handler waits far fewer entries than that. */
  private static final int RING = 1 << 16;

  private final KvStateMachine kv;
  private final RecordingStateMachine recording;
  private final boolean ackBeforeCommit;
  private final long[] ringIndex = new long[RING];
  private final Result[] ringResult = new Result[RING];

  /** Without planted bugs. */
  public KvService() {
    this(Set.of(), false);
  }

  /**
   * @param bugs       planted bugs; {@code no-session} and {@code ack-before-commit} live here
   * @param keepApplied whether the {@link #recording()} keeps every applied command (simulator) or only
   *     counts and digests them (node)
   */
  public KvService(Set<InjectedBug> bugs, boolean keepApplied) {
    kv = new KvStateMachine(KvStateMachine.DEFAULT_SESSION_TTL_MILLIS, KvStateMachine.DEFAULT_MAX_SESSIONS,
        bugs.contains(InjectedBug.NO_SESSION));
    recording = new RecordingStateMachine(keepApplied);
    ackBeforeCommit = bugs.contains(InjectedBug.ACK_BEFORE_COMMIT);
  }

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
  public synchronized Optional<Result> result(long index) {
    int slot = (int) (index & (RING - 1));
    return ringIndex[slot] == index ? Optional.of(ringResult[slot]) : Optional.empty();
  }

  /**
   * The answer to the client whose proposal of {@code op} completed with {@code index}: what applying
   * it answered; or, with the planted {@code ack-before-commit} bug (the proposal completed before
   * the entry was applied), a guess from the current state.
   */
  public synchronized Optional<Result> answer(long index, KvOp op) {
    Optional<Result> r = result(index);
    if (r.isEmpty() && ackBeforeCommit && index > kv.lastApplied()) {
      return Optional.of(op instanceof KvOp.OpenSession ? new Result.SessionOpened(index) : kv.preview(op));
    }
    return r;
  }

  /**
   * Answers a read-only op from the current state: after a confirmed ReadIndex once the read index
   * is applied (linearizable), or at once (a stale read).
   */
  public synchronized Result read(KvOp op) {
    return kv.read(op);
  }

  public synchronized long lastApplied() {
    return kv.lastApplied();
  }

  public RecordingStateMachine recording() {
    return recording;
  }
}
