package io.refraft.verification.elle;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * What to check a history against.
 *
 * @param models             the consistency models the history must satisfy (Elle's
 *     {@code :consistency-models}); non-empty
 * @param cycleSearchTimeout time budget of the cycle search in each strongly connected component
 */
public record Options(List<ConsistencyModel> models, Duration cycleSearchTimeout) {
  public static final Duration DEFAULT_CYCLE_SEARCH_TIMEOUT = Duration.ofMillis(1000);

  public Options {
    models = List.copyOf(models);
    if (models.isEmpty()) {
      throw new IllegalArgumentException("at least one consistency model is needed");
    }
    Objects.requireNonNull(cycleSearchTimeout, "cycleSearchTimeout");
    if (cycleSearchTimeout.isNegative() || cycleSearchTimeout.isZero()) {
      throw new IllegalArgumentException("cycleSearchTimeout must be positive");
    }
  }

  /** Strict serializability with a 1000 ms per-component search budget, as Elle defaults. */
  public static Options defaults() {
    return of(ConsistencyModel.STRICT_SERIALIZABLE);
  }

  public static Options of(ConsistencyModel... models) {
    return new Options(List.of(models), DEFAULT_CYCLE_SEARCH_TIMEOUT);
  }

  public Options withCycleSearchTimeout(Duration d) {
    return new Options(models, d);
  }

  boolean needsProcessEdges() {
    return models.stream().anyMatch(ConsistencyModel::needsProcessEdges);
  }

  boolean needsRealtimeEdges() {
    return models.stream().anyMatch(ConsistencyModel::needsRealtimeEdges);
  }
}
