package io.refraft.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.RawValue;
import io.refraft.traces.TraceFormatException;
import io.refraft.traces.TraceReader;
import io.refraft.verification.trace.Divergence;
import io.refraft.verification.trace.TraceValidator;
import io.refraft.verification.trace.ValidationResult;
import io.refraft.verification.view.TraceView;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code refraft verify-trace}: validates traces (traces/FORMAT.md) against the spec. Each FILE is
 * one self-contained trace, a directory stands for each {@code .ndjson} file in it, and
 * {@code --run DIR} takes DIR's files as the per-node files of one run.
 */
@Command(name = "verify-trace", mixinStandardHelpOptions = true,
    description = {"Validate traces against the Raft spec (traces/FORMAT.md): replay each node's steps through the spec,"
        + " match every receive to its send, check the spec's invariants, report the first divergence.",
        "With several traces, one that cannot be read gets its line FILE: error: reason and the others are validated.",
        "Exit 0: all valid; 1: a divergence; 2: bad usage or malformed input (file:line: reason);"
            + " 3: the validator ran out of memory or failed inside (unknown)."})
public final class VerifyTraceCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Parameters(paramLabel = "PATH", arity = "0..*",
      description = "a self-contained trace file, a directory (each .ndjson file in it), or - for standard input")
  List<Path> paths = new ArrayList<>();

  @Option(names = "--run", paramLabel = "DIR",
      description = "DIR's .ndjson files are the per-node files of one run (repeatable)")
  List<Path> runs = new ArrayList<>();

  @Option(names = "--max-compose", paramLabel = "K", defaultValue = "3",
      description = "longest composition of spec steps one traced step may stand for, 1..6 (default: ${DEFAULT-VALUE})")
  int maxCompose;

  @Option(names = "--retention", paramLabel = "N", defaultValue = "131072",
      description = "messages kept as in flight at most; older ones are forgotten (default: ${DEFAULT-VALUE})")
  int retention;

  @Option(names = "--max-lost-steps", paramLabel = "N", defaultValue = "64",
      description = "most steps of a node a restart may lose, when nothing they did was observed (traces/FORMAT.md"
          + " §5.4); 0: none (default: ${DEFAULT-VALUE})")
  int maxLostSteps;

  @Mixin JUnitReport junit;
  @Option(names = "--view", paramLabel = "FILE.html",
      description = "also write the trace's view (as 'refraft view' does) to FILE.html; one trace only")
  Path view;

  /** One trace to validate: a file, or the files of a run. */
  private record Target(String name, List<Path> files, boolean run) {
    boolean stdin() {
      return name.equals(STDIN);
    }
  }

  private static final String STDIN = "<stdin>";

  /** Standard input, for a PATH given as {@code -}; replaced by tests. */
  java.io.InputStream stdin = System.in;

  @Override
  public Integer call() {
    if (paths.isEmpty() && runs.isEmpty()) {
      throw new UserError("verify-trace: give at least one trace FILE, a directory, or --run DIR");
    }
    TraceValidator v;
    try {
      v = new TraceValidator(new TraceValidator.Options(maxCompose, retention, 5, maxLostSteps));
    } catch (IllegalArgumentException e) {
      throw new UserError(e.getMessage());
    }
    List<Target> targets = targets();
    checkOutputs(targets);
    PrintWriter out = spec.commandLine().getOut();
    long start = System.nanoTime();
    long events = 0;
    long lost = 0;
    int nodes = 0;
    Optional<Divergence> first = Optional.empty();
    int errors = 0;
    int unknown = 0;
    for (Target t : targets) {
      long targetStart = System.nanoTime();
      ValidationResult r;
      try {
        r = validate(v, t);
      } catch (UserError e) {
        if (targets.size() == 1) {
          throw e;
        }
        // Several traces: a broken one gets its line and the others are still validated.
        errors++;
        reportError(out, t, e.getMessage(), (System.nanoTime() - targetStart) / 1e9);
        continue;
      } catch (OutOfMemoryError | StackOverflowError | RuntimeException e) {
        // The validator failed inside: no verdict on this trace, and never a stack trace for a verdict.
        unknown++;
        String why = "the validator " + (e instanceof OutOfMemoryError
            ? "ran out of memory (" + e.getMessage() + "); give the JVM more heap (REFRAFT_JAVA_OPTS=-Xmx...)"
            : "failed inside, no verdict: " + e);
        out.println(t.name() + ": unknown - " + why);
        junit.add(new JUnitReport.Case(t.name(), Summary.Verdict.UNKNOWN, (System.nanoTime() - targetStart) / 1e9,
            "unknown", why));
        continue;
      }
      events += r.events();
      lost += r.lostSteps();
      nodes = Math.max(nodes, r.nodes());
      report(out, t, r, targets.size() > 1, (System.nanoTime() - targetStart) / 1e9);
      first = first.isPresent() ? first : r.divergence();
    }
    double secs = (System.nanoTime() - start) / 1e9;
    junit.write("refraft verify-trace");
    // A divergence is the strongest answer; then a trace that could not be read; then a validator that gave up.
    Summary.Verdict verdict = first.isPresent() ? Summary.Verdict.INVALID
        : errors + unknown > 0 ? Summary.Verdict.UNKNOWN : Summary.Verdict.VALID;
    int exit = first.isPresent() ? 1 : errors > 0 ? Main.EXIT_USAGE : unknown > 0 ? CheckCommand.EXIT_UNKNOWN : 0;
    ObjectNode summary = Summary.of(verdict, exit);
    summary.put("traces", targets.size()).put("errors", errors).put("events", events).put("nodes", nodes)
        .put("lost_steps", lost).put("seconds", Math.round(secs * 1000) / 1000.0);
    summary.putRawValue("divergence", new RawValue(first.map(VerifyTraceCommand::json).orElse("null")));
    return Summary.print(out, summary);
  }

  /** --junit and --view can be written, before any work. */
  private void checkOutputs(List<Target> targets) {
    junit.checkWritable();
    if (view != null && targets.size() != 1) {
      throw new UserError("--view: give exactly one trace (a file or one --run DIR), got " + targets.size());
    }
    if (view != null && targets.get(0).stdin()) {
      throw new UserError("--view: needs a trace file or --run DIR, not standard input (the view reads the trace twice)");
    }
  }

  /** A trace that could not be read, among several: stderr and its line {@code FILE: error: reason}, a JUnit error. */
  private void reportError(PrintWriter out, Target t, String message, double seconds) {
    spec.commandLine().getErr().println("refraft: " + message);
    String reason = message.startsWith(t.name() + ":") ? "line " + message.substring(t.name().length() + 1) : message;
    out.println(t.name() + ": error: " + reason);
    junit.add(new JUnitReport.Case(t.name(), Summary.Verdict.UNKNOWN, seconds, "error: " + reason, message, "error"));
  }

  /** A validated trace's lines (its verdict when there are several, its divergence) and its JUnit test case. */
  private void report(PrintWriter out, Target t, ValidationResult r, boolean several, double seconds) {
    if (several) {
      out.println(t.name() + ": " + (r.valid() ? "valid" : "invalid") + lostSteps(r.lostSteps()));
    } else if (r.lostSteps() > 0) {
      out.println(t.name() + ":" + lostSteps(r.lostSteps()));
    }
    r.divergence().ifPresent(d -> out.println(d.explain()));
    junit.add(new JUnitReport.Case(t.name(), Summary.Verdict.of(r.valid()), seconds,
        r.divergence().map(d -> "diverges at " + d.file() + ":" + d.line() + ": " + d.reason()).orElse(""),
        r.divergence().map(Divergence::explain).orElse("")));
  }

  /** How a trace's lost steps are shown beside its verdict (nothing when none). */
  private static String lostSteps(long n) {
    return n == 0 ? "" : " (" + n + (n == 1 ? " step" : " steps")
        + " lost in crashes before anything they did was observed, rolled back at the restarts)";
  }

  /** Validates {@code t} while writing its view: one pass, the same verdict. */
  private ValidationResult viewed(Target t) {
    Path dir = view.toAbsolutePath().getParent();
    if (dir == null || !Files.isDirectory(dir)) {
      throw new UserError("--view: directory " + dir + " does not exist");
    }
    try {
      TraceView.Result r = TraceView.write(t.files(), t.run(),
          new TraceValidator.Options(maxCompose, retention, 5, maxLostSteps), view, Path.of(t.name()).getFileName()
              .toString());
      spec.commandLine().getOut().println("view written to " + view);
      return r.validation();
    } catch (TraceFormatException e) {
      throw new UserError(e.getMessage());
    } catch (IOException e) {
      throw new UserError(t.name() + ": cannot read, or " + view + ": cannot write: " + e.getMessage());
    }
  }

  /** Validates {@code t} (and writes its view when --view was given); bad input is a {@link UserError}. */
  private ValidationResult validate(TraceValidator v, Target t) {
    try {
      if (t.stdin()) {
        TraceReader r = new TraceReader(t.name(), new java.io.BufferedInputStream(stdin));
        if (r.header().node().isPresent()) {
          throw new UserError(t.name() + ":1: this is the per-node file of " + r.header().node().get()
              + ": validate the run's files together (refraft verify-trace --run DIR)");
        }
        return v.validate(r);
      }
      if (!t.run() && !Files.exists(t.files().get(0))) {
        throw new UserError(t.name() + ":0: no such file or directory");
      }
      if (view != null) {
        return viewed(t);
      }
      return t.run() ? v.validateRun(t.files()) : v.validateFile(t.files().get(0));
    } catch (TraceFormatException e) {
      throw new UserError(e.getMessage());
    } catch (IOException e) {
      throw new UserError(t.name() + ": cannot read: " + e.getMessage());
    }
  }

  private List<Target> targets() {
    List<Target> out = new ArrayList<>();
    for (Path p : paths) {
      if (p.toString().equals("-")) {
        if (out.stream().anyMatch(Target::stdin)) {
          throw new UserError("standard input ('-') can be read only once");
        }
        out.add(new Target(STDIN, List.of(p), false));
      } else if (Files.isDirectory(p)) {
        for (Path f : ndjson(p)) {
          out.add(new Target(f.toString(), List.of(f), false));
        }
      } else if (Files.isRegularFile(p)) {
        out.add(new Target(p.toString(), List.of(p), false));
      } else {
        out.add(new Target(p.toString(), List.of(p), false)); // reported as that file's error
      }
    }
    for (Path d : runs) {
      if (!Files.isDirectory(d)) {
        throw new UserError("--run " + d + ": not a directory");
      }
      List<Path> files = ndjson(d);
      if (files.isEmpty()) {
        throw new UserError("--run " + d + ": no .ndjson files in it");
      }
      out.add(new Target(d.toString(), files, true));
    }
    if (out.isEmpty()) {
      throw new UserError("verify-trace: no .ndjson trace files in " + paths);
    }
    return out;
  }

  private static List<Path> ndjson(Path dir) {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(f -> f.getFileName().toString().endsWith(".ndjson") && Files.isRegularFile(f)).sorted().toList();
    } catch (IOException e) {
      throw new UserError(dir + ": cannot list: " + e.getMessage());
    }
  }

  private static String json(Divergence d) {
    StringBuilder sb = new StringBuilder("{\"file\":").append(Json.q(d.file())).append(",\"line\":").append(d.line())
        .append(",\"node\":").append(Json.q(d.node().name())).append(",\"seq\":").append(d.seq())
        .append(",\"kind\":").append(Json.q(d.kind().name().toLowerCase(Locale.ROOT)))
        .append(",\"reason\":").append(Json.q(d.reason())).append(",\"diffs\":[");
    for (int i = 0; i < d.diffs().size(); i++) {
      Divergence.FieldDiff f = d.diffs().get(i);
      sb.append(i > 0 ? "," : "").append("{\"field\":").append(Json.q(f.field())).append(",\"expected\":")
          .append(Json.q(f.expected())).append(",\"observed\":").append(Json.q(f.observed())).append('}');
    }
    sb.append("],\"context\":[");
    for (int i = 0; i < d.context().size(); i++) {
      sb.append(i > 0 ? "," : "").append(Json.q(d.context().get(i)));
    }
    return sb.append("]}").toString();
  }
}
