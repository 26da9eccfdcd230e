package io.refraft.verification.linear;

import io.refraft.verification.history.History;
import io.refraft.verification.history.HistoryFormat;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

/**
 * Wall-clock figures for BENCHMARKS.md (a benchmark main, not a test: timings on a shared machine
 * are not assertions). Run from the repository root, with the reference data beside the checkout
 * (README.md, "Reference data"):
 *
 * <pre>
 * bin/refraft-tool linear-bench ../shared/refdata [rounds]
 * </pre>
 *
 * Each round checks all etcd logs and the six kv histories; the last round's figures are printed
 * (earlier rounds warm the JIT, as a long-running check would be).
 */
public final class LinearBench {
  private LinearBench() {}

  public static void main(String[] args) throws Exception {
    Path root = Path.of(args.length > 0 ? args[0] : "../shared/refdata");
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    List<Path> etcd;
    try (Stream<Path> s = Files.list(root.resolve("porcupine/test_data/jepsen"))) {
      etcd = s.filter(p -> p.toString().endsWith(".log")).sorted().toList();
    }
    List<Path> kv;
    try (Stream<Path> s = Files.list(root.resolve("porcupine/test_data/kv"))) {
      kv = s.filter(p -> p.toString().endsWith(".txt")).sorted().toList();
    }
    for (int round = 1; round <= rounds; round++) {
      boolean last = round == rounds;
      long total = 0;
      long worst = 0;
      Path worstFile = null;
      for (Path p : etcd) {
        History h = HistoryFormat.JEPSEN_LOG.read(p);
        long t0 = System.nanoTime();
        LinearChecker.check(CasRegister.etcd(), h, Duration.ofMinutes(1));
        long dt = System.nanoTime() - t0;
        total += dt;
        if (dt > worst) {
          worst = dt;
          worstFile = p.getFileName();
        }
      }
      System.out.printf("round %d: %d etcd logs: total %.3f s, slowest %s %.3f s%n", round, etcd.size(),
          total / 1e9, worstFile, worst / 1e9);
      for (Path p : kv) {
        History h = HistoryFormat.PORCUPINE_KV.read(p);
        long t0 = System.nanoTime();
        LinearResult r = LinearChecker.check(new KvModel(), h, Duration.ofMinutes(1));
        long dt = System.nanoTime() - t0;
        if (last || p.toString().contains("c50")) {
          System.out.printf("round %d: %s: %s in %.3f s%n", round, p.getFileName(),
              r.getClass().getSimpleName(), dt / 1e9);
        }
      }
    }
  }
}
