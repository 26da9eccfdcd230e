package io.refraft.cli;

import io.refraft.traces.TraceFormatException;
import io.refraft.verification.trace.TraceValidator;
import io.refraft.verification.view.TraceView;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code refraft view}: one trace as one self-contained HTML page (a space-time diagram, each
 * step's spec state, the validator's divergence), validated on the way exactly as
 * {@code verify-trace} validates it.
 */
@Command(name = "view", mixinStandardHelpOptions = true,
    description = {"Write a trace as one self-contained HTML page that opens from disk: one lane per node, messages"
        + " as arrows, roles and terms, each node's log, each step's spec state before and after, and the"
        + " validator's first divergence.",
        "TRACE is one self-contained trace, or several per-node files of one run; --run DIR takes DIR's .ndjson files.",
        "Exit 0: written, the trace is valid; 1: written, the trace diverges; 2: bad usage or malformed input"
            + " (file:line: reason; nothing written)."})
public final class ViewCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Parameters(paramLabel = "TRACE", arity = "0..*", description = "a self-contained trace, or the per-node files of one run")
  List<Path> traces = new ArrayList<>();

  @Option(names = "--run", paramLabel = "DIR", description = "DIR's .ndjson files are the per-node files of one run")
  Path run;

  @Option(names = "--out", paramLabel = "FILE.html",
      description = "where to write the page (default: the trace's name, or the run directory's, with .html)")
  Path out;

  @Option(names = "--max-compose", paramLabel = "K", defaultValue = "3",
      description = "as for verify-trace (default: ${DEFAULT-VALUE})")
  int maxCompose;

  @Option(names = "--max-lost-steps", paramLabel = "N", defaultValue = "64",
      description = "as for verify-trace (default: ${DEFAULT-VALUE})")
  int maxLostSteps;

  @Override
  public Integer call() {
    List<Path> files;
    boolean isRun;
    Path target;
    if (run != null) {
      if (!traces.isEmpty()) {
        throw new UserError("view: give TRACE files or --run DIR, not both");
      }
      files = runFiles(run);
      isRun = true;
      target = out != null ? out : run.toAbsolutePath().normalize().resolveSibling(run.toAbsolutePath().normalize()
          .getFileName() + ".html");
    } else {
      if (traces.isEmpty()) {
        throw new UserError("view: give a TRACE file, the per-node files of a run, or --run DIR");
      }
      for (Path p : traces) {
        if (!Files.isRegularFile(p)) {
          throw new UserError(p + ":0: no such file");
        }
      }
      files = List.copyOf(traces);
      isRun = files.size() > 1;
      target = out != null ? out : html(files.get(0));
    }
    TraceValidator.Options options = options(maxCompose, maxLostSteps);
    String title = run != null ? run.getFileName().toString() : files.get(0).getFileName().toString();
    return write(spec.commandLine().getOut(), files, isRun, options, target, title);
  }

  static TraceValidator.Options options(int maxCompose, int maxLostSteps) {
    try {
      return TraceValidator.Options.defaults().withMaxCompose(maxCompose).withMaxLostSteps(maxLostSteps);
    } catch (IllegalArgumentException e) {
      throw new UserError(e.getMessage());
    }
  }

  /**
   * Writes the view of {@code files} to {@code target}, printing where and the verdict; 0 valid, 1 diverges.
   * Malformed input is a {@link UserError} naming file and line, and nothing is written.
   */
  static int write(PrintWriter out, List<Path> files, boolean run, TraceValidator.Options options, Path target,
      String title) {
    Path dir = target.toAbsolutePath().getParent();
    if (dir == null || !Files.isDirectory(dir)) {
      throw new UserError("--out: directory " + dir + " does not exist");
    }
    long start = System.nanoTime();
    TraceView.Result r;
    try {
      r = TraceView.write(files, run, options, target, title);
    } catch (TraceFormatException e) {
      throw new UserError(e.getMessage());
    } catch (IOException e) {
      throw new UserError(files.get(0) + ": cannot read, or " + target + ": cannot write: " + e.getMessage());
    }
    double secs = (System.nanoTime() - start) / 1e9;
    r.validation().divergence().ifPresent(d -> out.println(d.explain()));
    out.println("view written to " + target);
    int exit = r.validation().valid() ? 0 : 1;
    out.printf(Locale.ROOT, "{\"valid\":%b,\"exit\":%d,\"events\":%d,\"steps_drawn\":%d,\"bytes\":%d,\"seconds\":%.3f,"
        + "\"out\":%s}%n", r.validation().valid(), exit, r.validation().events(), r.steps(), r.bytes(), secs,
        Json.q(target.toString()));
    out.flush();
    return exit;
  }

  private static Path html(Path trace) {
    String name = trace.getFileName().toString();
    String base = name.endsWith(".ndjson") ? name.substring(0, name.length() - ".ndjson".length()) : name;
    return trace.toAbsolutePath().resolveSibling(base + ".html");
  }

  static List<Path> runFiles(Path dir) {
    if (!Files.isDirectory(dir)) {
      throw new UserError("--run " + dir + ": not a directory");
    }
    try (Stream<Path> s = Files.list(dir)) {
      List<Path> files = s.filter(f -> f.getFileName().toString().endsWith(".ndjson") && Files.isRegularFile(f))
          .sorted().toList();
      if (files.isEmpty()) {
        throw new UserError("--run " + dir + ": no .ndjson files in it");
      }
      return files;
    } catch (IOException e) {
      throw new UserError(dir + ": cannot list: " + e.getMessage());
    }
  }
}
