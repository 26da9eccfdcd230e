package io.refraft.traces;

import io.refraft.spec.Output;
import java.util.Objects;
import java.util.Optional;

/**
 * What one step made durable before any of its messages left (FORMAT.md §5.5): the hard state
 * (term and vote), a snapshot that replaces the log through its index, and/or a log suffix that
 * replaces the durable log from its first index on; storage writes them in that order.
 */
public record Persisted(Optional<Output.HardState> hardState, Optional<Output.SaveSnapshot> snapshot,
    Optional<Output.LogSuffix> log) {
  public static final Persisted NOTHING = new Persisted(Optional.empty(), Optional.empty(), Optional.empty());

  public Persisted {
    Objects.requireNonNull(hardState, "hardState");
    Objects.requireNonNull(snapshot, "snapshot");
    Objects.requireNonNull(log, "log");
  }

  /** Hard state and log suffix, no snapshot. */
  public Persisted(Optional<Output.HardState> hardState, Optional<Output.LogSuffix> log) {
    this(hardState, Optional.empty(), log);
  }

  /** The writes {@link io.refraft.spec.DurableState#writesTo} lists, as a trace records them. */
  public static Persisted of(java.util.List<Output.Persist> writes) {
    Optional<Output.HardState> hard = Optional.empty();
    Optional<Output.SaveSnapshot> snap = Optional.empty();
    Optional<Output.LogSuffix> log = Optional.empty();
    for (Output.Persist w : writes) {
      switch (w) {
        case Output.HardState h -> hard = Optional.of(h);
        case Output.SaveSnapshot s -> snap = Optional.of(s);
        case Output.LogSuffix l -> log = Optional.of(l);
      }
    }
    return hard.isEmpty() && snap.isEmpty() && log.isEmpty() ? NOTHING : new Persisted(hard, snap, log);
  }

  public boolean isEmpty() {
    return hardState.isEmpty() && snapshot.isEmpty() && log.isEmpty();
  }
}
