package io.refraft.verification.trace;

import io.refraft.verification.fault.FaultKind;
import io.refraft.verification.sim.SimResult;
import io.refraft.verification.sim.Simulation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Puts one passing seed of {@code refraft simulate} into traces/corpus/valid as a self-contained trace
 * (files named {@code sim-*.ndjson}, which {@link CorpusGenerator} keeps): runs the seed, writes the
 * nodes' traces, and merges them with {@link RunMerger}. A seed replays byte for byte, so the file is
 * reproducible from the command in its header.
 *
 * <pre>
 * bin/refraft-tool sim-run-export SEED STEPS traces/corpus/valid/sim-seed-SEED-3.ndjson
 * </pre>
 */
public final class SimRunExport {
  private SimRunExport() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 3) {
      System.err.println("usage: SimRunExport SEED STEPS OUT.ndjson");
      System.exit(2);
    }
    long seed = Long.parseLong(args[0]);
    long steps = Long.parseLong(args[1]);
    Set<FaultKind> faults = FaultKind.SIMULATED;
    SimResult r = Simulation.runWithText(seed, new Simulation.Options(3, steps, faults, true, Set.of(), Optional.empty()));
    if (!r.passed()) {
      System.err.println("seed " + seed + " failed, not a valid trace: " + r.failure().orElse(""));
      System.exit(1);
    }
    Path dir = Files.createTempDirectory("refraft-sim-export");
    r.writeTo(dir);
    java.util.List<Path> files;
    try (Stream<Path> s = Files.list(dir)) {
      files = s.filter(f -> f.getFileName().toString().matches("n[0-9]+\\.ndjson")).sorted().toList();
    }
    int n = RunMerger.merge(files, Path.of(args[2]), "refraft simulate --seed " + seed + " --nodes 3 --steps " + steps
        + " (all faults, reads; KV clients), the nodes' traces merged by SimRunExport");
    System.out.println("merged " + n + " steps of " + files.size() + " nodes into " + args[2]);
  }
}
