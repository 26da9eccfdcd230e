package io.refraft.verification.harness;

import io.refraft.verification.history.History;
import java.util.List;
import java.util.Objects;

/**
 * Everything a run produced, for the verdict, {@code results.json} and the report.
 *
 * @param workloadEndNanos when the clients stopped invoking (recorder time)
 * @param healedAtNanos    when the last fault was healed
 * @param metrics          the nodes' {@code /metrics} scraped during the run ({@link MetricsSampler#SERIES})
 */
public record RunResult(TestConfig config, History history, NemesisSchedule schedule, List<NemesisEvent> events,
    Workload.Check check, HarnessRun.TraceCheck traces, HarnessRun.Liveness liveness, long workloadEndNanos,
    long healedAtNanos, List<MetricsSampler.Sample> metrics) {
  public RunResult {
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(history, "history");
    events = List.copyOf(events);
    Objects.requireNonNull(check, "check");
    Objects.requireNonNull(traces, "traces");
    Objects.requireNonNull(liveness, "liveness");
    metrics = List.copyOf(metrics);
  }

  /** History, traces and liveness together: invalid if any is, else unknown if the history check is. */
  public Validity validity() {
    Validity v = check.validity();
    if (!traces.valid() || !liveness.live()) {
      v = v.and(Validity.INVALID);
    }
    return v;
  }

  /** The anomalies behind an invalid verdict, by name. */
  public List<String> anomalies() {
    java.util.List<String> out = new java.util.ArrayList<>(check.anomalyTypes());
    if (!traces.valid()) {
      out.add("trace-divergence");
    }
    if (!liveness.live()) {
      out.add("not-live");
    }
    return List.copyOf(out);
  }
}
