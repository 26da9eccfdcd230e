package io.refraft.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.refraft.impl.planted.InjectedBug;
import io.refraft.verification.fault.FaultKind;
import io.refraft.verification.sim.Schedule;
import io.refraft.verification.sim.Shrinker;
import io.refraft.verification.sim.SimResult;
import io.refraft.verification.sim.Simulation;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code refraft simulate}: deterministic simulation of real nodes under faults, one seed after
 * another. Exit 0 when every seed passed, 1 on a failure, 2 on bad usage. A failure's files are written
 * and its fault schedule shrunk (verification/testbed/README.md, "Deterministic simulation").
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

  @Option(names = "--faults", defaultValue = "drop,dup,partition,crash,fsync-latency",
      description = "comma-separated drop,dup,partition,crash,fsync-latency, or none (default: ${DEFAULT-VALUE})")
  String faults;

  @Option(names = "--inject-bug", paramLabel = "NAME",
      description = "plant a bug in every node, to see the checkers catch it: stale-read, ack-before-commit, "
          + "skip-fsync, lose-synced-tail, no-session, vote-twice (comma-separated for several)")
  String injectBug;

  @Option(names = "--schedule", paramLabel = "FILE",
      description = "replay this nemesis schedule (a failure's schedule.json, possibly edited) instead of drawing one")
  Path schedule;

  @Option(names = "--shrink", defaultValue = "40", paramLabel = "RUNS",
      description = "on the first failure, re-run up to RUNS times to shrink its fault schedule; 0: don't "
          + "(default: ${DEFAULT-VALUE})")
  int shrinkRuns;

  @Option(names = "--reads", defaultValue = "true", negatable = true, fallbackValue = "true",
      description = "clients also issue ReadIndex reads; --no-reads turns them off (default: on)")
  boolean reads;

  @Option(names = "--workers", paramLabel = "W",
      description = "seeds run in parallel on W threads; output stays in seed order (default: available processors)")
  Integer workers;

  @Option(names = "--out", paramLabel = "DIR",
      description = "where a failing seed's traces, history, schedule and summary go, in DIR/seed-S "
          + "(default: a new temporary directory, printed)")
  Path out;

  @Mixin JUnitReport junit;

  @Override
  public Integer call() throws IOException {
    Simulation.Options options = options();
    PrintWriter o = spec.commandLine().getOut();
    long first = seed != null ? seed : new SplittableRandom().nextLong();
    int count = seeds != null ? seeds : 1;
    int threads = workers != null ? workers : Runtime.getRuntime().availableProcessors();
    if (threads < 1) {
      throw new UserError("--workers must be >= 1, got " + threads);
    }
    junit.checkWritable();
    long wallStart = System.nanoTime();
    try (SeedRunner runner = new SeedRunner(first, count, Math.min(threads, count), options)) {
      return runSeeds(runner, first, count, o, wallStart);
    }
  }

  private int runSeeds(SeedRunner runner, long first, int count, PrintWriter o, long wallStart) throws IOException {
    long failures = 0;
    long neverFired = 0;
    long simNanos = 0;
    Long firstFailure = null;
    for (int i = 0; i < count; i++) {
      long s = first + i;
      SeedRunner.Done done = runner.next();
      SimResult r = done.result();
      simNanos += r.simulatedNanos();
      o.println(r.summaryJson());
      if (!r.bugsNeverFired().isEmpty()) {
        neverFired++;
        o.println("seed " + s + ": the planted bug " + String.join(", ", r.bugsNeverFired())
            + " never fired: this seed says nothing about whether the checkers catch it");
      }
      if (!r.passed()) {
        failures++;
        reportFailure(o, r, firstFailure == null);
        firstFailure = firstFailure == null ? s : firstFailure;
      }
      junit.add(new JUnitReport.Case("seed " + s, Summary.Verdict.of(r.passed()), done.seconds(),
          r.failure().orElse(""), r.failure().map(f -> f + "\nreplay: " + replay(s)).orElse("")));
      o.flush();
    }
    junit.write("refraft simulate");
    ObjectNode last = Summary.of(Summary.Verdict.of(failures == 0));
    last.put("seeds", count);
    last.put("failures", failures);
    last.put("steps", steps);
    last.put("simulated_seconds", Math.round(simNanos / 1e6) / 1e3);
    last.put("seconds", Math.round((System.nanoTime() - wallStart) / 1e6) / 1e3);
    if (injectBug != null) {
      last.put("seeds_bug_never_fired", neverFired);
    }
    if (firstFailure == null) {
      last.putNull("first_failure_seed");
    } else {
      last.put("first_failure_seed", firstFailure);
    }
    return Summary.print(o, last);
  }

  private Simulation.Options options() throws IOException {
    if (seeds != null && seeds < 1) {
      throw new UserError("--seeds must be >= 1, got " + seeds);
    }
    if (shrinkRuns < 0) {
      throw new UserError("--shrink must be >= 0, got " + shrinkRuns);
    }
    if (out != null) {
      try {
        Files.createDirectories(out);
      } catch (IOException e) {
        throw new UserError("--out: cannot create directory " + out + ": " + e.getMessage());
      }
      if (!Files.isWritable(out)) {
        throw new UserError("--out: directory " + out + " is not writable");
      }
    }
    try {
      Set<FaultKind> f = FaultKind.parseSimulated(faults);
      Set<InjectedBug> bugs = InjectedBug.parseList(injectBug);
      Optional<Schedule> replay = Optional.empty();
      if (schedule != null) {
        if (!Files.isReadable(schedule)) {
          throw new UserError("--schedule: cannot read " + schedule);
        }
        replay = Optional.of(Schedule.fromJson(Files.readString(schedule), nodes));
      }
      return new Simulation.Options(nodes, steps, f, reads, bugs, replay);
    } catch (IllegalArgumentException e) {
      throw new UserError((e.getMessage().startsWith("unknown bug") ? "--inject-bug: " : "")
          + (schedule != null && e.getMessage().startsWith("schedule") ? schedule + ": " : "") + e.getMessage());
    }
  }

  /** The command that reruns one seed exactly. */
  private String replay(long seed) {
    return "refraft simulate --seed " + seed + " --nodes " + nodes + " --steps " + steps + " --faults "
        + faults + (reads ? "" : " --no-reads") + (injectBug == null ? "" : " --inject-bug " + injectBug);
  }

  /** Prints and writes a failure; shrinks the schedule of the first one only (each shrink step is a whole run). */
  private void reportFailure(PrintWriter o, SimResult r, boolean shrink) throws IOException {
    if (out == null) {
      out = Files.createTempDirectory("refraft-simulate-");
    }
    Path dir = out.resolve("seed-" + r.seed());
    r.writeTo(dir);
    o.println("FAILED seed " + r.seed() + ": " + r.failure().get());
    o.println("traces, history.edn, schedule.json and summary in " + dir);
    String replay = replay(r.seed());
    o.println("replay: " + replay);
    if (!shrink || shrinkRuns == 0 || r.schedule().faults().isEmpty()) {
      return;
    }
    o.flush();
    Shrinker.Shrunk shrunk = Shrinker.shrink(r, shrinkRuns, x -> { });
    Path shrunkDir = out.resolve("seed-" + r.seed() + "-shrunk");
    shrunk.result().writeTo(shrunkDir);
    o.println("shrunk the fault schedule from " + r.schedule().faults().size() + " to "
        + shrunk.schedule().faults().size() + " faults in " + shrunk.runs() + " re-runs; it still fails: "
        + shrunk.result().failure().orElse(""));
    o.print(shrunk.schedule().describe().indent(2));
    o.println("replay: " + replay + " --schedule " + shrunkDir.resolve("schedule.json"));
  }
}
