package io.refraft.impl.server;

import io.refraft.impl.kv.KvOp;
import io.refraft.impl.kv.Result;
import java.util.Optional;

/**
 * What a client's request gets from the node's key-value state: the KV API's view of
 * {@link KvService} (and the simulator's clients'). An interface so that a test instrument can wrap
 * it (the planted {@code ack-before-commit} bug of {@code impl.planted}). Any thread.
 */
public interface KvAnswers {

  /** The answer to the client whose proposal of {@code op} completed with {@code index}, unless forgotten. */
  Optional<Result> answer(long index, KvOp op);

  /**
   * Answers a read-only op from the current state: after a confirmed ReadIndex once the read index
   * is applied (linearizable), or at once (a stale read).
   */
  Result read(KvOp op);
}
