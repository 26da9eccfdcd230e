package io.refraft.spec;

import java.util.Objects;
import java.util.Optional;

/**
 * What a server keeps on stable storage before answering any RPC (Figure 2, "Persistent state on
 * all servers"): {@code currentTerm}, {@code votedFor} and the log.
 */
public record DurableState(long term, Optional<NodeId> votedFor, Log log) {
  public static final DurableState EMPTY = new DurableState(0, Optional.empty(), Log.EMPTY);

  public DurableState {
    if (term < 0) {
      throw new IllegalArgumentException("term must be >= 0, got " + term);
    }
    Objects.requireNonNull(votedFor, "votedFor");
    Objects.requireNonNull(log, "log");
    if (log.lastTerm() > term) {
      throw new IllegalArgumentException("log holds term " + log.lastTerm() + " beyond currentTerm " + term);
    }
  }
}
