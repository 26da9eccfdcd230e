package io.refraft.impl.node;

import io.refraft.spec.NodeState;
import io.refraft.spec.Output;
import io.refraft.spec.Payload;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A driver's client proposals from the mailbox to their outcome: held until the leader may step
 * them ({@link #mayPropose}), then waiting in the log for their index to be applied. Owned by the
 * state thread; every method is called there. {@link #batched()} is the node's; an interface so
 * that a test instrument can wrap it (the planted {@code ack-before-commit} bug of
 * {@code impl.planted}).
 */
public interface Proposals {

  /** The node's proposals: batched while the previous batch replicates, completed once applied. */
  static Proposals batched() {
    return new BatchedProposals();
  }

  /** The commands of one {@link io.refraft.spec.Input.ClientPropose} and their futures, in order. */
  record Batch(List<Payload> commands, List<CompletableFuture<Long>> results) {}

  /** A client's command arrived: held until {@link #takeHeld}. */
  void hold(byte[] command, CompletableFuture<Long> result);

  boolean anyHeld();

  /** Whether the held proposals may be stepped now, in state {@code s}. */
  boolean mayPropose(NodeState s);

  /** Everything held, in arrival order; holds nothing afterwards. */
  Batch takeHeld();

  /** The spec appended {@code batch} at {@code a.firstIndex()}: each future waits for its index. */
  void accepted(Output.ProposalAccepted a, Batch batch);

  /** The spec refused {@code batch} (not the leader): nothing was appended. */
  void rejected(Output.ProposalRejected r, Batch batch);

  /** A follower dropped its log from {@code index} (§5.3): proposals waiting there will not commit here. */
  void truncated(long index, Exception cause);

  /** The entry at {@code index}, of {@code term}, was applied. */
  void applied(long index, long term);

  /** Fails every proposal, held or pending. */
  void failAll(Exception cause);
}
