package io.refraft.traces;

import io.refraft.spec.Output;
import java.util.Objects;
import java.util.Optional;

/**
 * What one step made durable before any of its messages left (FORMAT.md §5.5): the hard state
 * (term and vote) and/or a log suffix that replaces the durable log from its first index on.
 */
public record Persisted(Optional<Output.HardState> hardState, Optional<Output.LogSuffix> log) {
  public static final Persisted NOTHING = new Persisted(Optional.empty(), Optional.empty());

  public Persisted {
    Objects.requireNonNull(hardState, "hardState");
    Objects.requireNonNull(log, "log");
  }

  public boolean isEmpty() {
    return hardState.isEmpty() && log.isEmpty();
  }
}
