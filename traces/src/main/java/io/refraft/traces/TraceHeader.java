package io.refraft.traces;

import io.refraft.spec.Config;
import io.refraft.spec.NodeId;
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
 */
public record TraceHeader(int version, Config config, Optional<NodeId> node, NetworkModel network,
    Persistence persistence, Source source) {

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
    if (version != VERSION) {
      throw new IllegalArgumentException("unsupported version " + version + " (this reader knows " + VERSION + ")");
    }
    if (node.isPresent() && !config.isMember(node.get())) {
      throw new IllegalArgumentException("node " + node.get() + " is not one of " + config.members());
    }
  }

  /** A self-contained trace's header. */
  public static TraceHeader of(Config config, NetworkModel network, Persistence persistence, Source source) {
    return new TraceHeader(VERSION, config, Optional.empty(), network, persistence, source);
  }

  /** This header for the per-node file of {@code id}. */
  public TraceHeader forNode(NodeId id) {
    return new TraceHeader(version, config, Optional.of(id), network, persistence, source);
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
