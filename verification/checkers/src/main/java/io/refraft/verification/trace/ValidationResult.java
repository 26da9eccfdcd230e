package io.refraft.verification.trace;

import java.util.Objects;
import java.util.Optional;

/**
 * The verdict on one trace (a self-contained file or the per-node files of one run).
 *
 * @param events       steps validated (up to and including a divergent one)
 * @param nodes        nodes in the header
 * @param compositions steps explained only by a composition of several spec steps
 * @param fullChecks   times the spec's state invariants ran on the whole reconstructed cluster
 * @param lostSteps    steps a restart rolled back because a crash lost them before anyone observed
 *                     them (traces/FORMAT.md §5.4); the trace is valid as the run without them
 */
public record ValidationResult(long events, int nodes, long compositions, long fullChecks, long lostSteps,
    Optional<Divergence> divergence) {
  public ValidationResult {
    Objects.requireNonNull(divergence, "divergence");
  }

  public boolean valid() {
    return divergence.isEmpty();
  }
}
