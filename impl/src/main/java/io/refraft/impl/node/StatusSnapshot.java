package io.refraft.impl.node;

import io.refraft.spec.NodeId;
import io.refraft.spec.NodeState;
import io.refraft.spec.Role;
import io.refraft.traces.StateSummary;
import java.util.Map;
import java.util.TreeMap;

/**
 * One turn's end state as a driver publishes it for other threads: a reference to the immutable
 * state and three counters. The {@link NodeStatus} (role name, progress map) is built only when
 * someone reads it, once per snapshot: a node takes thousands of turns per second, and reads of its
 * status are rare. A race between two first readers builds equal copies.
 */
final class StatusSnapshot {
  private final NodeState state;
  private final long lastApplied;
  private final long syncs;
  private final long entriesSynced;
  /** Safe to publish without a lock: a record whose fields are final and whose map is immutable. */
  private NodeStatus status;

  StatusSnapshot(NodeState state, long lastApplied, long syncs, long entriesSynced) {
    this.state = state;
    this.lastApplied = lastApplied;
    this.syncs = syncs;
    this.entriesSynced = entriesSynced;
  }

  NodeStatus status(NodeId self) {
    NodeStatus st = status;
    if (st == null) {
      NodeState s = state;
      Map<NodeId, NodeStatus.Progress> progress = new TreeMap<>();
      if (s.role() instanceof Role.Leader l) {
        l.progress().forEach((peer, p) -> progress.put(peer, new NodeStatus.Progress(p.match(), p.next())));
      }
      st = new NodeStatus(self, StateSummary.roleName(s.role()), s.term(), s.leader(), s.commitIndex(),
          s.log().lastIndex(), lastApplied, progress, syncs, entriesSynced, s.log());
      status = st;
    }
    return st;
  }
}
