package io.refraft.traces;

import io.refraft.spec.Config;
import io.refraft.spec.NodeId;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The first line of every trace file (FORMAT.md §3): format and version, the cluster (its
 * configuration, whose members are the node ids), where the trace came from, what the network may
 * do, how persistence is reported and, in a per-node file, whose steps follow.
 *
 * @param config      the cluster members and the protocol options every node ran with
 * @param node        present in a per-node file of a run, absent in a self-contained trace
 * @param network     what the network was allowed to do to messages
 * @param persistence whether steps list what they make durable
 * @param source      who wrote the trace
 * @param joining     servers outside the initial configuration that appear in the trace (revision 6): a
 *     server that a configuration change adds starts outside the cluster, as the spec's
 *     {@code NodeState.initial(id, config)} with {@code id} not in {@code config.members()}
 */
public record TraceHeader(int version, Config config, Optional<NodeId> node, NetworkModel network,
    Persistence persistence, Source source, List<NodeId> joining) {

  /** The format name every header carries. */
  public static final String FORMAT = "refraft-trace";
  /** The version this library reads and writes. */
  public static final int VERSION = 1;

  public TraceHeader {
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(node, "node");
    Objects.requireNonNull(network, "network");
    Objects.requireNonNull(persistence, "persistence");
    Objects.requireNonNull(source, "source");
    joining = List.copyOf(joining);
    if (new HashSet<>(joining).size() != joining.size()) {
      throw new IllegalArgumentException("'joining' names a server twice: " + joining);
    }
    for (NodeId j : joining) {
      if (config.isMember(j)) {
        throw new IllegalArgumentException("joining server " + j + " is one of the initial members " + config.members());
      }
    }
    if (version != VERSION) {
      throw new IllegalArgumentException("unsupported version " + version + " (this reader knows " + VERSION + ")");
    }
    if (node.isPresent() && !config.isMember(node.get()) && !joining.contains(node.get())) {
      throw new IllegalArgumentException("node " + node.get() + " is not one of " + config.members()
          + (joining.isEmpty() ? "" : " or of the joining servers " + joining));
    }
  }

  /** A header whose servers are the initial members alone. */
  public TraceHeader(int version, Config config, Optional<NodeId> node, NetworkModel network, Persistence persistence,
      Source source) {
    this(version, config, node, network, persistence, source, List.of());
  }

  /** Every server the trace may name: the initial members, then the joining servers. */
  public List<NodeId> servers() {
    if (joining.isEmpty()) {
      return config.members();
    }
    List<NodeId> all = new ArrayList<>(config.members());
    all.addAll(joining);
    return List.copyOf(all);
  }

  /** Whether {@code id} is one of {@link #servers()}. */
  public boolean isServer(NodeId id) {
    return config.isMember(id) || joining.contains(id);
  }

  /** This header with {@code ids} as its joining servers. */
  public TraceHeader withJoining(List<NodeId> ids) {
    return new TraceHeader(version, config, node, network, persistence, source, ids);
  }

  /** A self-contained trace's header. */
  public static TraceHeader of(Config config, NetworkModel network, Persistence persistence, Source source) {
    return new TraceHeader(VERSION, config, Optional.empty(), network, persistence, source);
  }

  /** This header for the per-node file of {@code id}. */
  public TraceHeader forNode(NodeId id) {
    return new TraceHeader(version, config, Optional.of(id), network, persistence, source, joining);
  }

  /**
   * What the network may do. Loss and reordering are always allowed (a sent message need never be
   * received, and receives may come in any order); duplicates only when declared.
   */
  public record NetworkModel(boolean duplicates) {
    public static final NetworkModel NO_DUPLICATES = new NetworkModel(false);
    public static final NetworkModel DUPLICATES = new NetworkModel(true);
  }

  /**
   * How durability is reported: {@code explicit}, each step lists what it made durable before its
   * sends left; {@code implicit}, a step's whole post-state (term, vote, log) is durable before its
   * sends leave, and steps list nothing; {@code async} (revision 3), each step lists what it handed
   * to storage, which completes later, and {@code Persisted} steps say what storage made durable
   * (the spec's {@code Raft.stepAsync}).
   */
  public enum Persistence { explicit, implicit, async }

  /**
   * Who wrote the trace.
   *
   * @param implementation e.g. {@code refraft-spec}, {@code refraft}, {@code my-raft}
   * @param description    free text: the scenario, the seed, the command
   */
  public record Source(String implementation, String description) {
    public Source {
      Objects.requireNonNull(implementation, "implementation");
      Objects.requireNonNull(description, "description");
    }
  }
}
