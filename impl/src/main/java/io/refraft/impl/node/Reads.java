package io.refraft.impl.node;

import io.refraft.spec.Output;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;

/**
 * A driver's linearizable reads (thesis §6.4, ReadIndex) from the mailbox to their read point.
 * Owned by the state thread; every method is called there. {@link #readIndex()} is the node's; an
 * interface so that a test instrument can wrap it (the planted {@code stale-read} bug of
 * {@code impl.planted}).
 *
 * <p>Order of calls in a turn: {@link #arrived} for each read in mailbox order, then one
 * {@link #requestArrived}, the spec's answers ({@link #ready}, {@link #rejected}) as steps emit
 * them, and at the end of every turn, after the applies, {@link #serveUpTo}.
 */
public interface Reads {

  /** The node's reads: one ReadIndex request per turn serves every read of the turn. */
  static Reads readIndex() {
    return new ReadIndexReads();
  }

  /** A client asked for a read point; the future completes with it. */
  void arrived(CompletableFuture<Long> read);

  /**
   * One request id for every read arrived since the last call, for a
   * {@link io.refraft.spec.Input.ReadIndexRequest}; empty when none arrived.
   */
  OptionalLong requestArrived();

  void ready(Output.ReadReady r);

  void rejected(Output.ReadRejected r);

  /** The state machine has applied up to {@code lastApplied}: serves the reads it has reached (§6.4 step 4). */
  void serveUpTo(long lastApplied);

  /** Fails every read not served yet. */
  void failAll(Exception cause);
}
