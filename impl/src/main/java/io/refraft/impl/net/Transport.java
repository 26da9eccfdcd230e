package io.refraft.impl.net;

/**
 * Moves opaque byte payloads between the nodes of one cluster, named by node id ("n1").
 *
 * <p>Obligations of every implementation:
 * <ol>
 *   <li>{@link #send} never blocks and never throws for any runtime condition (peer down, queue
 *       full, transport closed, peer blocked): it enqueues the payload or drops it. Raft tolerates
 *       loss and retries (Ongaro's thesis §3.3: RPCs are retried when no response arrives), so a
 *       drop is always a correct outcome; dropping keeps the node's single state thread from ever
 *       waiting on the network.</li>
 *   <li>Delivery is at-most-once: a payload is handed to the receiver of the peer zero or one time,
 *       never duplicated. Payloads sent over one connection arrive in order, but a reconnect may
 *       lose frames that were in flight, so across reconnects there is no ordering or delivery
 *       guarantee.</li>
 *   <li>The {@link Receiver} is invoked from transport threads, possibly concurrently for different
 *       peers; it must not block (hand the payload to a mailbox and return).</li>
 * </ol>
 */
public interface Transport extends AutoCloseable {

  /** Receives payloads from peers; invoked on transport threads and must not block. */
  @FunctionalInterface
  interface Receiver {
    /**
     * Called once per received payload.
     *
     * @param from the node id the sender proved in its handshake
     * @param payload the frame's bytes; owned by the receiver from now on
     */
    void receive(String from, byte[] payload);
  }

  /**
   * Starts listening and connecting; payloads received from now on go to {@code receiver}.
   *
   * @throws IllegalStateException if called twice or after {@link #close()}
   */
  void start(Receiver receiver);

  /**
   * Enqueues {@code payload} for {@code to}, or drops it (and counts the drop). Never blocks, never
   * throws for a runtime condition; the caller must not modify {@code payload} afterwards. Null
   * arguments are programming errors and throw {@link NullPointerException}.
   */
  void send(String to, byte[] payload);

  /**
   * An administrative switch for tests and the fault-injection harness: while {@code blocked} is
   * true, every payload to {@code peer} is dropped (including those already queued) and every
   * payload received from {@code peer} is dropped before reaching the {@link Receiver}, as if the
   * network between the two nodes lost all packets. Connections stay up, so unblocking restores
   * traffic without waiting for a reconnect. Frames already handed to the kernel may still reach
   * the peer; for a clean symmetric partition, block on both sides.
   */
  void blockPeer(String peer, boolean blocked);

  /** Whether a handshaken connection to {@code peer} is currently up; for status reports only. */
  boolean connected(String peer);

  /**
   * Stops all threads, closes all sockets and releases the listening port before returning.
   * Queued payloads are dropped. Idempotent.
   */
  @Override
  void close();
}
