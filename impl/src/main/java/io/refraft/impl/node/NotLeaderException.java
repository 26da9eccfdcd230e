package io.refraft.impl.node;

import io.refraft.spec.NodeId;
import java.io.Serial;
import java.util.Optional;

/** A proposal went to a node that is not the leader; {@link #leader()} is the one it knows of. */
public final class NotLeaderException extends Exception {
  @Serial private static final long serialVersionUID = 1L;

  private final transient Optional<NodeId> leader;

  public NotLeaderException(Optional<NodeId> leader) {
    super(leader.map(l -> "not the leader; the leader is " + l).orElse("not the leader; no leader known"));
    this.leader = leader;
  }

  public Optional<NodeId> leader() {
    return leader;
  }
}
