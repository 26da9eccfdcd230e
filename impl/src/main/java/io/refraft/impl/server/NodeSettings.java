package io.refraft.impl.server;

import io.refraft.impl.node.SnapshotPolicy;
import io.refraft.impl.node.Timing;
import io.refraft.impl.tls.NodeTls;
import io.refraft.spec.NodeId;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What one node process is told on its command line.
 *
 * <p>Invariants: (1) {@code members} contains {@code id}; (2) {@code peerClients}, when given for a
 * node, is its HTTP base URL (used to redirect clients to the leader).
 *
 * @param members     every member's Raft (peer-to-peer) address, this node's included
 * @param client      where this node's HTTP API listens
 * @param peerClients members' HTTP base URLs, for redirects; may be empty
 * @param trace       where to write this node's trace (traces/FORMAT.md), if anywhere
 * @param maxRequestBytes the largest HTTP request body the KV API accepts (larger: 413)
 * @param tls         TLS for peers and clients ({@link NodeTls#NONE}: plaintext)
 * @param repair      recover from a corrupt write-ahead log or snapshot by dropping or setting aside the
 *                    damaged part ({@code FileStorage.Options#repair}) instead of refusing to start
 * @param snapshots   when the node snapshots its state machine and compacts its log
 */
public record NodeSettings(
    NodeId id, Map<NodeId, InetSocketAddress> members, InetSocketAddress client, Path data, String clusterId,
    Timing timing, Map<NodeId, String> peerClients, Optional<Path> trace, int maxRequestBytes, NodeTls tls,
    boolean repair, SnapshotPolicy snapshots) {

  /** 1 MiB: {@code CommandCodec.MAX_COMMAND_BYTES}, the largest command the log accepts. */
  public static final int DEFAULT_MAX_REQUEST_BYTES = 1024 * 1024;

  public NodeSettings {
    Objects.requireNonNull(id, "id");
    members = java.util.Collections.unmodifiableMap(new TreeMap<>(members));
    if (!members.containsKey(id)) {
      throw new IllegalArgumentException("the member list " + members.keySet() + " does not contain this node, " + id);
    }
    Objects.requireNonNull(client, "client");
    Objects.requireNonNull(data, "data");
    Objects.requireNonNull(clusterId, "clusterId");
    Objects.requireNonNull(timing, "timing");
    peerClients = Map.copyOf(peerClients);
    Objects.requireNonNull(trace, "trace");
    if (maxRequestBytes < 1) {
      throw new IllegalArgumentException("the request size limit must be >= 1 byte, got " + maxRequestBytes);
    }
    Objects.requireNonNull(tls, "tls");
    Objects.requireNonNull(snapshots, "snapshots");
  }

  /** Without repair, with the default snapshot policy. */
  public NodeSettings(NodeId id, Map<NodeId, InetSocketAddress> members, InetSocketAddress client, Path data,
      String clusterId, Timing timing, Map<NodeId, String> peerClients, Optional<Path> trace, int maxRequestBytes,
      NodeTls tls) {
    this(id, members, client, data, clusterId, timing, peerClients, trace, maxRequestBytes, tls, false,
        SnapshotPolicy.DEFAULT);
  }

  /** Plaintext settings. */
  public NodeSettings(NodeId id, Map<NodeId, InetSocketAddress> members, InetSocketAddress client, Path data,
      String clusterId, Timing timing, Map<NodeId, String> peerClients, Optional<Path> trace, int maxRequestBytes) {
    this(id, members, client, data, clusterId, timing, peerClients, trace, maxRequestBytes, NodeTls.NONE);
  }

  /** Settings with the default request size limit. */
  public NodeSettings(NodeId id, Map<NodeId, InetSocketAddress> members, InetSocketAddress client, Path data,
      String clusterId, Timing timing, Map<NodeId, String> peerClients, Optional<Path> trace) {
    this(id, members, client, data, clusterId, timing, peerClients, trace, DEFAULT_MAX_REQUEST_BYTES);
  }
}
