package io.refraft.verification.sim;

import io.refraft.verification.fault.FaultKind;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Simulation throughput (a main, not a test): runs the same seeds, all faults, 3 nodes, {@code
 * STEPS} events each, several rounds in one JVM on {@code WORKERS} threads, and reports per round
 * simulated seconds per wall second and per CPU second. Round 1 pays for the JVM's class loading
 * and JIT compilation, as a cold {@code refraft simulate} does; later rounds run compiled code,
 * which is what a long simulation (or CI's) spends most of its time in. Every seed must pass: a
 * failure is reported and the round counts it.
 *
 * <pre>
 * bin/refraft-tool sim-bench [SEEDS] [ROUNDS] [WORKERS] [STEPS]
 * </pre>
 * (the script starts the JVM with the JIT flags {@code bin/refraft simulate} uses).
 */
public final class SimBench {
  private SimBench() {}

  public static void main(String[] args) throws Exception {
    int seeds = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 4;
    int workers = args.length > 2 ? Integer.parseInt(args[2]) : Runtime.getRuntime().availableProcessors();
    long steps = args.length > 3 ? Long.parseLong(args[3]) : 5_000;
    Simulation.Options options = new Simulation.Options(3, steps, FaultKind.SIMULATED, true);
    var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    System.out.printf(Locale.ROOT, "seeds 1..%d, %d events each, all faults, 3 nodes, %d workers, %s%n", seeds, steps,
        workers, Runtime.version());
    ExecutorService pool = Executors.newFixedThreadPool(workers);
    try {
      for (int round = 1; round <= rounds; round++) {
        long cpu = os.getProcessCpuTime();
        long start = System.nanoTime();
        long[] totals = runRound(pool, workers, seeds, options);
        double wall = (System.nanoTime() - start) / 1e9;
        double cpuSecs = (os.getProcessCpuTime() - cpu) / 1e9;
        double sim = totals[0] / 1e9;
        System.out.printf(Locale.ROOT, "round %d: %.0f simulated s in %.2f s = %.0f simulated s per wall s; %.2f CPU-s"
                + " (JIT and GC included) = %.0f simulated s per CPU-s; %d events; %d failures; load %.1f%n",
            round, sim, wall, sim / wall, cpuSecs, sim / cpuSecs, totals[1], totals[2], os.getSystemLoadAverage());
      }
    } finally {
      pool.shutdownNow();
    }
  }

  /** Simulated nanoseconds, events and failures of seeds 1..{@code seeds}, each worker taking the next seed. */
  private static long[] runRound(ExecutorService pool, int workers, int seeds, Simulation.Options options)
      throws Exception {
    AtomicLong next = new AtomicLong(1);
    List<Future<long[]>> parts = new ArrayList<>();
    for (int w = 0; w < workers; w++) {
      parts.add(pool.submit(() -> {
        long[] t = new long[3];
        for (long s = next.getAndIncrement(); s <= seeds; s = next.getAndIncrement()) {
          SimResult r = Simulation.run(s, options);
          t[0] += r.simulatedNanos();
          t[1] += r.events();
          if (!r.passed()) {
            t[2]++;
            System.out.println("seed " + s + " failed: " + r.failure().orElse(""));
          }
        }
        return t;
      }));
    }
    long[] totals = new long[3];
    for (Future<long[]> f : parts) {
      long[] t = f.get();
      for (int k = 0; k < 3; k++) {
        totals[k] += t[k];
      }
    }
    return totals;
  }
}
