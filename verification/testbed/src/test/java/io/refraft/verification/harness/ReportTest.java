package io.refraft.verification.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.refraft.verification.fault.FaultKind;
import io.refraft.verification.history.History;
import io.refraft.verification.history.Keyword;
import io.refraft.verification.history.Op;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportTest {
  @TempDir Path dir;

  private static final Keyword TXN = Keyword.of("txn");

  /** 3 s of ops: in second 0 two ok, in second 1 one info, in second 2 one fail; a kill from 0.5 to 1.5 s. */
  private RunResult result(Workload.Check check, boolean tracesValid, boolean live) {
    List<Op> ops = new ArrayList<>();
    long[][] spans = {{100, 200}, {300, 450}, {1100, 1900}, {2100, 2300}};
    Op.Type[] outcome = {Op.Type.OK, Op.Type.OK, Op.Type.INFO, Op.Type.FAIL};
    for (int i = 0; i < spans.length; i++) {
      ops.add(new Op(ops.size(), Op.Type.INVOKE, (long) i, TXN, List.of(), spans[i][0] * 1_000_000, null));
      ops.add(new Op(ops.size(), outcome[i], (long) i, TXN, List.of(), spans[i][1] * 1_000_000, null));
    }
    ops.add(new Op(ops.size(), Op.Type.INFO, Recorder.NEMESIS, Keyword.of("kill"), "n1", 2_400_000_000L, null));
    TestConfig cfg = new TestConfig(3, 3, "list-append", EnumSet.of(FaultKind.KILL), 10, 2, List.of(), dir, 42, "cp",
        List.of());
    List<NemesisEvent> events = List.of(new NemesisEvent(500_000_000L, 1_500_000_000L, FaultKind.KILL,
        "kill -9 n1 <leader>", "exit status 137"));
    return new RunResult(cfg, History.of(ops), NemesisSchedule.plan(42, cfg.nemeses(), 3, 3_000_000_000L), events, check,
        new HarnessRun.TraceCheck(tracesValid, 10, "10 steps", tracesValid ? "" : "n1 line 3: expected <term 2>",
            HarnessRun.VIEW),
        new HarnessRun.Liveness(live, 2_500_000_000L, "a write was acknowledged"), 3_000_000_000L, 2_000_000_000L,
        List.of());
  }

  private static Workload.Check valid() {
    return new Workload.Check("elle", Validity.VALID, List.of(), List.of(), "4 transactions", List.of());
  }

  @Test
  void stats_count_outcomes_per_second_and_latency_quantiles() {
    Stats s = Stats.of(result(valid(), true, true).history());
    assertEquals(4, s.points().size());
    assertEquals(2, s.perSecond()[0][0]);
    assertEquals(1, s.perSecond()[1][1]);
    assertEquals(1, s.perSecond()[2][2]);
    assertEquals(100.0, s.okQuantile(0.5), 1e-9);
    assertEquals(150.0, s.okQuantile(1.0), 1e-9);
  }

  @Test
  void page_has_verdicts_plots_timeline_and_escapes_text() throws Exception {
    Path page = Report.write(result(valid(), true, true));
    String html = Files.readString(page);
    assertTrue(html.contains("<h1>refraft test: <span class=\"valid\">valid</span></h1>"), html);
    assertEquals(2, count(html, "<svg "), "latency and throughput plots");
    assertEquals(4, count(html, "<circle cx") - 3 * 2, "one dot per operation (3 legend dots per plot)");
    assertTrue(html.contains("kill -9 n1 &lt;leader&gt;"), "nemesis text is escaped");
    assertFalse(html.contains("<leader>"));
    assertTrue(html.contains("exit status 137"));
    assertFalse(html.contains("<script"), "no script: the page is static");
    // the kill's band spans 0.5..1.5 s of a 3 s axis
    Matcher band = Pattern.compile("<rect x=\"([0-9.]+)\" y=\"20\" width=\"([0-9.]+)\"[^>]*fill=\"#f4b6b6\"").matcher(html);
    assertTrue(band.find(), "a kill band");
    double plot = Svg.WIDTH - Svg.LEFT - Svg.RIGHT;
    assertEquals(Svg.LEFT + plot / 6, Double.parseDouble(band.group(1)), 0.1);
    assertEquals(plot / 3, Double.parseDouble(band.group(2)), 0.1);
  }

  @Test
  void results_json_and_summary_carry_the_verdict_fields() throws Exception {
    Report.write(result(valid(), true, true));
    JsonNode r = new ObjectMapper().readTree(dir.resolve("results.json").toFile());
    List<String> fields = new ArrayList<>();
    Iterator<String> it = Report.summary(result(valid(), true, true), dir.resolve("index.html")).fieldNames();
    it.forEachRemaining(fields::add);
    assertEquals(List.of("valid", "ops", "ok", "info", "fail", "anomalies", "nemesis_events", "trace_valid", "report",
        "live", "seed"), fields);
    assertTrue(r.get("valid").asBoolean());
    assertEquals(4, r.get("ops").asInt());
    assertEquals(2, r.get("ok").asInt());
    assertEquals(1, r.get("nemesis_events").asInt());
    assertEquals("kill", r.get("nemesis").get(0).get("kind").asText());
    assertEquals(42, r.get("config").get("seed").asLong());
  }

  /** The same run with the compact nemesis on and the given catch-ups. */
  private RunResult withCatchUps(RunResult r, List<SnapshotCatchUp> catchUps) {
    TestConfig c = r.config();
    TestConfig cfg = new TestConfig(c.nodes(), c.seconds(), c.workload(), EnumSet.of(FaultKind.KILL, FaultKind.COMPACT),
        c.rate(), c.concurrency(), c.bugs(), c.out(), c.seed(), c.classPath(), c.nodeArgs());
    return new RunResult(cfg, r.history(), r.schedule(), r.events(), r.check(), r.traces(), r.liveness(),
        r.workloadEndNanos(), r.healedAtNanos(), r.metrics(), catchUps);
  }

  @Test
  void a_node_that_could_only_come_back_by_snapshot_and_did_not_makes_the_run_invalid() throws Exception {
    SnapshotCatchUp caught = new SnapshotCatchUp("n2", true, 120, 300, SnapshotCatchUp.Outcome.CAUGHT_UP, 1.5,
        "n2 installed a leader's snapshot");
    SnapshotCatchUp idle = new SnapshotCatchUp("n1", false, 300, 300, SnapshotCatchUp.Outcome.NOT_EXERCISED, Double.NaN,
        "not exercised");
    SnapshotCatchUp stuck = new SnapshotCatchUp("n3", true, 400, 700, SnapshotCatchUp.Outcome.NOT_CAUGHT_UP, Double.NaN,
        "n3 installed no snapshot <within 30 s>");
    RunResult good = withCatchUps(result(valid(), true, true), List.of(caught, idle));
    assertEquals(Validity.VALID, good.validity());
    assertEquals(1, Report.summary(good, dir.resolve("index.html")).get("snapshot_catch_ups").asInt());
    Report.write(good);
    JsonNode c = new ObjectMapper().readTree(dir.resolve("results.json").toFile()).get("compaction");
    assertEquals(1, c.get("caught_up").asInt());
    assertEquals(List.of("caught-up", "not-exercised"), c.get("faults").findValuesAsText("outcome"));
    assertEquals(1.5, c.get("faults").get(0).get("seconds").asDouble());
    assertTrue(c.get("faults").get(1).get("seconds").isNull());

    RunResult bad = withCatchUps(result(valid(), true, true), List.of(caught, stuck));
    assertEquals(Validity.INVALID, bad.validity());
    assertEquals(List.of("no-snapshot-catch-up"), bad.anomalies());
    String html = Report.html(bad, Stats.of(bad.history()));
    assertTrue(html.contains("n3 installed no snapshot &lt;within 30 s&gt;"), "the outcome is shown, escaped");

    RunResult none = withCatchUps(result(valid(), true, true), List.of(idle));
    assertEquals(Validity.VALID, none.validity(), "a compaction that was not needed is a note, not a failure");
    assertTrue(HarnessRun.catchUpLine(none.catchUps()).contains("no node caught up by snapshot"),
        HarnessRun.catchUpLine(none.catchUps()));
    assertFalse(Report.summary(result(valid(), true, true), dir.resolve("index.html")).has("snapshot_catch_ups"),
        "only with the compact nemesis");
  }

  @Test
  void any_failing_check_makes_the_run_invalid_and_names_it() {
    Workload.Check g1c = new Workload.Check("elle", Validity.INVALID, List.of("G1c"), List.of("G1c: T1 < T2 ..."),
        "anomalies [G1c]", List.of("elle/"));
    RunResult bad = result(g1c, false, false);
    assertEquals(Validity.INVALID, bad.validity());
    assertEquals(List.of("G1c", "trace-divergence", "not-live"), bad.anomalies());
    String html = Report.html(bad, Stats.of(bad.history()));
    assertTrue(html.contains("G1c: T1 &lt; T2 ..."), "Elle's explanation is shown");
    assertTrue(html.contains("expected &lt;term 2&gt;"), "the trace divergence is shown");
    assertTrue(html.contains("<a href=\"traces.html#divergence\">"), "a link to the divergence in the trace view");
    for (String n : List.of("n1", "n2", "n3")) {
      assertTrue(html.contains("<a href=\"traces.html#node=" + n + "\">"), "a link to " + n + "'s steps in the view");
    }
    assertEquals(Validity.INVALID, result(valid(), false, true).validity());
    assertEquals(Validity.UNKNOWN, result(new Workload.Check("elle", Validity.UNKNOWN, List.of(), List.of(), "?",
        List.of()), true, true).validity());
  }

  @Test
  void node_metrics_are_plotted_per_node_with_counter_resets_taken_as_restarts() {
    List<MetricsSampler.Sample> samples = new ArrayList<>();
    double[] fsyncsN1 = {10, 30, 5, 25}; // n1 restarted between 1 s and 2 s: its counter began again
    for (int t = 0; t < 4; t++) {
      for (int node = 0; node < 3; node++) {
        long at = t * 1_000_000_000L;
        samples.add(new MetricsSampler.Sample(node, at, "refraft_raft_commit_index", 100 * t + node));
        samples.add(new MetricsSampler.Sample(node, at, "refraft_storage_fsyncs_total", node == 0 ? fsyncsN1[t] : 7 * t));
        samples.add(new MetricsSampler.Sample(node, at, "refraft_raft_leader_changes_seen_total", node == 0 ? 1 : 2));
      }
    }
    List<double[]> rate = MetricsSampler.rate(MetricsSampler.points(samples, 0, "refraft_storage_fsyncs_total"));
    assertEquals(List.of(20.0, 5.0, 20.0), rate.stream().map(p -> p[1]).toList());
    List<double[]> inc = MetricsSampler.increase(MetricsSampler.points(samples, 0, "refraft_storage_fsyncs_total"));
    assertEquals(45.0, inc.get(3)[1]);

    RunResult base = result(valid(), true, true);
    RunResult r = new RunResult(base.config(), base.history(), base.schedule(), base.events(), base.check(),
        base.traces(), base.liveness(), base.workloadEndNanos(), base.healedAtNanos(), samples);
    String html = Report.html(r, Stats.of(r.history()));
    assertEquals(5, count(html, "<svg "), "latency, throughput, and three node-metric plots");
    assertEquals(3 * 3 + 3, count(html, "<polyline fill=\"none\" stroke-width=\"1.5\" stroke=\"#"),
        "one line per node in each metric plot, plus three outcome lines in the throughput plot");
    assertTrue(html.contains("<h3>fsyncs per second</h3>"));
    assertFalse(html.contains("<script"));
    assertFalse(html.contains("href=\"http"), "the report links nothing outside the run's folder");
  }

  @Test
  void the_sampler_keeps_only_its_unlabelled_series() {
    String text = "# HELP refraft_raft_commit_index x\n# TYPE refraft_raft_commit_index gauge\n"
        + "refraft_raft_commit_index 42\nrefraft_raft_role{role=\"leader\"} 1\nrefraft_raft_term NaN\n"
        + "refraft_storage_fsyncs_total 7\n";
    List<MetricsSampler.Sample> got = MetricsSampler.parse(2, 5, text);
    assertEquals(3, got.size(), got.toString());
    assertEquals(new MetricsSampler.Sample(2, 5, "refraft_raft_commit_index", 42), got.get(0));
    assertEquals(7, got.get(2).value());
  }

  private static int count(String s, String sub) {
    int n = 0;
    for (int i = s.indexOf(sub); i >= 0; i = s.indexOf(sub, i + 1)) {
      n++;
    }
    return n;
  }
}
