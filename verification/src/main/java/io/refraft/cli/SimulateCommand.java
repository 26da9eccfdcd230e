package io.refraft.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.refraft.verification.sim.Fault;
import io.refraft.verification.sim.SimResult;
import io.refraft.verification.sim.Simulation;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code refraft simulate}: deterministic simulation of real nodes under faults, one seed after
 * another. Exit 0 when every seed passed, 1 on a failure, 2 on bad usage.
 */
@Command(name = "simulate", mixinStandardHelpOptions = true,
    description = {"Runs real refraft nodes in one thread on virtual time, a simulated network and in-memory disks, "
        + "with faults, checking the spec's invariants after every event and validating the nodes' traces. "
        + "A seed replays exactly. Prints one JSON line per seed and a JSON summary as the last line."})
public final class SimulateCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--seeds", paramLabel = "N", description = "run N consecutive seeds, from --seed or from a random start (default: 1)")
  Integer seeds;

  @Option(names = "--seed", paramLabel = "S", description = "the (first) seed to run")
  Long seed;

  @Option(names = "--nodes", defaultValue = "3", description = "3 or 5 (default: ${DEFAULT-VALUE})")
  int nodes;

  @Option(names = "--steps", defaultValue = "20000",
      description = "events per seed with faults, before settling (default: ${DEFAULT-VALUE})")
  long steps;

  @Option(names = "--faults", defaultValue = "drop,dup,partition,crash",
      description = "comma-separated drop,dup,partition,crash, or none (default: ${DEFAULT-VALUE})")
  String faults;

  @Option(names = "--reads", defaultValue = "true", negatable = true, fallbackValue = "true",
      description = "clients also issue ReadIndex reads; --no-reads turns them off (default: on)")
  boolean reads;

  @Option(names = "--workers", paramLabel = "W",
      description = "seeds run in parallel on W threads; output stays in seed order (default: available processors)")
  Integer workers;

  @Option(names = "--out", defaultValue = "simulate-out", paramLabel = "DIR",
      description = "where a failing seed's traces and summary go, in DIR/seed-S (default: ${DEFAULT-VALUE})")
  Path out;

  @Override
  public Integer call() throws IOException {
    if (seeds != null && seeds < 1) {
      throw new UserError("--seeds must be >= 1, got " + seeds);
    }
    Simulation.Options options;
    try {
      Set<Fault> f = Fault.parse(faults);
      options = new Simulation.Options(nodes, steps, f, reads);
    } catch (IllegalArgumentException e) {
      throw new UserError(e.getMessage());
    }
    PrintWriter o = spec.commandLine().getOut();
    long first = seed != null ? seed : new SplittableRandom().nextLong();
    int count = seeds != null ? seeds : 1;
    int threads = workers != null ? workers : Runtime.getRuntime().availableProcessors();
    if (threads < 1) {
      throw new UserError("--workers must be >= 1, got " + threads);
    }
    long wallStart = System.nanoTime();
    try (SeedRunner runner = new SeedRunner(first, count, Math.min(threads, count), options)) {
      return runSeeds(runner, first, count, o, wallStart);
    }
  }

  private int runSeeds(SeedRunner runner, long first, int count, PrintWriter o, long wallStart) throws IOException {
    long failures = 0;
    long simNanos = 0;
    Long firstFailure = null;
    for (int i = 0; i < count; i++) {
      long s = first + i;
      SimResult r = runner.next();
      simNanos += r.simulatedNanos();
      o.println(r.summaryJson());
      if (!r.passed()) {
        failures++;
        firstFailure = firstFailure == null ? s : firstFailure;
        Path dir = out.resolve("seed-" + s);
        r.writeTo(dir);
        o.println("FAILED seed " + s + ": " + r.failure().get());
        o.println("replay: refraft simulate --seed " + s + " --nodes " + nodes + " --steps " + steps + " --faults "
            + faults + (reads ? "" : " --no-reads") + "; traces and summary in " + dir);
      }
      o.flush();
    }
    ObjectNode last = new ObjectMapper().createObjectNode();
    last.put("seeds", count);
    last.put("failures", failures);
    last.put("steps", steps);
    last.put("simulated_seconds", Math.round(simNanos / 1e6) / 1e3);
    last.put("seconds", Math.round((System.nanoTime() - wallStart) / 1e6) / 1e3);
    if (firstFailure == null) {
      last.putNull("first_failure_seed");
    } else {
      last.put("first_failure_seed", firstFailure);
    }
    o.println(last);
    o.flush();
    return failures == 0 ? 0 : 1;
  }
}
