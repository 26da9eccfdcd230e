package io.refraft.verification.harness;

import io.refraft.verification.fault.FaultKind;
import java.util.Objects;

/**
 * One fault as it happened, for the report's timeline.
 *
 * @param startNanos when it was injected, since the run's start
 * @param endNanos   when it was healed (-1 while active)
 * @param kind       the fault family, one of {@link FaultKind#NEMESES}
 * @param what       what was done, e.g. {@code kill -9 n2 (leader)}
 * @param detail     what was observed, e.g. the exit status or the cut links
 */
public record NemesisEvent(long startNanos, long endNanos, FaultKind kind, String what, String detail) {
  public NemesisEvent {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(what, "what");
    Objects.requireNonNull(detail, "detail");
  }
}
