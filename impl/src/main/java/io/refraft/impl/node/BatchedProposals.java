package io.refraft.impl.node;

import io.refraft.spec.NodeState;
import io.refraft.spec.Output;
import io.refraft.spec.Payload;
import io.refraft.spec.Role;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

/**
 * The node's {@link Proposals}: held until the leader may step them ({@link #mayPropose}, a
 * self-clocked batching window), then waiting in the log for their index to be applied, which
 * completes them. Owned by the state thread.
 */
final class BatchedProposals implements Proposals {
  /**
   * A leader's uncommitted proposal batches beyond which new proposals wait: one batch replicates
   * while the next accumulates. Measured against two with `impl/bench/commit-bench.sh 15 64`
   * (BENCHMARKS.md, "The node"): one gave more entries per fsync (18–20 against 14.5) at
   * the same or better throughput, because on shared cores the CPU saved per entry outweighs the
   * pipelining lost.
   */
  static final int MAX_BATCHES_IN_FLIGHT = 1;

  /** A proposal accepted at some index in {@code term}, waiting to be applied. */
  private record Pending(long term, CompletableFuture<Long> result) {}

  private final List<Payload> heldCommands = new ArrayList<>();
  private final List<CompletableFuture<Long>> heldResults = new ArrayList<>();
  /** The last index of each batch this leader stepped that is not committed yet, oldest first. */
  private final ArrayDeque<Long> batchesInFlight = new ArrayDeque<>();
  private long batchesTerm;
  private final TreeMap<Long, Pending> pending = new TreeMap<>();

  @Override
  public void hold(byte[] command, CompletableFuture<Long> result) {
    heldCommands.add(Payload.Data.wrap(command));
    heldResults.add(result);
  }

  @Override
  public boolean anyHeld() {
    return !heldResults.isEmpty();
  }

  /**
   * Whether the held proposals may be stepped now: always on a follower or candidate (the spec
   * rejects them with the leader's name at once), and on a leader while fewer than
   * {@link #MAX_BATCHES_IN_FLIGHT} of its batches are uncommitted. This is a self-clocked batching
   * window without a timer (Nagle's algorithm, RFC 896, applied to log entries): an idle leader
   * steps a proposal in the turn it arrives, while under load the proposals that arrive during a
   * replication round wait for the round's commit and then go out together, as one log append, one
   * fsync and one AppendEntries per follower. The batch grows with the load instead of with the turn
   * rate, which on a fast disk is set by the CPU, not by the fsync. It takes no protocol decision:
   * the spec sees the same {@link io.refraft.spec.Input.ClientPropose}, only later.
   */
  @Override
  public boolean mayPropose(NodeState s) {
    if (!(s.role() instanceof Role.Leader)) {
      batchesInFlight.clear();
      return true;
    }
    if (s.term() != batchesTerm) {
      batchesInFlight.clear();
      batchesTerm = s.term();
    }
    while (!batchesInFlight.isEmpty() && batchesInFlight.peekFirst() <= s.commitIndex()) {
      batchesInFlight.removeFirst();
    }
    return batchesInFlight.size() < MAX_BATCHES_IN_FLIGHT;
  }

  @Override
  public Batch takeHeld() {
    Batch b = new Batch(List.copyOf(heldCommands), List.copyOf(heldResults));
    heldCommands.clear();
    heldResults.clear();
    return b;
  }

  @Override
  public void accepted(Output.ProposalAccepted a, Batch batch) {
    // Only a leader accepts, and mayPropose has just set batchesTerm to its term.
    batchesInFlight.addLast(a.firstIndex() + a.count() - 1);
    for (int i = 0; i < a.count(); i++) {
      pending.put(a.firstIndex() + i, new Pending(a.term(), batch.results().get(i)));
    }
  }

  @Override
  public void rejected(Output.ProposalRejected r, Batch batch) {
    NotLeaderException e = new NotLeaderException(r.leader());
    batch.results().forEach(f -> f.completeExceptionally(e));
  }

  @Override
  public void truncated(long index, Exception cause) {
    Map<Long, Pending> dropped = pending.tailMap(index, true);
    dropped.values().forEach(p -> p.result().completeExceptionally(cause));
    dropped.clear();
  }

  /**
   * The entry at {@code index}, of {@code term}, was applied: its proposal, if this node accepted
   * one there, succeeded when the terms match and was replaced by another leader's entry otherwise.
   */
  @Override
  public void applied(long index, long term) {
    Pending p = pending.remove(index);
    if (p == null) {
      return;
    }
    if (p.term() == term) {
      p.result().complete(index);
    } else {
      p.result().completeExceptionally(new ProposalLostException(
          "entry " + index + " was committed from term " + term + ", not the proposal's " + p.term()));
    }
  }

  @Override
  public void failAll(Exception cause) {
    pending.values().forEach(p -> p.result().completeExceptionally(cause));
    pending.clear();
    heldResults.forEach(f -> f.completeExceptionally(cause));
    heldResults.clear();
    heldCommands.clear();
  }
}
