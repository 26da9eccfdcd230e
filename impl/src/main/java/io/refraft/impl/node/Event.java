package io.refraft.impl.node;

import io.refraft.spec.Message;
import java.util.concurrent.CompletableFuture;

/** What other threads post to a driver's mailbox; only the driver's thread consumes them. */
sealed interface Event {

  /** A decoded message from a peer, with the sender's sequence number for it. */
  record Deliver(long seq, Message message) implements Event {}

  /** The election timer armed as number {@code generation} fired; stale generations are ignored. */
  record ElectionFired(long generation) implements Event {}

  /** The heartbeat timer fired. */
  record HeartbeatFired() implements Event {}

  /** A client command and the future completed when it is applied. */
  record Propose(byte[] command, CompletableFuture<Long> result) implements Event {}

  /** A linearizable read point asked for; the future gets the read index once it is applied here. */
  record Read(CompletableFuture<Long> result) implements Event {}

  /** Stop the driver's loop after this turn. */
  record Stop() implements Event {}
}
