package io.refraft.verification.view;

import io.refraft.verification.trace.TraceBench;
import io.refraft.verification.trace.TraceValidator;
import io.refraft.verification.trace.ValidationResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * The trace view's generation time against validation alone, on TraceBench's generated 5-node
 * trace, alternating the two for ROUNDS rounds; and the page's size per step.
 *
 * <pre>
 * bin/refraft-tool view-bench [EVENTS] [DIR] [ROUNDS]
 * </pre>
 * (DIR must exist; a trace generated there before with the same length is reused.)
 */
public final class ViewBench {
  private ViewBench() {}

  public static void main(String[] args) throws Exception {
    long events = args.length > 0 ? Long.parseLong(args[0]) : 1_000_000;
    Path dir = args.length > 1 ? Path.of(args[1]) : Files.createTempDirectory("view-bench");
    int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 3;
    Path trace = dir.resolve("bench-" + events + ".ndjson");
    if (!Files.exists(trace)) {
      TraceBench.generate(trace, 5, events, 10);
    }
    Path html = dir.resolve("bench-" + events + ".html");
    TraceValidator.Options options = TraceValidator.Options.defaults();
    TraceValidator v = new TraceValidator(options);
    com.sun.management.OperatingSystemMXBean os =
        (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
    for (int round = 1; round <= rounds; round++) {
      long cpu = os.getProcessCpuTime();
      long start = System.nanoTime();
      ValidationResult r = v.validateFile(trace);
      double validate = (System.nanoTime() - start) / 1e9;
      double validateCpu = (os.getProcessCpuTime() - cpu) / 1e9;
      cpu = os.getProcessCpuTime();
      start = System.nanoTime();
      TraceView.Result w = TraceView.write(List.of(trace), false, options, html, "bench");
      double view = (System.nanoTime() - start) / 1e9;
      double viewCpu = (os.getProcessCpuTime() - cpu) / 1e9;
      // CPU time (all threads, the collector's too) says what the page costs whatever else the machine runs
      System.out.printf(Locale.ROOT, "round %d: %d events (%s); validate %.2f s, view %.2f s (%.2fx); CPU %.2f s,"
              + " %.2f s (%.2fx); load %.1f; trace %d bytes (%.0f/step), page %d bytes (%.0f/step)%n", round,
          r.events(), r.valid() ? "valid" : "invalid", validate, view, view / validate, validateCpu, viewCpu,
          viewCpu / validateCpu, os.getSystemLoadAverage(), Files.size(trace), (double) Files.size(trace) / r.events(),
          w.bytes(), (double) w.bytes() / w.steps());
    }
  }
}
