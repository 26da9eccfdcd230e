package io.refraft.impl.net;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Settings of one node's transport.
 *
 * <p>Invariants: (1) ids are valid handshake ids ({@link Hello#checkId}); (2) {@code peers} does not
 * contain {@code nodeId}; (3) {@code queueCapacity >= 1}; (4) {@code maxFrameBytes} is at least
 * {@link Hello#MAX_BYTES}; (5) {@code 0 < backoffMin <= backoffMax}; (6) timeouts are positive.
 *
 * @param nodeId this node's id
 * @param clusterId the cluster both ends of a connection must share
 * @param peers the other nodes' ids; a handshake from any other id is refused
 * @param listen address to accept connections on; port 0 picks a free port
 * @param queueCapacity frames queued per peer before further sends are dropped
 * @param maxFrameBytes the largest payload accepted or sent; a larger length prefix closes the
 *     connection
 * @param backoffMin first reconnect delay ceiling
 * @param backoffMax largest reconnect delay ceiling
 * @param connectTimeout bound on one TCP connect
 * @param handshakeTimeout bound on receiving the peer's handshake
 */
public record TransportConfig(
    String nodeId,
    String clusterId,
    Set<String> peers,
    InetSocketAddress listen,
    int queueCapacity,
    int maxFrameBytes,
    Duration backoffMin,
    Duration backoffMax,
    Duration connectTimeout,
    Duration handshakeTimeout) {

  public static final int DEFAULT_QUEUE_CAPACITY = 4096;

  public TransportConfig {
    Hello.checkId("node id", nodeId);
    Hello.checkId("cluster id", clusterId);
    peers = Set.copyOf(new TreeSet<>(Objects.requireNonNull(peers, "peers")));
    for (String p : peers) {
      Hello.checkId("peer id", p);
    }
    if (peers.contains(nodeId)) {
      throw new IllegalArgumentException("peers must not contain this node's own id '" + nodeId + "'");
    }
    Objects.requireNonNull(listen, "listen");
    if (queueCapacity < 1) {
      throw new IllegalArgumentException("queueCapacity must be >= 1, got " + queueCapacity);
    }
    if (maxFrameBytes < Hello.MAX_BYTES) {
      throw new IllegalArgumentException(
          "maxFrameBytes must be >= " + Hello.MAX_BYTES + ", got " + maxFrameBytes);
    }
    if (!isPositive(backoffMin) || !isPositive(backoffMax) || backoffMax.compareTo(backoffMin) < 0) {
      throw new IllegalArgumentException(
          "backoff needs 0 < backoffMin <= backoffMax, got " + backoffMin + " and " + backoffMax);
    }
    if (!isPositive(connectTimeout) || !isPositive(handshakeTimeout)) {
      throw new IllegalArgumentException("timeouts must be positive, got connectTimeout "
          + connectTimeout + " and handshakeTimeout " + handshakeTimeout);
    }
  }

  /** The defaults: 4096 frames per peer, 16 MiB frames, backoff 50 ms .. 2 s, 1 s timeouts. */
  public static TransportConfig of(String nodeId, String clusterId, Set<String> peers,
      InetSocketAddress listen) {
    return new TransportConfig(nodeId, clusterId, peers, listen, DEFAULT_QUEUE_CAPACITY,
        FrameCodec.DEFAULT_MAX_FRAME_BYTES, Duration.ofMillis(50), Duration.ofSeconds(2),
        Duration.ofSeconds(1), Duration.ofSeconds(1));
  }

  public TransportConfig withQueueCapacity(int capacity) {
    return new TransportConfig(nodeId, clusterId, peers, listen, capacity, maxFrameBytes,
        backoffMin, backoffMax, connectTimeout, handshakeTimeout);
  }

  public TransportConfig withMaxFrameBytes(int max) {
    return new TransportConfig(nodeId, clusterId, peers, listen, queueCapacity, max,
        backoffMin, backoffMax, connectTimeout, handshakeTimeout);
  }

  public TransportConfig withBackoff(Duration min, Duration max) {
    return new TransportConfig(nodeId, clusterId, peers, listen, queueCapacity, maxFrameBytes,
        min, max, connectTimeout, handshakeTimeout);
  }

  public TransportConfig withListen(InetSocketAddress address) {
    return new TransportConfig(nodeId, clusterId, peers, address, queueCapacity, maxFrameBytes,
        backoffMin, backoffMax, connectTimeout, handshakeTimeout);
  }

  public TransportConfig withHandshakeTimeout(Duration timeout) {
    return new TransportConfig(nodeId, clusterId, peers, listen, queueCapacity, maxFrameBytes,
        backoffMin, backoffMax, connectTimeout, timeout);
  }

  /** Whether this node dials {@code peer}: the node with the smaller id dials (see TcpTransport). */
  public boolean dials(String peer) {
    return nodeId.compareTo(peer) < 0;
  }

  private static boolean isPositive(Duration d) {
    return d != null && !d.isNegative() && !d.isZero();
  }
}
