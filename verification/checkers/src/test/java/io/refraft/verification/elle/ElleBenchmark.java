package io.refraft.verification.elle;

import io.refraft.verification.history.History;
import io.refraft.verification.history.HistoryFormat;
import io.refraft.verification.history.Op;
import java.nio.file.Path;
import java.util.List;

/**
 * Throughput of the list-append checker under strict serializability (not a unit test: timings
 * depend on the machine). Run as a whole process (with {@code -Xmx2g}), see BENCHMARKS.md:
 *
 * <pre>
 * bin/refraft-tool elle-bench [txns] [processes] [seed] [huge-scc.edn]
 * </pre>
 */
public final class ElleBenchmark {
  private ElleBenchmark() {}

  public static void main(String[] args) throws Exception {
    int txns = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
    int processes = args.length > 1 ? Integer.parseInt(args[1]) : 20;
    long seed = args.length > 2 ? Long.parseLong(args[2]) : System.nanoTime();
    System.out.println("seed " + seed + " (rerun with this third argument)");
    List<Op> history = new ListAppendGenerator(seed, processes).generate(txns);
    for (int round = 1; round <= 3; round++) { // the first round includes JIT warm-up
      // CPU time of this (the only working) thread too: on a shared machine wall time mostly
      // measures the other tenants.
      java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
      long cpu0 = mx.getCurrentThreadCpuTime();
      long start = System.nanoTime();
      ElleResult r = Elle.listAppend(history, Options.defaults());
      double s = (System.nanoTime() - start) / 1e9;
      double cpu = (mx.getCurrentThreadCpuTime() - cpu0) / 1e9;
      System.out.printf("round %d: %d txns (%d ops), %d processes: valid=%s %s in %.2f s wall = %.0f txn/s;"
          + " %.2f s cpu = %.0f txn/s%n",
          round, txns, history.size(), processes, r.valid(), r.anomalyTypeNames(), s, txns / s, cpu, txns / cpu);
      if (r.valid() != ElleResult.Validity.TRUE) {
        throw new AssertionError("generated history should be valid: " + r.anomalies());
      }
    }
    if (args.length > 3) {
      long read = System.nanoTime();
      History h = HistoryFormat.EDN.read(Path.of(args[3]));
      System.out.printf("%s: read %d ops in %.2f s%n", args[3], h.size(), (System.nanoTime() - read) / 1e9);
      long start = System.nanoTime();
      ElleResult r = Elle.listAppend(h, Options.defaults());
      System.out.printf("%s: valid=%s %s not %s in %.2f s%n", args[3], r.valid(), r.anomalyTypeNames(),
          r.notNames(), (System.nanoTime() - start) / 1e9);
    }
  }
}
