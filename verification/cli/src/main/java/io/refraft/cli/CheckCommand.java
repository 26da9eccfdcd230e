package io.refraft.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.refraft.verification.history.Edn;
import io.refraft.verification.history.History;
import io.refraft.verification.history.HistoryFormat;
import io.refraft.verification.history.HistoryFormatException;
import io.refraft.verification.linear.CasRegister;
import io.refraft.verification.linear.IndependentModel;
import io.refraft.verification.linear.KvModel;
import io.refraft.verification.linear.LinearChecker;
import io.refraft.verification.linear.LinearResult;
import io.refraft.verification.linear.LinearTimeline;
import io.refraft.verification.linear.Model;
import io.refraft.verification.linear.MultiRegister;
import io.refraft.verification.linear.SetModel;
import io.refraft.verification.linear.UnsupportedOperationInHistory;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code refraft check}: checks client histories. Linearizability workloads (register,
 * cas-register, kv) go to {@link LinearChecker}; transactional ones (list-append, rw-register) to
 * the Elle port through {@link TxnChecker}.
 */
@Command(name = "check", mixinStandardHelpOptions = true,
    description = {"Check client histories: linearizability (register, cas-register, kv) or, through the Elle port,"
        + " transactional consistency (list-append, rw-register).",
        "Exit 0: all valid; 1: some invalid; 3: some unknown and none invalid; 2: bad usage or input."})
public final class CheckCommand implements Callable<Integer> {
  static final int EXIT_VALID = 0;
  static final int EXIT_INVALID = 1;
  static final int EXIT_UNKNOWN = 3;

  /** Verdict of one file. */
  enum Validity { VALID, INVALID, UNKNOWN }

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--workload", required = true, paramLabel = "W",
      description = "register, cas-register, kv, list-append or rw-register")
  String workload;

  @Option(names = "--model", paramLabel = "M",
      description = "linearizability model: register, cas-register, kv, set or multi-register (default: the workload's);"
          + " for list-append/rw-register, Elle consistency models, comma-separated (default strict-serializable)")
  String model;

  @Option(names = "--format", defaultValue = "auto", paramLabel = "F",
      description = "auto, edn, jepsen-log, porcupine-kv or jsonl (default: ${DEFAULT-VALUE})")
  String format;

  @Option(names = "--initial", paramLabel = "V",
      description = "initial value as EDN, e.g. 0, nil, {:x 0 :y 0} (default nil: the register starts absent; {} for multi-register)")
  String initial;

  @Option(names = "--independent",
      description = "values are jepsen.independent [key value] tuples: check each key separately")
  boolean independent;

  @Option(names = "--failed-cas", paramLabel = "R",
      description = "no-effect (Knossos) or compare-failed (Porcupine's etcd data: the cas saw another value);"
          + " default compare-failed for jepsen-log files, no-effect otherwise")
  String failedCas;

  @Option(names = "--out", paramLabel = "DIR", description = "write an HTML timeline of each failing history here"
      + " (list-append/rw-register: Elle's explanations and Graphviz cycles, one folder per file)")
  Path out;

  @Option(names = "--timeout", defaultValue = "60", paramLabel = "S",
      description = "time limit per file in seconds; reaching it makes the verdict unknown (default: ${DEFAULT-VALUE})")
  double timeoutSeconds;

  @Parameters(arity = "1..*", paramLabel = "FILE", description = "history files")
  List<Path> files;

  @Mixin JUnitReport junit;

  @Override
  public Integer call() throws IOException {
    PrintWriter stdout = spec.commandLine().getOut();
    HistoryFormat fmt = parseFormat();
    if (timeoutSeconds < 0 || Double.isNaN(timeoutSeconds)) {
      throw new UserError("--timeout: expected a number of seconds >= 0, got " + timeoutSeconds);
    }
    Duration timeout = Duration.ofNanos((long) Math.min(timeoutSeconds * 1e9, Long.MAX_VALUE / 4.0));
    boolean txn = switch (workload) {
      case "register", "cas-register", "kv" -> false;
      case "list-append", "rw-register" -> true;
      default -> throw new UserError("--workload: unknown workload '" + workload
          + "' (expected register, cas-register, kv, list-append or rw-register)");
    };
    TxnChecker elle = txn ? TxnChecker.elle().orElseThrow(
        () -> new UserError("workload " + workload + " needs the Elle checker (not built yet)")) : null;
    if (out != null) {
      Files.createDirectories(out);
    }
    junit.checkWritable();
    long start = System.nanoTime();
    Set<Validity> seen = new LinkedHashSet<>();
    Set<String> anomalies = new LinkedHashSet<>();
    Set<String> not = new LinkedHashSet<>();
    long ops = 0;
    for (Path file : files) {
      long fileStart = System.nanoTime();
      Loaded loaded = read(file, fmt);
      ops += loaded.history().size();
      Outcome o = txn ? checkTxn(elle, file, loaded.history(), timeout)
          : checkLinear(file, loaded.history(), loaded.format() == HistoryFormat.JEPSEN_LOG, timeout);
      seen.add(o.validity());
      anomalies.addAll(o.anomalies());
      not.addAll(o.not());
      stdout.println(file + ": " + o.validity().name().toLowerCase(java.util.Locale.ROOT)
          + (o.detail().isEmpty() ? "" : " - " + o.detail()));
      junit.add(new JUnitReport.Case(file.toString(), verdict(o.validity()), (System.nanoTime() - fileStart) / 1e9,
          o.validity().name().toLowerCase(java.util.Locale.ROOT) + (o.anomalies().isEmpty() ? ""
              : ": " + String.join(", ", o.anomalies())), o.detail()));
    }
    Validity overall = seen.contains(Validity.INVALID) ? Validity.INVALID
        : seen.contains(Validity.UNKNOWN) ? Validity.UNKNOWN : Validity.VALID;
    junit.write("refraft check");
    return Summary.print(stdout, summary(overall, anomalies, not, files.size(), ops,
        (System.nanoTime() - start) / 1e9));
  }

  private static Summary.Verdict verdict(Validity v) {
    return switch (v) {
      case VALID -> Summary.Verdict.VALID;
      case INVALID -> Summary.Verdict.INVALID;
      case UNKNOWN -> Summary.Verdict.UNKNOWN;
    };
  }

  /** One file's result. */
  record Outcome(Validity validity, List<String> anomalies, List<String> not, String detail) {}

  private HistoryFormat parseFormat() {
    try {
      return HistoryFormat.fromCliName(format);
    } catch (IllegalArgumentException e) {
      throw new UserError("--format: " + e.getMessage());
    }
  }

  /** A file's history and the format detected (AUTO tells EDN from kv while reading). */
  record Loaded(History history, HistoryFormat format) {}

  private static Loaded read(Path file, HistoryFormat fmt) {
    try {
      String text = Files.readString(file);
      HistoryFormat actual = fmt == HistoryFormat.AUTO ? HistoryFormat.detect(text) : fmt;
      return new Loaded(fmt.read(file.toString(), text), actual);
    } catch (HistoryFormatException e) {
      throw new UserError(e.getMessage());
    } catch (NoSuchFileException e) {
      throw new UserError(file + ": no such file");
    } catch (IOException e) {
      throw new UserError(file + ": cannot read: " + e.getMessage());
    }
  }

  private Outcome checkLinear(Path file, History history, boolean jepsenLog, Duration timeout) throws IOException {
    Model<?> m = model(jepsenLog);
    LinearResult r;
    try {
      r = LinearChecker.check(m, history, timeout);
    } catch (UnsupportedOperationInHistory | IllegalArgumentException e) {
      throw new UserError(file + ": " + e.getMessage());
    }
    return switch (r) {
      case LinearResult.Valid v -> new Outcome(Validity.VALID, List.of(), List.of(), "");
      case LinearResult.Unknown u -> new Outcome(Validity.UNKNOWN, List.of(), List.of(), u.reason());
      case LinearResult.Invalid bad -> {
        String detail = bad.explanation();
        if (out != null) {
          Path html = out.resolve(file.getFileName() + ".timeline.html");
          LinearTimeline.write(bad, file.getFileName() + ": not linearizable (" + m.name() + ")", html);
          detail += " Timeline: " + html;
        }
        yield new Outcome(Validity.INVALID, List.of("nonlinearizable"), List.of("linearizable"), detail);
      }
    };
  }

  private Model<?> model(boolean jepsenLog) {
    String name = model != null ? model : workload;
    Object init = parseInitial();
    Model<?> m = switch (name) {
      case "register" -> CasRegister.register(init);
      case "cas-register" -> CasRegister.casRegister(init).withFailedCas(failedCasReading(jepsenLog));
      case "kv" -> new KvModel();
      case "set" -> new SetModel();
      case "multi-register" -> {
        if (init != null && !(init instanceof Map<?, ?>)) {
          throw new UserError("--initial: multi-register needs a map such as {:x 0 :y 0}, got " + initial);
        }
        @SuppressWarnings("unchecked")
        Map<Object, Object> map = init == null ? Map.of() : (Map<Object, Object>) init;
        yield new MultiRegister(map);
      }
      default -> throw new UserError("--model: unknown model '" + name
          + "' (expected register, cas-register, kv, set or multi-register)");
    };
    return independent ? new IndependentModel<>(m) : m;
  }

  private CasRegister.FailedCas failedCasReading(boolean jepsenLog) {
    if (failedCas == null) {
      return jepsenLog ? CasRegister.FailedCas.COMPARE_FAILED : CasRegister.FailedCas.NO_EFFECT;
    }
    return switch (failedCas) {
      case "no-effect" -> CasRegister.FailedCas.NO_EFFECT;
      case "compare-failed" -> CasRegister.FailedCas.COMPARE_FAILED;
      default -> throw new UserError("--failed-cas: expected no-effect or compare-failed, got '" + failedCas + "'");
    };
  }

  private Object parseInitial() {
    if (initial == null) {
      return null;
    }
    try {
      return Edn.read(initial);
    } catch (IllegalArgumentException e) {
      throw new UserError("--initial: " + e.getMessage());
    }
  }

  private Outcome checkTxn(TxnChecker elle, Path file, History history, Duration timeout) throws IOException {
    TxnChecker.Verdict v;
    try {
      v = elle.check(new TxnChecker.Request(workload, file.toString(), history, timeout, out, model));
    } catch (IllegalArgumentException e) {
      throw new UserError(file + ": " + e.getMessage());
    }
    Validity validity = switch (v.validity()) {
      case VALID -> Validity.VALID;
      case INVALID -> Validity.INVALID;
      case UNKNOWN -> Validity.UNKNOWN;
    };
    return new Outcome(validity, v.anomalyTypes(), v.not(), v.explanation());
  }

  private static ObjectNode summary(Validity overall, Set<String> anomalies, Set<String> not, int files, long ops,
      double seconds) {
    ObjectNode o = Summary.of(verdict(overall));
    var a = o.putArray("anomaly_types");
    anomalies.forEach(a::add);
    var n = o.putArray("not");
    not.forEach(n::add);
    o.put("files", files);
    o.put("ops", ops);
    o.put("seconds", Math.round(seconds * 1000) / 1000.0);
    return o;
  }
}
