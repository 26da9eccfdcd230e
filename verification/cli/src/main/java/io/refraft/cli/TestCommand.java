package io.refraft.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.refraft.impl.planted.InjectedBug;
import io.refraft.verification.fault.FaultKind;
import io.refraft.verification.harness.HarnessException;
import io.refraft.verification.harness.HarnessRun;
import io.refraft.verification.harness.ProgressLog;
import io.refraft.verification.harness.Report;
import io.refraft.verification.harness.RunResult;
import io.refraft.verification.harness.TestConfig;
import io.refraft.verification.harness.Workload;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code refraft test}: a Jepsen-style run against real node processes on this machine (see
 * {@link HarnessRun}), ending with one JSON line and exit 0 valid, 1 invalid, 3 unknown.
 */
@Command(name = "test", mixinStandardHelpOptions = true,
    description = {"Jepsen-style test of a local cluster of node processes: workload clients over HTTP, a seeded nemesis"
        + " (partitions, kill -9, SIGSTOP pauses, restarts, forced compaction), then Elle or linearizability on the history, the trace"
        + " validator on every node's trace, and liveness after the last heal. Writes history.edn, history.jsonl,"
        + " traces/, node logs, results.json and index.html into --out.",
        "Exit 0: valid; 1: invalid; 3: unknown; 2: bad usage."})
public final class TestCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--nodes", defaultValue = "3", paramLabel = "N", description = "1..9 (default: ${DEFAULT-VALUE})")
  int nodes;

  @Option(names = "--time", defaultValue = "60", paramLabel = "S",
      description = "seconds of workload and faults (default: ${DEFAULT-VALUE})")
  int seconds;

  @Option(names = "--workload", defaultValue = "list-append", paramLabel = "W",
      description = "list-append (Elle, strict-serializable) or register (linearizability) (default: ${DEFAULT-VALUE})")
  String workload;

  @Option(names = "--nemesis", defaultValue = "partition,kill,pause,restart", paramLabel = "F[,F...]",
      description = "partition, kill, pause, restart, disk-full (needs root: each node's data on a tmpfs of its own),"
          + " compact (a node goes down, the others compact their logs past it, it must catch up by InstallSnapshot;"
          + " 3+ nodes), comma-separated, or none (default: ${DEFAULT-VALUE})")
  String nemesis;

  @Option(names = "--rate", defaultValue = "100", paramLabel = "R",
      description = "operations per second over all clients, at most (default: ${DEFAULT-VALUE})")
  double rate;

  @Option(names = "--concurrency", defaultValue = "10", paramLabel = "C",
      description = "client threads (default: ${DEFAULT-VALUE})")
  int concurrency;

  @Option(names = "--inject-bug", paramLabel = "NAME[,NAME...]",
      description = "planted bugs every node runs with (test only): " + "stale-read, ack-before-commit, skip-fsync, lose-synced-tail, no-session, vote-twice")
  String injectBug;

  @Option(names = "--out", paramLabel = "DIR",
      description = "the run's directory, new or empty (default: refraft-runs/<date-time>)")
  Path out;

  @Option(names = "--seed", paramLabel = "S", description = "seeds the nemesis schedule and the clients' choices (default: random, printed)")
  Long seed;

  @Option(names = "--node-args", paramLabel = "ARGS", split = " ",
      description = "extra arguments for every node, e.g. \"--heartbeat-ms 50 --election-ms 100-200\"")
  List<String> nodeArgs = new ArrayList<>();

  @Option(names = "--tls", description = "run the nodes with mutual TLS between peers and HTTPS with client certificates "
      + "for the clients, from a throwaway CA made in OUT/tls")
  boolean tls;

  @Option(names = "--node-classpath", hidden = true, paramLabel = "CP",
      description = "class path of the node JVMs (default: this JVM's)")
  String nodeClassPath;

  @Mixin JUnitReport junit;

  @Override
  public Integer call() throws Exception {
    TestConfig cfg = config();
    junit.checkWritable();
    String caseName = cfg.workload() + " seed " + cfg.seed();
    long start = System.nanoTime();
    PrintWriter stdout = spec.commandLine().getOut();
    ProgressLog log = new ProgressLog(stdout);
    log.line("refraft test: " + cfg.nodes() + " nodes, " + cfg.workload() + ", " + cfg.seconds() + " s, seed "
        + cfg.seed() + ", output " + cfg.out() + (cfg.tls() ? ", TLS" : ""));
    RunResult result;
    try {
      result = new HarnessRun(cfg, log).run();
    } catch (HarnessException e) {
      spec.commandLine().getErr().println("refraft: " + e.getMessage());
      junit.add(new JUnitReport.Case(caseName, Summary.Verdict.UNKNOWN, (System.nanoTime() - start) / 1e9,
          "the run did not complete", e.getMessage()));
      junit.write("refraft test");
      ObjectNode o = Summary.of(Summary.Verdict.UNKNOWN);
      o.put("ops", 0).put("ok", 0).put("info", 0).put("fail", 0);
      o.putArray("anomalies");
      o.put("nemesis_events", 0).put("trace_valid", false).putNull("report");
      o.put("error", e.getMessage());
      return Summary.print(stdout, o);
    }
    Path page = Report.write(result);
    log.line("report: " + page);
    Summary.Verdict v = switch (result.validity()) {
      case VALID -> Summary.Verdict.VALID;
      case INVALID -> Summary.Verdict.INVALID;
      case UNKNOWN -> Summary.Verdict.UNKNOWN;
    };
    junit.add(new JUnitReport.Case(caseName, v, (System.nanoTime() - start) / 1e9,
        v == Summary.Verdict.VALID ? "" : v.name().toLowerCase(java.util.Locale.ROOT)
            + (result.anomalies().isEmpty() ? "" : ": " + String.join(", ", result.anomalies())),
        explanation(result, page)));
    junit.write("refraft test");
    return Summary.print(stdout, Summary.of(v, v.exit, Report.summary(result, page)));
  }

  /** What a failing run's test case says: each checker's summary, the anomalies explained, the report. */
  private static String explanation(RunResult r, Path page) {
    StringBuilder sb = new StringBuilder();
    sb.append(r.check().checker()).append(": ").append(r.check().summary()).append('\n');
    r.check().explanations().forEach(x -> sb.append("  ").append(x).append('\n'));
    sb.append("traces: ").append(r.traces().summary()).append('\n');
    if (!r.liveness().live()) {
      sb.append("liveness: ").append(r.liveness().detail()).append('\n');
    }
    return sb.append("report: ").append(page).append('\n').toString();
  }

  private TestConfig config() {
    try {
      Workload.named(workload);
    } catch (IllegalArgumentException e) {
      throw new UserError("--workload: " + e.getMessage());
    }
    Set<FaultKind> nemeses;
    try {
      nemeses = FaultKind.parseNemeses(nemesis);
    } catch (IllegalArgumentException e) {
      throw new UserError("--nemesis: " + e.getMessage());
    }
    List<String> bugs = new ArrayList<>();
    try {
      InjectedBug.parseList(injectBug).forEach(b -> bugs.add(b.flag()));
    } catch (IllegalArgumentException e) {
      throw new UserError("--inject-bug: " + e.getMessage());
    }
    if (seconds <= 0) {
      throw new UserError("--time: must be > 0 seconds, got " + seconds);
    }
    Path dir = out != null ? out
        : Path.of("refraft-runs", LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
    long s = seed != null ? seed : System.nanoTime() & 0xFFFF_FFFFL;
    String cp = nodeClassPath != null ? nodeClassPath : System.getProperty("java.class.path");
    TestConfig cfg;
    try {
      cfg = new TestConfig(nodes, seconds, workload, nemeses, rate, concurrency, bugs, dir, s, cp, nodeArgs, tls);
    } catch (IllegalArgumentException e) {
      throw new UserError(e.getMessage());
    }
    prepare(dir, out != null);
    return cfg;
  }

  /** Creates the run's directory; refuses one that cannot be written or already holds files (a node would recover them). */
  private static void prepare(Path dir, boolean given) {
    String name = given ? "--out " + dir : "output directory " + dir;
    try {
      Files.createDirectories(dir);
      try (Stream<Path> s = Files.list(dir)) {
        if (s.findAny().isPresent()) {
          throw new UserError(name + ": not empty (a new run needs a new or empty directory)");
        }
      }
      Path probe = Files.createTempFile(dir, ".probe", "");
      Files.delete(probe);
    } catch (IOException e) {
      throw new UserError(name + ": cannot write there: " + e.getMessage());
    }
  }
}
