package io.refraft.impl.node;

import io.refraft.spec.Message;
import java.util.concurrent.CompletableFuture;

/**
 * What other threads (transport, timers, clients) post to a driver's mailbox; only the driver's
 * thread consumes it, a turn at a time, turning some of it into spec {@code Input}s.
 */
sealed interface Mail {

  /** A decoded message from a peer, with the sender's sequence number for it. */
  record Deliver(long seq, Message message) implements Mail {}

  /** The election timer armed as number {@code generation} fired; stale generations are ignored. */
  record ElectionFired(long generation) implements Mail {}

  /** The heartbeat timer fired. */
  record HeartbeatFired() implements Mail {}

  /** A client command and the future completed when it is applied. */
  record Propose(byte[] command, CompletableFuture<Long> result) implements Mail {}

  /** A linearizable read point asked for; the future gets the read index once it is applied here. */
  record Read(CompletableFuture<Long> result) implements Mail {}

  /** The storage's flush that completes later ({@code Storage.syncCompletesLater}) has completed. */
  record Synced() implements Mail {}

  /** A client forces a snapshot; the future gets the newest snapshot's index after it. */
  record TakeSnapshot(CompletableFuture<Long> result) implements Mail {}

  /** A leader's snapshot arrived whole: the encoded InstallSnapshotRequest and the verified file. */
  record SnapshotArrived(String from, byte[] request, java.nio.file.Path file) implements Mail {}

  /** Stop the driver's loop after this turn. */
  record Stop() implements Mail {}
}
