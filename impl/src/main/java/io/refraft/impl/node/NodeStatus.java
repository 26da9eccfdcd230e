package io.refraft.impl.node;

import io.refraft.spec.Log;
import io.refraft.spec.NodeId;
import io.refraft.traces.StateSummary.RoleName;
import java.util.Map;
import java.util.Optional;

/**
 * A consistent snapshot of a node taken at the end of a driver turn, readable from any thread.
 *
 * @param role          the spec role, as traces name it ({@link RoleName}; {@code /status} prints its name)
 * @param log           the whole log (immutable and structurally shared, so a snapshot is cheap)
 * @param progress      per peer, the leader's matchIndex and nextIndex; empty unless leading
 * @param syncs         Storage.sync() calls that had something to make durable
 * @param entriesSynced log entries those syncs made durable
 */
public record NodeStatus(
    NodeId id, RoleName role, long term, Optional<NodeId> leader, long commitIndex, long lastLogIndex,
    long lastApplied, Map<NodeId, Progress> progress, long syncs, long entriesSynced, Log log) {

  /** A leader's view of one follower. */
  public record Progress(long matchIndex, long nextIndex) {}

  public NodeStatus {
    progress = Map.copyOf(progress);
  }
}
