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
 * @param catchUps         what each compact fault achieved, in order (empty without the compact nemesis)
 */
public record RunResult(TestConfig config, History history, NemesisSchedule schedule, List<NemesisEvent> events,
    Workload.Check check, HarnessRun.TraceCheck traces, HarnessRun.Liveness liveness, long workloadEndNanos,
    long healedAtNanos, List<MetricsSampler.Sample> metrics, List<SnapshotCatchUp> catchUps) {
  /** A run without the compact nemesis. */
  public RunResult(TestConfig config, History history, NemesisSchedule schedule, List<NemesisEvent> events,
      Workload.Check check, HarnessRun.TraceCheck traces, HarnessRun.Liveness liveness, long workloadEndNanos,
      long healedAtNanos, List<MetricsSampler.Sample> metrics) {
    this(config, history, schedule, events, check, traces, liveness, workloadEndNanos, healedAtNanos, metrics, List.of());
  }

  public RunResult {
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(history, "history");
    events = List.copyOf(events);
    Objects.requireNonNull(check, "check");
    Objects.requireNonNull(traces, "traces");
    Objects.requireNonNull(liveness, "liveness");
    metrics = List.copyOf(metrics);
    catchUps = List.copyOf(catchUps);
  }

  /** Compact faults whose node could only come back by snapshot and did not ({@link SnapshotCatchUp.Outcome#NOT_CAUGHT_UP}). */
  public long notCaughtUp() {
    return catchUps.stream().filter(c -> c.outcome() == SnapshotCatchUp.Outcome.NOT_CAUGHT_UP).count();
  }

  /** Nodes that came back by InstallSnapshot after a compact fault. */
  public long caughtUpBySnapshot() {
    return catchUps.stream().filter(c -> c.outcome() == SnapshotCatchUp.Outcome.CAUGHT_UP).count();
  }

  /**
   * History, traces, liveness and the compact faults' catch-ups together: invalid if any is (a node
   * that could only come back by snapshot and did not), else unknown if the history check is.
   */
  public Validity validity() {
    Validity v = check.validity();
    if (!traces.valid() || !liveness.live() || notCaughtUp() > 0) {
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
    if (notCaughtUp() > 0) {
      out.add("no-snapshot-catch-up");
    }
    return List.copyOf(out);
  }
}
