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
    description = {"Check client histories: linearizability (register, cas-register, kv, set, multi-register) or,"
        + " through the Elle port, transactional consistency (list-append, rw-register). FILE '-' is standard input.",
        "Each file gets a line FILE: valid|invalid|unknown|error; a file that cannot be read does not stop the others.",
        "Exit 0: all valid; 1: some invalid; 2: bad usage, or some file could not be checked (and none invalid);"
            + " 3: some unknown (the checker gave up: time, memory or an internal error), none invalid or in error."})
public final class CheckCommand implements Callable<Integer> {
  static final int EXIT_VALID = 0;
  static final int EXIT_INVALID = 1;
  static final int EXIT_UNKNOWN = 3;

  /** Verdict of one file. */
  enum Validity { VALID, INVALID, UNKNOWN, ERROR }

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--workload", required = true, paramLabel = "W",
      description = "the datatype: register, cas-register, kv, set, multi-register (linearizability), list-append or"
          + " rw-register (Elle)")
  String workload;

  @Option(names = "--model", paramLabel = "M",
      description = "the consistency model: linearizable for register, cas-register, kv, set and multi-register"
          + " (the default; a datatype name here is read as the datatype, as before); for list-append/rw-register,"
          + " Elle consistency models, comma-separated (default strict-serializable)")
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

  @Parameters(arity = "1..*", paramLabel = "FILE", description = "history files; - reads standard input")
  List<Path> files;

  @Option(names = "--max-memory", defaultValue = "50%", paramLabel = "SIZE",
      description = "what the linearizability search's cache may hold: a size (512m, 2g) or a percentage of the"
          + " maximum heap (default: ${DEFAULT-VALUE}); when spent the verdict is unknown")
  String maxMemory;

  @Mixin JUnitReport junit;

  /** Standard input, for a FILE given as {@code -}; replaced by tests. */
  java.io.InputStream stdin = System.in;

  @Override
  public Integer call() {
    PrintWriter stdout = spec.commandLine().getOut();
    HistoryFormat fmt = parseFormat();
    if (timeoutSeconds < 0 || Double.isNaN(timeoutSeconds)) {
      throw new UserError("--timeout: expected a number of seconds >= 0, got " + timeoutSeconds);
    }
    Duration timeout = Duration.ofNanos((long) Math.min(timeoutSeconds * 1e9, Long.MAX_VALUE / 4.0));
    boolean txn = switch (workload) {
      case "register", "cas-register", "kv", "set", "multi-register" -> false;
      case "list-append", "rw-register" -> true;
      default -> throw new UserError("--workload: unknown workload '" + workload
          + "' (expected register, cas-register, kv, set, multi-register, list-append or rw-register)");
    };
    TxnChecker elle = txn ? TxnChecker.elle().orElseThrow(
        () -> new UserError("workload " + workload + " needs the Elle checker (not built yet)")) : null;
    if (!txn) {
      model(false); // a bad --model, --initial or --failed-cas is a usage error before any file is read
      memoryBudget();
    }
    if (files.stream().filter(f -> f.toString().equals("-")).count() > 1) {
      throw new UserError("standard input ('-') can be read only once");
    }
    junit.checkWritable();
    if (out != null) {
      try {
        Files.createDirectories(out);
      } catch (IOException e) {
        throw new UserError("--out " + out + ": cannot create: " + e.getMessage());
      }
    }
    long start = System.nanoTime();
    Map<Validity, Integer> counts = new java.util.EnumMap<>(Validity.class);
    Set<String> anomalies = new LinkedHashSet<>();
    Set<String> not = new LinkedHashSet<>();
    long ops = 0;
    for (Path file : files) {
      long fileStart = System.nanoTime();
      Outcome o = checkFile(file, fmt, txn, elle, timeout);
      if (o.validity() == Validity.ERROR && files.size() == 1) {
        throw new UserError(o.detail()); // one file: the usual bad-input answer, no verdict line
      }
      ops += o.ops();
      counts.merge(o.validity(), 1, Integer::sum);
      anomalies.addAll(o.anomalies());
      not.addAll(o.not());
      report(stdout, file, o, (System.nanoTime() - fileStart) / 1e9);
    }
    // A violation found is the strongest answer; then a file that could not be checked; then a checker that gave up.
    Validity overall = counts.containsKey(Validity.INVALID) ? Validity.INVALID
        : counts.containsKey(Validity.ERROR) ? Validity.ERROR
        : counts.containsKey(Validity.UNKNOWN) ? Validity.UNKNOWN : Validity.VALID;
    junit.write("refraft check");
    return Summary.print(stdout, summary(overall, counts, anomalies, not, files.size(), ops,
        (System.nanoTime() - start) / 1e9));
  }

  /**
   * One file's line on stdout (an error also on stderr) and its JUnit test case: invalid is a
   * failure; unknown, and an error (a file that could not be checked), are errors.
   */
  private void report(PrintWriter stdout, Path file, Outcome o, double seconds) {
    String kind = o.validity().name().toLowerCase(java.util.Locale.ROOT);
    if (o.validity() == Validity.ERROR) {
      String reason = withoutName(name(file), o.detail());
      spec.commandLine().getErr().println("refraft: " + o.detail());
      stdout.println(name(file) + ": error: " + reason);
      junit.add(new JUnitReport.Case(name(file), Summary.Verdict.UNKNOWN, seconds, "error: " + reason, o.detail(),
          "error"));
      return;
    }
    stdout.println(name(file) + ": " + kind + (o.detail().isEmpty() ? "" : " - " + o.detail()));
    junit.add(new JUnitReport.Case(name(file), verdict(o.validity()), seconds,
        kind + (o.anomalies().isEmpty() ? "" : ": " + String.join(", ", o.anomalies())), o.detail()));
  }

  /** The summary's verdict: a file that could not be checked leaves the answer unknown (its exit code is 2). */
  private static Summary.Verdict verdict(Validity v) {
    return switch (v) {
      case VALID -> Summary.Verdict.VALID;
      case INVALID -> Summary.Verdict.INVALID;
      case UNKNOWN, ERROR -> Summary.Verdict.UNKNOWN;
    };
  }

  private static int exit(Validity v) {
    return switch (v) {
      case VALID -> EXIT_VALID;
      case INVALID -> EXIT_INVALID;
      case UNKNOWN -> EXIT_UNKNOWN;
      case ERROR -> Main.EXIT_USAGE;
    };
  }

  /** One file's result; {@code ops} is the number of events read. */
  record Outcome(Validity validity, List<String> anomalies, List<String> not, String detail, long ops) {
    static Outcome error(String why) {
      return new Outcome(Validity.ERROR, List.of(), List.of(), why, 0);
    }
  }

  /** {@code FILE:LINE: reason} as the per-file line quotes it after {@code FILE: error: }. */
  private static String withoutName(String name, String detail) {
    if (detail.startsWith(name + ": ")) {
      return detail.substring(name.length() + 2);
    }
    return detail.startsWith(name + ":") ? "line " + detail.substring(name.length() + 1) : detail;
  }

  private static String name(Path file) {
    return file.toString().equals("-") ? "<stdin>" : file.toString();
  }

  /**
   * Reads and checks one file. Bad input is an {@code ERROR} outcome; a checker that runs out of
   * memory or fails inside is {@code UNKNOWN} with the reason: never a verdict it did not reach.
   */
  private Outcome checkFile(Path file, HistoryFormat fmt, boolean txn, TxnChecker elle, Duration timeout) {
    try {
      Loaded loaded = read(file, fmt);
      History h = loaded.history();
      requireClientOps(file, h);
      Outcome o = txn ? checkTxn(elle, file, h, timeout)
          : checkLinear(file, h, loaded.format() == HistoryFormat.JEPSEN_LOG, timeout);
      return new Outcome(o.validity(), o.anomalies(), o.not(), o.detail(), h.size());
    } catch (UserError e) {
      return Outcome.error(e.getMessage());
    } catch (IOException e) {
      return Outcome.error(name(file) + ": " + e.getMessage());
    } catch (OutOfMemoryError e) {
      return new Outcome(Validity.UNKNOWN, List.of(), List.of(), "the checker ran out of memory (" + e.getMessage()
          + "); give the JVM more heap (REFRAFT_JAVA_OPTS=-Xmx...) or lower --max-memory", 0);
    } catch (StackOverflowError | RuntimeException e) {
      return new Outcome(Validity.UNKNOWN, List.of(), List.of(), "internal error in the checker, no verdict: " + e, 0);
    }
  }

  /** An empty history, or one without a client op, checks nothing: it is not "valid". */
  private static void requireClientOps(Path file, History h) {
    if (h.isEmpty()) {
      throw new UserError(name(file) + ": empty history: no operations to check");
    }
    if (h.clientOps().isEmpty()) {
      throw new UserError(name(file) + ": no client operations: all " + h.size() + " ops were ignored (a client op"
          + " has an integer :process; ops without one, e.g. the nemesis's, are not checked)");
    }
  }

  private HistoryFormat parseFormat() {
    try {
      return HistoryFormat.fromCliName(format);
    } catch (IllegalArgumentException e) {
      throw new UserError("--format: " + e.getMessage());
    }
  }

  private io.refraft.verification.linear.MemoryBudget memoryBudget() {
    String m = maxMemory.strip().toLowerCase(java.util.Locale.ROOT);
    try {
      if (m.endsWith("%")) {
        return io.refraft.verification.linear.MemoryBudget.ofHeapFraction(
            Double.parseDouble(m.substring(0, m.length() - 1)) / 100);
      }
      long unit = switch (m.isEmpty() ? ' ' : m.charAt(m.length() - 1)) {
        case 'k' -> 1L << 10;
        case 'm' -> 1L << 20;
        case 'g' -> 1L << 30;
        default -> 1;
      };
      String digits = unit == 1 ? m : m.substring(0, m.length() - 1);
      return io.refraft.verification.linear.MemoryBudget.ofBytes(Math.multiplyExact(Long.parseLong(digits), unit));
    } catch (IllegalArgumentException | ArithmeticException e) {
      throw new UserError("--max-memory: expected a size such as 512m or 2g, or a percentage of the heap such as 50%,"
          + " got '" + maxMemory + "'");
    }
  }

  /** A file's history and the format detected (AUTO tells EDN from kv while reading). */
  record Loaded(History history, HistoryFormat format) {}

  private Loaded read(Path file, HistoryFormat fmt) {
    try {
      boolean in = file.toString().equals("-");
      String text = in ? new String(stdin.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8) : Files.readString(file);
      HistoryFormat actual = fmt == HistoryFormat.AUTO ? HistoryFormat.detect(text) : fmt;
      return new Loaded(fmt.read(name(file), text), actual);
    } catch (HistoryFormatException e) {
      throw new UserError(e.getMessage());
    } catch (NoSuchFileException e) {
      throw new UserError(file + ": no such file");
    } catch (java.nio.charset.MalformedInputException e) {
      throw new UserError(name(file) + ": not UTF-8 text");
    } catch (IOException e) {
      throw new UserError(name(file) + ": cannot read: " + e.getMessage());
    }
  }

  private Outcome checkLinear(Path file, History history, boolean jepsenLog, Duration timeout) throws IOException {
    Model<?> m = model(jepsenLog);
    LinearResult r;
    try {
      r = LinearChecker.check(m, history, timeout, memoryBudget());
    } catch (UnsupportedOperationInHistory | IllegalArgumentException e) {
      throw new UserError(name(file) + ": " + e.getMessage());
    }
    if (r.operations() == 0) {
      throw new UserError(name(file) + ": nothing to check: the " + m.name() + " model ignores all "
          + history.clientOps().size() + " client ops (failed ops and reads whose result is unknown constrain nothing)");
    }
    return switch (r) {
      case LinearResult.Valid v -> new Outcome(Validity.VALID, List.of(), List.of(), "", 0);
      case LinearResult.Unknown u -> new Outcome(Validity.UNKNOWN, List.of(), List.of(), u.reason(), 0);
      case LinearResult.Invalid bad -> {
        String detail = bad.explanation();
        if (out != null) {
          String base = file.toString().equals("-") ? "stdin" : file.getFileName().toString();
          Path html = out.resolve(base + ".timeline.html");
          LinearTimeline.write(bad, base + ": not linearizable (" + m.name() + ")", html);
          detail += " Timeline: " + html;
        }
        yield new Outcome(Validity.INVALID, List.of("nonlinearizable"), List.of("linearizable"), detail, 0);
      }
    };
  }

  /**
   * The model of a linearizability workload. {@code --model} is the consistency model, and these
   * workloads are checked for one: {@code linearizable}. A datatype name there (the workload's
   * meaning of {@code --model} before) is still read as the datatype.
   */
  private Model<?> model(boolean jepsenLog) {
    String name = model == null || model.equals("linearizable") ? workload : model;
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
      default -> throw new UserError("--model: the " + workload + " workload is checked for linearizability:"
          + " --model linearizable (or a datatype: register, cas-register, kv, set, multi-register), got '" + name + "'");
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
      v = elle.check(new TxnChecker.Request(workload, name(file), history, timeout, out, model));
    } catch (IllegalArgumentException e) {
      throw new UserError(name(file) + ": " + e.getMessage());
    }
    Validity validity = switch (v.validity()) {
      case VALID -> Validity.VALID;
      case INVALID -> Validity.INVALID;
      case UNKNOWN -> Validity.UNKNOWN;
    };
    return new Outcome(validity, v.anomalyTypes(), v.not(), v.explanation(), 0);
  }

  /** The summary line; {@code counts} says how many files got each answer (an error counts as unknown for {@code valid}). */
  private static ObjectNode summary(Validity overall, Map<Validity, Integer> counts, Set<String> anomalies,
      Set<String> not, int files, long ops, double seconds) {
    ObjectNode o = Summary.of(verdict(overall), exit(overall));
    var a = o.putArray("anomaly_types");
    anomalies.forEach(a::add);
    var n = o.putArray("not");
    not.forEach(n::add);
    o.put("files", files);
    ObjectNode c = o.putObject("counts");
    for (Validity v : Validity.values()) {
      c.put(v.name().toLowerCase(java.util.Locale.ROOT), counts.getOrDefault(v, 0));
    }
    o.put("ops", ops);
    o.put("seconds", Math.round(seconds * 1000) / 1000.0);
    return o;
  }
}
