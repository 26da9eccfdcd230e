package io.refraft.verification.harness;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.refraft.verification.fault.FaultKind;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The run's outputs beside the history: {@code results.json} (machine-readable verdicts), the
 * one-line summary the command prints last, and {@code index.html}, a self-contained page (inline
 * SVG, no script) with verdicts, anomaly explanations, the nemesis timeline and the plots.
 */
public final class Report {
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private Report() {}

  /**
   * The last stdout line:
   * {@code {"valid","ops","ok","info","fail","anomalies","nemesis_events","trace_valid","report","live","seed"}},
   * and {@code snapshot_catch_ups} with the compact nemesis.
   */
  public static ObjectNode summary(RunResult r, Path report) {
    int[] c = HarnessRun.counts(r.history());
    ObjectNode o = JSON.createObjectNode();
    putValidity(o, "valid", r.validity());
    o.put("ops", c[0] + c[1] + c[2]);
    o.put("ok", c[0]);
    o.put("info", c[1]);
    o.put("fail", c[2]);
    ArrayNode a = o.putArray("anomalies");
    r.anomalies().forEach(a::add);
    o.put("nemesis_events", r.events().size());
    o.put("trace_valid", r.traces().valid());
    o.put("report", report.toString());
    o.put("live", r.liveness().live());
    o.put("seed", r.config().seed());
    if (r.config().nemeses().contains(FaultKind.COMPACT)) {
      o.put("snapshot_catch_ups", r.caughtUpBySnapshot());
    }
    return o;
  }

  private static void putValidity(ObjectNode o, String field, Validity v) {
    switch (v) {
      case VALID -> o.put(field, true);
      case INVALID -> o.put(field, false);
      case UNKNOWN -> o.put(field, "unknown");
    }
  }

  /** Writes {@code results.json} and {@code index.html} into the run's directory; returns the page. */
  public static Path write(RunResult r) throws IOException {
    Path dir = r.config().out();
    Stats stats = Stats.of(r.history());
    atomically(dir.resolve("results.json"), JSON.writeValueAsString(results(r, stats)) + "\n");
    Path page = dir.resolve("index.html");
    atomically(page, html(r, stats));
    return page;
  }

  static ObjectNode results(RunResult r, Stats stats) {
    ObjectNode o = summary(r, r.config().out().resolve("index.html"));
    TestConfig c = r.config();
    ObjectNode cfg = o.putObject("config");
    cfg.put("nodes", c.nodes()).put("time", c.seconds()).put("workload", c.workload()).put("rate", c.rate())
        .put("concurrency", c.concurrency()).put("seed", c.seed());
    ArrayNode nem = cfg.putArray("nemesis");
    c.nemeses().stream().map(FaultKind::flag).sorted().forEach(nem::add);
    ArrayNode bugs = cfg.putArray("inject_bug");
    c.bugs().forEach(bugs::add);
    ObjectNode h = o.putObject("history");
    putValidity(h, "valid", r.check().validity());
    h.put("checker", r.check().checker()).put("summary", r.check().summary());
    ArrayNode ex = h.putArray("explanations");
    r.check().explanations().forEach(ex::add);
    ObjectNode t = o.putObject("traces");
    t.put("valid", r.traces().valid()).put("steps", r.traces().events()).put("summary", r.traces().summary())
        .put("divergence", r.traces().divergence());
    ObjectNode l = o.putObject("liveness");
    l.put("live", r.liveness().live()).put("detail", r.liveness().detail());
    ObjectNode lat = o.putObject("latency_ms_ok");
    lat.put("p50", stats.okQuantile(0.5)).put("p95", stats.okQuantile(0.95)).put("p99", stats.okQuantile(0.99))
        .put("max", stats.okQuantile(1.0));
    o.put("ok_per_second", HarnessRun.counts(r.history())[0] / (double) c.seconds());
    ArrayNode events = o.putArray("nemesis");
    for (NemesisEvent e : r.events()) {
      events.addObject().put("start_s", e.startNanos() / 1e9).put("end_s", e.endNanos() / 1e9)
          .put("kind", e.kind().flag()).put("what", e.what()).put("detail", e.detail());
    }
    failover(o.putObject("failover"), Failover.of(r.history(), r.events()));
    if (c.nemeses().contains(FaultKind.COMPACT)) {
      compaction(o.putObject("compaction"), r);
    }
    return o;
  }

  /** The compact faults: how many nodes came back by snapshot, and each fault's outcome ({@link SnapshotCatchUp}). */
  private static void compaction(ObjectNode o, RunResult r) {
    o.put("caught_up", r.caughtUpBySnapshot()).put("not_caught_up", r.notCaughtUp())
        .put("summary", HarnessRun.catchUpLine(r.catchUps()));
    ArrayNode faults = o.putArray("faults");
    for (SnapshotCatchUp c : r.catchUps()) {
      ObjectNode f = faults.addObject().put("node", c.node()).put("down", c.kill() ? "kill" : "isolate")
          .put("last_index", c.lastIndex()).put("compacted_to", c.compacted()).put("outcome", c.outcome().flag());
      putSeconds(f, "seconds", c.seconds());
      f.put("detail", c.detail());
    }
  }

  /** Per fault kind on the leader: the client-visible unavailability windows ({@link Failover}). */
  private static void failover(ObjectNode o, Failover f) {
    f.summary().forEach((kind, s) -> {
      ObjectNode k = o.putObject(kind.flag());
      k.put("faults", s.faults()).put("unrecovered", s.unrecovered());
      putSeconds(k, "p50_s", s.p50Seconds());
      putSeconds(k, "max_s", s.maxSeconds());
    });
    ArrayNode windows = o.putArray("windows");
    for (Failover.Window w : f.windows()) {
      ObjectNode n = windows.addObject().put("kind", w.kind().flag()).put("what", w.what())
          .put("start_s", w.startNanos() / 1e9);
      putSeconds(n, "unavailable_s", w.recovered() ? w.seconds() : Double.NaN);
    }
  }

  private static void putSeconds(ObjectNode o, String field, double s) {
    if (Double.isNaN(s)) {
      o.putNull(field);
    } else {
      o.put(field, Math.round(s * 1000) / 1000.0);
    }
  }

  static String html(RunResult r, Stats stats) {
    TestConfig c = r.config();
    int[] n = HarnessRun.counts(r.history());
    double seconds = Math.max(c.seconds(), r.history().isEmpty() ? 1 : r.history().get(r.history().size() - 1).time() / 1e9);
    StringBuilder sb = new StringBuilder();
    sb.append("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>refraft test: ")
        .append(verdict(r.validity())).append("</title><style>")
        .append("body{font-family:sans-serif;margin:2em;max-width:1000px}td,th{padding:2px 8px;text-align:left;")
        .append("vertical-align:top}table{border-collapse:collapse}tr:nth-child(even){background:#f4f4f4}")
        .append("pre{background:#f8f8f8;padding:8px;white-space:pre-wrap}.valid{color:#1a7f37}.invalid{color:#cf222e}")
        .append(".unknown{color:#9a6700}</style></head><body>");
    sb.append("<h1>refraft test: <span class=\"").append(verdict(r.validity())).append("\">")
        .append(verdict(r.validity())).append("</span></h1>");
    sb.append("<p>").append(c.nodes()).append(" nodes, workload ").append(Html.escape(c.workload())).append(", nemesis ")
        .append(c.nemeses().isEmpty() ? "none" : Html.escape(String.join(",", c.nemeses().stream().map(FaultKind::flag).sorted().toList())))
        .append(", ").append(c.seconds()).append(" s, rate ").append(fmt(c.rate())).append("/s, concurrency ")
        .append(c.concurrency()).append(", seed ").append(c.seed())
        .append(c.bugs().isEmpty() ? "" : ", injected bugs " + Html.escape(String.join(",", c.bugs()))).append("</p>");
    sb.append("<table><tr><th>check</th><th>verdict</th><th>detail</th></tr>");
    row(sb, Html.escape(r.check().checker()), r.check().validity(), r.check().summary());
    row(sb, "traces against the spec", r.traces().valid() ? Validity.VALID : Validity.INVALID, r.traces().summary());
    traceViews(sb, r);
    row(sb, "liveness after the last heal", r.liveness().live() ? Validity.VALID : Validity.INVALID, r.liveness().detail());
    if (c.nemeses().contains(FaultKind.COMPACT)) {
      row(sb, "catch-up by snapshot", r.notCaughtUp() > 0 ? Validity.INVALID : Validity.VALID,
          HarnessRun.catchUpLine(r.catchUps()));
    }
    sb.append("</table>");
    sb.append(String.format(Locale.ROOT, "<p>%d operations: %d ok, %d info, %d fail; %.1f ok/s. "
        + "Latency of ok operations: p50 %s, p95 %s, p99 %s, max %s ms.</p>", n[0] + n[1] + n[2], n[0], n[1], n[2],
        n[0] / (double) c.seconds(), fmt(stats.okQuantile(0.5)), fmt(stats.okQuantile(0.95)), fmt(stats.okQuantile(0.99)),
        fmt(stats.okQuantile(1.0))));
    anomalies(sb, r);
    failoverTable(sb, Failover.of(r.history(), r.events()));
    compactionTable(sb, r);
    sb.append("<h2>Latency</h2>").append(Svg.latency(stats, r.events(), seconds));
    sb.append("<h2>Throughput</h2>").append(Svg.throughput(stats, r.events(), seconds));
    nodeMetrics(sb, r, seconds);
    timeline(sb, r);
    sb.append("<h2>Files</h2><ul>");
    for (String f : new String[] {"history.edn", "history.jsonl", "results.json", "traces/", HarnessRun.VIEW}) {
      sb.append("<li><a href=\"").append(f).append("\">").append(f).append("</a></li>");
    }
    for (int i = 0; i < c.nodes(); i++) {
      String log = LocalCluster.id(i) + ".log";
      sb.append("<li><a href=\"").append(log).append("\">").append(log).append("</a></li>");
    }
    r.check().artifacts().forEach(a -> sb.append("<li><a href=\"").append(Html.escape(a)).append("\">")
        .append(Html.escape(a)).append("</a></li>"));
    return sb.append("</ul></body></html>\n").toString();
  }

  /** Plots of the nodes' {@code /metrics}, scraped every second during the run. */
  private static void nodeMetrics(StringBuilder sb, RunResult r, double seconds) {
    sb.append("<h2>Node metrics</h2>");
    if (r.metrics().isEmpty()) {
      sb.append("<p>No scrape of the nodes' /metrics succeeded.</p>");
      return;
    }
    sb.append("<p>From each node's <code>GET /metrics</code>, scraped every second; a gap is a node that did not "
        + "answer (killed or paused).</p>");
    int n = r.config().nodes();
    List<List<double[]>> commit = new ArrayList<>();
    List<List<double[]>> fsyncs = new ArrayList<>();
    List<List<double[]>> changes = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      commit.add(MetricsSampler.points(r.metrics(), i, "refraft_raft_commit_index"));
      fsyncs.add(MetricsSampler.rate(MetricsSampler.points(r.metrics(), i, "refraft_storage_fsyncs_total")));
      changes.add(MetricsSampler.increase(MetricsSampler.points(r.metrics(), i, "refraft_raft_leader_changes_seen_total")));
    }
    sb.append("<h3>Commit index</h3>").append(Svg.nodeLines("refraft_raft_commit_index by time (s)", commit,
        r.events(), seconds));
    sb.append("<h3>fsyncs per second</h3>").append(Svg.nodeLines("rate of refraft_storage_fsyncs_total by time (s)",
        fsyncs, r.events(), seconds));
    sb.append("<h3>Leader changes seen since the first scrape</h3>").append(Svg.nodeLines(
        "increase of refraft_raft_leader_changes_seen_total by time (s)", changes, r.events(), seconds));
  }

  /** Links to the run's trace view: the whole run, each node's steps, the divergence. */
  private static void traceViews(StringBuilder sb, RunResult r) {
    String view = r.traces().view();
    if (view.isEmpty()) {
      return;
    }
    sb.append("<tr><td>trace view</td><td colspan=\"2\"><a href=\"").append(Html.escape(view)).append("\">the run</a>");
    for (int i = 0; i < r.config().nodes(); i++) {
      String id = LocalCluster.id(i);
      sb.append(" · <a href=\"").append(Html.escape(view)).append("#node=").append(id).append("\">").append(id)
          .append("</a>");
    }
    if (!r.traces().valid()) {
      sb.append(" · <a href=\"").append(Html.escape(view)).append("#divergence\">the first divergence</a>");
    }
    sb.append("</td></tr>");
  }

  private static void anomalies(StringBuilder sb, RunResult r) {
    if (r.check().explanations().isEmpty() && r.traces().valid() && r.liveness().live()) {
      return;
    }
    sb.append("<h2>Anomalies</h2>");
    for (String e : r.check().explanations()) {
      sb.append("<pre>").append(Html.escape(e)).append("</pre>");
    }
    if (!r.traces().valid()) {
      sb.append("<h3>Trace divergence</h3><pre>").append(Html.escape(r.traces().divergence())).append("</pre>");
      if (!r.traces().view().isEmpty()) {
        sb.append("<p><a href=\"").append(Html.escape(r.traces().view()))
            .append("#divergence\">See it in the trace view</a></p>");
      }
    }
  }

  private static void failoverTable(StringBuilder sb, Failover f) {
    if (f.windows().isEmpty()) {
      return;
    }
    sb.append("<h2>Failover</h2><p>From each fault on the leader to the first write acknowledged that a client ")
        .append("invoked after it.</p><table><tr><th>fault</th><th>faults</th><th>p50 (s)</th><th>max (s)</th>")
        .append("<th>never recovered</th></tr>");
    f.summary().forEach((kind, s) -> sb.append(String.format(Locale.ROOT,
        "<tr><td>%s</td><td>%d</td><td>%s</td><td>%s</td><td>%d</td></tr>", kind.flag(), s.faults(),
        fmt3(s.p50Seconds()), fmt3(s.maxSeconds()), s.unrecovered())));
    sb.append("</table>");
  }

  private static void compactionTable(StringBuilder sb, RunResult r) {
    if (r.catchUps().isEmpty()) {
      return;
    }
    sb.append("<h2>Compaction</h2><p>Each compact fault: the node went down, the others compacted their logs, ")
        .append("it came back and had to catch up by InstallSnapshot.</p><table><tr><th>node</th><th>down by</th>")
        .append("<th>its last index</th><th>others compacted to</th><th>outcome</th><th>detail</th></tr>");
    for (SnapshotCatchUp c : r.catchUps()) {
      sb.append(String.format(Locale.ROOT, "<tr><td>%s</td><td>%s</td><td>%d</td><td>%d</td><td>%s</td><td>%s</td></tr>",
          c.node(), c.kill() ? "kill -9" : "isolation", c.lastIndex(), c.compacted(), c.outcome().flag(),
          Html.escape(c.detail())));
    }
    sb.append("</table>");
  }

  private static String fmt3(double d) {
    return Double.isNaN(d) ? "-" : String.format(Locale.ROOT, "%.3f", d);
  }

  private static void timeline(StringBuilder sb, RunResult r) {
    sb.append("<h2>Nemesis timeline</h2>");
    if (r.events().isEmpty()) {
      sb.append("<p>No faults.</p>");
      return;
    }
    sb.append("<table><tr><th>start (s)</th><th>healed (s)</th><th>fault</th><th>observed</th></tr>");
    for (NemesisEvent e : r.events()) {
      sb.append(String.format(Locale.ROOT, "<tr><td>%.2f</td><td>%s</td><td style=\"background:%s\">%s</td><td>%s</td></tr>",
          e.startNanos() / 1e9, e.endNanos() < 0 ? "-" : String.format(Locale.ROOT, "%.2f", e.endNanos() / 1e9),
          Svg.colour(e.kind()), Html.escape(e.what()), Html.escape(e.detail())));
    }
    sb.append(String.format(Locale.ROOT, "<tr><td>%.2f</td><td></td><td>heal everything</td><td>%s</td></tr></table>",
        r.healedAtNanos() / 1e9, Html.escape(r.liveness().detail())));
  }

  private static void row(StringBuilder sb, String name, Validity v, String detail) {
    sb.append("<tr><td>").append(name).append("</td><td class=\"").append(verdict(v)).append("\">").append(verdict(v))
        .append("</td><td>").append(Html.escape(detail)).append("</td></tr>");
  }

  private static String verdict(Validity v) {
    return v.name().toLowerCase(Locale.ROOT);
  }

  private static String fmt(double d) {
    return Double.isNaN(d) ? "-" : String.format(Locale.ROOT, "%.1f", d);
  }

  /** Write to a temporary file, then rename: a reader never sees half a report. */
  private static void atomically(Path file, String text) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.writeString(tmp, text, StandardCharsets.UTF_8);
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }
}
