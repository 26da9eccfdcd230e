package io.refraft.verification.harness;

import io.refraft.impl.client.RefraftClient;
import io.refraft.traces.TraceFormatException;
import io.refraft.verification.fault.FaultKind;
import io.refraft.verification.history.History;
import io.refraft.verification.history.HistoryWriter;
import io.refraft.verification.history.Keyword;
import io.refraft.verification.history.Op;
import io.refraft.verification.trace.TraceValidator;
import io.refraft.verification.view.TraceView;
import io.refraft.verification.trace.ValidationResult;
import java.io.IOException;
import java.io.Writer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

/**
 * One {@code refraft test} run: start the cluster, run clients and nemesis for the configured time,
 * heal everything, wait for recovery, probe liveness, read every key, stop the nodes, check history
 * and traces. Every node process is stopped when {@link #run} returns or throws, and by a shutdown
 * hook if this JVM is interrupted first (the nodes also exit with their parent).
 */
public final class HarnessRun {
  private static final Duration RECOVERY = Duration.ofSeconds(30);
  private static final Duration CHECK_TIMEOUT = Duration.ofSeconds(120);

  private final TestConfig cfg;
  private final ProgressLog log;

  public HarnessRun(TestConfig cfg, ProgressLog log) {
    this.cfg = cfg;
    this.log = log;
  }

  /** Runs, checks, writes history files; the report is the caller's ({@link Report}). */
  public RunResult run() throws IOException, InterruptedException {
    Workload workload = Workload.named(cfg.workload());
    LocalCluster cluster = cluster();
    // unmounted in the finally below, after the nodes stopped
    Optional<NodeDisks> disks = cfg.nemeses().contains(FaultKind.DISK_FULL)
        ? Optional.of(NodeDisks.mount(cluster)) : Optional.empty();
    Thread hook = new Thread(cluster::close, "refraft-test-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    try (Admin admin = new Admin(cluster)) {
      long t0 = System.nanoTime();
      for (int i = 0; i < cfg.nodes(); i++) {
        cluster.start(i);
      }
      awaitStart(cluster, admin);
      log.line(String.format(java.util.Locale.ROOT, "cluster: %d nodes up, leader %s (%.1f s)", cfg.nodes(),
          LocalCluster.id(admin.leader()), (System.nanoTime() - t0) / 1e9));
      Recorder rec = new Recorder(System.nanoTime());
      MetricsSampler sampler = new MetricsSampler(cluster, rec::now);
      sampler.start();
      NemesisSchedule schedule = NemesisSchedule.plan(cfg.seed(), cfg.nemeses(), cfg.nodes(),
          TimeUnit.SECONDS.toNanos(cfg.seconds()));
      log.line("nemesis: seed " + cfg.seed() + ", " + schedule.entries().size() + " faults planned ("
          + (cfg.nemeses().isEmpty() ? "none" : cfg.nemeses().stream().map(FaultKind::flag).sorted().toList()) + ")");
      NemesisRunner nemesis = new NemesisRunner(cluster, admin, disks, rec, schedule, log);
      Clients clients = new Clients(workload, rec, endpoints(cluster), cfg.concurrency(), cfg.rate(), cfg.seed());
      long end = TimeUnit.SECONDS.toNanos(cfg.seconds());
      clients.start(end);
      Thread nemesisThread = Thread.ofPlatform().name("nemesis").daemon().start(nemesis);
      progress(rec, end);
      nemesis.stop();
      nemesisThread.join();
      clients.join();
      nemesis.healAll();
      long healedAt = rec.now();
      rec.nemesis(Keyword.of("heal-all"), "all");
      log.line(String.format(java.util.Locale.ROOT, "healed everything at %.2f s; waiting for recovery", healedAt / 1e9));
      boolean recovered = await(RECOVERY, () -> allUp(cluster, admin) && admin.leader() >= 0);
      Liveness live = finalPhase(workload, rec, endpoints(cluster), clients.freshProcess(), healedAt, recovered);
      log.line("liveness: " + live.detail());
      nemesis.finishCatchUps(); // after the liveness probe, which it must not delay
      if (cfg.nemeses().contains(FaultKind.COMPACT)) {
        nemesis.catchUps().stream().filter(c -> c.outcome() == SnapshotCatchUp.Outcome.NOT_CAUGHT_UP)
            .forEach(c -> log.line("compaction: not-caught-up: " + c.detail()));
        log.line(catchUpLine(nemesis.catchUps()));
      }
      List<MetricsSampler.Sample> metrics = sampler.stop();
      sampler.close();
      cluster.close();
      History history = rec.history();
      writeHistory(history);
      log.line("checking the history (" + history.size() + " ops) ...");
      Workload.Check check = workload.check(history, cfg.out(), CHECK_TIMEOUT);
      log.line("history: " + check.validity().name().toLowerCase(java.util.Locale.ROOT) + " - " + check.summary());
      log.line("validating the traces ...");
      TraceCheck traces = validateTraces(cluster.traceDir());
      log.line("traces: " + (traces.valid() ? "valid" : "invalid") + " - " + traces.summary());
      return new RunResult(cfg, history, schedule, nemesis.events(), check, traces, live, end, healedAt, metrics,
          nemesis.catchUps());
    } finally {
      cluster.close();
      disks.ifPresent(NodeDisks::close);
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException e) {
        // the JVM is shutting down already: the hook runs (or ran) anyway
      }
    }
  }

  /** The compact nemesis's tally, e.g. {@code compaction: 2 of 3 compact faults caught up by snapshot, 1 not exercised}. */
  static String catchUpLine(List<SnapshotCatchUp> c) {
    long caught = c.stream().filter(x -> x.outcome() == SnapshotCatchUp.Outcome.CAUGHT_UP).count();
    long not = c.stream().filter(x -> x.outcome() == SnapshotCatchUp.Outcome.NOT_CAUGHT_UP).count();
    long idle = c.size() - caught - not;
    return "compaction: " + caught + " of " + c.size() + " compact faults caught up by snapshot"
        + (not > 0 ? ", " + not + " did not catch up (invalid)" : "") + (idle > 0 ? ", " + idle + " not exercised" : "")
        + (caught == 0 ? "; no node caught up by snapshot in this run: it tested nothing about InstallSnapshot" : "");
  }

  private LocalCluster cluster() throws IOException {
    int[] ports = freePorts(2 * cfg.nodes());
    int[] clients = new int[cfg.nodes()];
    int[] peers = new int[cfg.nodes()];
    for (int i = 0; i < cfg.nodes(); i++) {
      clients[i] = ports[i];
      peers[i] = ports[cfg.nodes() + i];
    }
    List<String> args = new ArrayList<>(cfg.nodeArgs());
    if (!cfg.bugs().isEmpty()) {
      args.addAll(List.of("--inject-bug", String.join(",", cfg.bugs())));
    }
    // short runs with restarts: nodes compile with C1 only, so each answers at full speed soon after it starts
    LocalCluster c = new LocalCluster(cfg.out(), clients, peers, cfg.classPath(), LocalCluster.FAST_START_JVM, args);
    c.trace(true);
    if (cfg.tls()) {
      c.tls();
      // Every HTTP client of the run (workload clients, the nemesis's admin calls) is built after
      // this and picks the context up as the JVM's default: they trust the run's CA and present
      // its client certificate.
      javax.net.ssl.SSLContext.setDefault(c.clientTls().orElseThrow());
    }
    return c;
  }

  /** Ports the OS hands out as free, all held until every one is chosen, then released. */
  static int[] freePorts(int n) throws IOException {
    List<ServerSocket> sockets = new ArrayList<>();
    try {
      int[] ports = new int[n];
      for (int i = 0; i < n; i++) {
        ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        sockets.add(s);
        ports[i] = s.getLocalPort();
      }
      return ports;
    } finally {
      for (ServerSocket s : sockets) {
        s.close();
      }
    }
  }

  private static List<URI> endpoints(LocalCluster cluster) {
    List<URI> out = new ArrayList<>();
    for (int i = 0; i < cluster.size(); i++) {
      out.add(URI.create(cluster.url(i)));
    }
    return out;
  }

  private void awaitStart(LocalCluster cluster, Admin admin) throws IOException {
    if (!await(RECOVERY, () -> allUp(cluster, admin))) {
      for (int i = 0; i < cluster.size(); i++) {
        if (admin.status(i).isEmpty()) {
          throw new HarnessException(LocalCluster.id(i) + " did not start within " + RECOVERY.toSeconds()
              + " s; its log " + cluster.logFile(i) + " ends with:\n" + tail(cluster.logFile(i)));
        }
      }
    }
    if (!await(RECOVERY, () -> admin.leader() >= 0)) {
      throw new HarnessException("no leader elected within " + RECOVERY.toSeconds() + " s of the nodes starting");
    }
  }

  private static boolean allUp(LocalCluster cluster, Admin admin) {
    for (int i = 0; i < cluster.size(); i++) {
      if (!cluster.alive(i) || admin.status(i).isEmpty()) {
        return false;
      }
    }
    return true;
  }

  /** Polls {@code condition} every 100 ms until it holds or {@code limit} passes. */
  static boolean await(Duration limit, BooleanSupplier condition) {
    long deadline = System.nanoTime() + limit.toNanos();
    while (true) {
      if (condition.getAsBoolean()) {
        return true;
      }
      if (System.nanoTime() >= deadline || Thread.currentThread().isInterrupted()) {
        return false;
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
    }
  }

  /** Prints ok/info/fail counts every 5 s until the workload's end. */
  private void progress(Recorder rec, long endNanos) throws InterruptedException {
    long next = TimeUnit.SECONDS.toNanos(5);
    while (rec.now() < endNanos) {
      long wait = Math.min(next, endNanos) - rec.now();
      if (wait > 0) {
        TimeUnit.NANOSECONDS.sleep(wait);
      }
      if (rec.now() >= next) {
        int[] c = counts(rec.history());
        log.line(String.format(java.util.Locale.ROOT, "%6.1f s: %d ok, %d info, %d fail", rec.now() / 1e9, c[0], c[1], c[2]));
        next += TimeUnit.SECONDS.toNanos(5);
      }
    }
  }

  /** ok, info, fail completions of client ops. */
  static int[] counts(History h) {
    int[] c = new int[3];
    for (Op op : h) {
      if (op.isClient()) {
        switch (op.type()) {
          case OK -> c[0]++;
          case INFO -> c[1]++;
          case FAIL -> c[2]++;
          case INVOKE -> { }
        }
      }
    }
    return c;
  }

  /** Whether the cluster committed a write after the last heal. */
  public record Liveness(boolean live, long committedAtNanos, String detail) {}

  /**
   * After the heal: writes to a fresh key until one is acknowledged (up to 30 s), then reads every
   * key, all as one new process, all recorded in the history.
   */
  private Liveness finalPhase(Workload w, Recorder rec, List<URI> endpoints, long process, long healedAt,
      boolean recovered) {
    Liveness live = new Liveness(false, -1, "no write was acknowledged within " + RECOVERY.toSeconds()
        + " s of the last heal" + (recovered ? "" : " (and no leader was elected)"));
    long p = process;
    RefraftClient client = Clients.client(endpoints);
    try {
      long deadline = System.nanoTime() + RECOVERY.toNanos();
      while (System.nanoTime() < deadline) {
        Workload.Invocation inv = w.livenessWrite();
        rec.invoke(p, inv.f(), inv.value());
        Workload.Completion c = w.run(client, inv);
        Op done = rec.complete(p, c.type(), inv.f(), c.type() == Op.Type.OK ? c.value() : inv.value(), c.error());
        if (c.type() == Op.Type.OK) {
          live = new Liveness(true, done.time(), String.format(java.util.Locale.ROOT,
              "a write was acknowledged %.2f s after the last heal", (done.time() - healedAt) / 1e9));
          break;
        }
        if (c.type() == Op.Type.INFO) {
          p++;
          client.close();
          client = Clients.client(endpoints);
        }
      }
      for (Workload.Invocation inv : w.finalReads()) {
        rec.invoke(p, inv.f(), inv.value());
        Workload.Completion c = w.run(client, inv);
        rec.complete(p, c.type(), inv.f(), c.type() == Op.Type.OK ? c.value() : inv.value(), c.error());
        if (c.type() == Op.Type.INFO) {
          p++;
          client.close();
          client = Clients.client(endpoints);
        }
      }
    } finally {
      client.close();
    }
    return live;
  }

  private void writeHistory(History h) throws IOException {
    try (Writer w = Files.newBufferedWriter(cfg.out().resolve("history.edn"), StandardCharsets.UTF_8)) {
      HistoryWriter.writeEdn(h, w);
    }
    try (Writer w = Files.newBufferedWriter(cfg.out().resolve("history.jsonl"), StandardCharsets.UTF_8)) {
      HistoryWriter.writeJsonl(h, w);
    }
  }

  /**
   * The trace validator's verdict on the run's per-node files (every incarnation of each node).
   *
   * @param view the run's trace view (refraft view), relative to the report; "" when none was written
   */
  public record TraceCheck(boolean valid, long events, String summary, String divergence, String view) {}

  /** Validates the run's traces and writes their view, traces.html, beside the folder, in the same pass. */
  static TraceCheck validateTraces(Path dir) throws IOException {
    List<Path> files;
    try (Stream<Path> s = Files.list(dir)) {
      files = s.filter(f -> f.getFileName().toString().endsWith(".ndjson")).sorted().toList();
    }
    if (files.isEmpty()) {
      return new TraceCheck(false, 0, "no trace files in " + dir, "", "");
    }
    try {
      Path page = dir.resolveSibling(VIEW);
      ValidationResult r = TraceView.write(files, true, TraceValidator.Options.defaults(), page, "refraft test traces")
          .validation();
      Optional<String> div = r.divergence().map(d -> d.explain());
      return new TraceCheck(r.valid(), r.events(), r.events() + " steps of " + r.nodes() + " nodes"
          + (r.valid() ? " replayed through the spec" : ": first divergence at " + r.divergence().get().file()
              + ":" + r.divergence().get().line()), div.orElse(""), VIEW);
    } catch (TraceFormatException e) {
      return new TraceCheck(false, 0, "malformed trace: " + e.getMessage(), e.getMessage(), "");
    }
  }

  /** The run's trace view, beside the report. */
  static final String VIEW = "traces.html";

  private static String tail(Path log) {
    try {
      List<String> lines = Files.readAllLines(log);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 10), lines.size()));
    } catch (IOException e) {
      return "(cannot read it: " + e.getMessage() + ")";
    }
  }
}
