package io.refraft.impl.net;

import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Everything the transport keeps about one peer across connections: the outbound queue, the block
 * switch, the current connection and the counters.
 *
 * <p>Invariant: at most one current connection; installing a new one hands back the old one for
 * the caller to close, so the newest handshake always wins.
 */
final class PeerLink {

  final String id;
  final OutboundQueue queue;
  volatile boolean blocked;
  final LongAdder sent = new LongAdder();
  final LongAdder received = new LongAdder();
  final LongAdder droppedBlockedOutbound = new LongAdder();
  final LongAdder droppedBlockedInbound = new LongAdder();
  final LongAdder droppedTooLarge = new LongAdder();
  final LongAdder droppedInFlight = new LongAdder();
  final LongAdder connections = new LongAdder();
  final LongAdder malformed = new LongAdder();

  private final ReentrantLock lock = new ReentrantLock();
  private Connection current;
  private boolean shutDown;

  PeerLink(String id, int queueCapacity) {
    this.id = id;
    this.queue = new OutboundQueue(queueCapacity);
  }

  /**
   * Makes {@code c} the current connection and returns the one it replaces (null if none); returns
   * {@code c} itself if the link is shut down, meaning "close this one, it was not installed".
   */
  Connection install(Connection c) {
    lock.lock();
    try {
      if (shutDown) {
        return c;
      }
      Connection old = current;
      current = c;
      connections.increment();
      return old;
    } finally {
      lock.unlock();
    }
  }

  /** Forgets {@code c} if it is still the current connection. */
  void remove(Connection c) {
    lock.lock();
    try {
      if (current == c) {
        current = null;
      }
    } finally {
      lock.unlock();
    }
  }

  /** Refuses all future installs and returns the current connection for closing (or null). */
  Connection shutDown() {
    lock.lock();
    try {
      shutDown = true;
      Connection c = current;
      current = null;
      return c;
    } finally {
      lock.unlock();
    }
  }

  boolean connected() {
    lock.lock();
    try {
      return current != null && current.isOpen();
    } finally {
      lock.unlock();
    }
  }

  PeerStats stats() {
    return new PeerStats(id, connected(), queue.size(), sent.sum(), received.sum(), queue.dropped(),
        droppedBlockedOutbound.sum(), droppedBlockedInbound.sum(), droppedTooLarge.sum(), droppedInFlight.sum(), connections.sum(),
        malformed.sum());
  }
}
