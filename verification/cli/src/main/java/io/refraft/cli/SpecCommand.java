package io.refraft.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.RawValue;
import io.refraft.spec.check.Faults;
import io.refraft.traces.ClusterTraces;
import io.refraft.traces.TraceFormatException;
import io.refraft.verification.trace.TraceValidator;
import io.refraft.verification.view.TraceView;
import io.refraft.spec.explore.Bounds;
import io.refraft.spec.explore.CounterexampleFormat;
import io.refraft.spec.explore.RaftModel;
import io.refraft.spec.explore.ModelChecker;
import io.refraft.spec.explore.Mutant;
import io.refraft.spec.explore.Simulator;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code refraft spec}: model checking, random simulation and the mutants of the spec. */
@Command(name = "spec", description = "Model-check or simulate the Raft spec.",
    subcommands = {SpecCommand.Check.class, SpecCommand.Simulate.class, SpecCommand.Mutants.class},
    mixinStandardHelpOptions = true)
final class SpecCommand implements Runnable {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new picocli.CommandLine.ParameterException(spec.commandLine(), "Missing subcommand: check, simulate or mutants");
  }

  /** The options shared by check and simulate. */
  static final class ModelOptions {
    @Option(names = "--servers", description = "Cluster size (1..7). Default: 3.") Integer servers;
    @Option(names = "--values", description = "Distinct client values (0..4). Default: 1.") Integer values;
    @Option(names = "--max-term", description = "Bound on every term (1..8). Default: 2.") Integer maxTerm;
    @Option(names = "--max-log", description = "Bound on every log's length (0..8). Default: 2.") Integer maxLog;
    @Option(names = "--max-msgs", description = "Bound on messages in flight, duplicates counted (0..16). Default: 1.")
    Integer maxMsgs;
    @Option(names = "--max-restarts", description = "Bound on restarts in total, -1 for none. Default: -1.")
    Integer maxRestarts;
    @Option(names = "--faults", description = "Comma-separated subset of drop,dup,restart, or none. Default: all.")
    String faults;
    @Option(names = "--prevote", description = "on|off. Default: on (raft-tla profile: off).") String prevote;
    @Option(names = "--check-quorum", description = "on|off. Default: on (raft-tla profile: off).") String checkQuorum;
    @Option(names = "--leader-noop", description = "on|off. Default: on (raft-tla profile: off).") String leaderNoop;
    @Option(names = "--batch", description = "Entries per AppendEntries (1..8). Default: 1.") Integer batch;
    @Option(names = "--profile", description = "raft-tla: match ongardie/raft.tla (no pre-vote, no check-quorum, "
        + "one entry per message, no leader no-op, faults drop,dup,restart).") String profile;
    @Option(names = "--mutant", description = "A deliberate bug to check for (see 'refraft spec mutants').") String mutant;
    @Option(names = "--reads", description = "Client reads (ReadIndex) arriving at leaders in total (0..4). Default: 0.")
    Integer reads;
    @Option(names = "--max-pending", description = "Writes a server may have asked for before storage confirms them "
        + "(0..4); 0 is synchronous persistence. Default: 1 (raft-tla profile: 0).") Integer maxPending;
    @Option(names = "--snapshots", description = "on|off: servers compact what they applied into snapshots and leaders "
        + "send InstallSnapshot. Default: off.") String snapshots;
    @Option(names = "--joining", description = "Servers outside the initial configuration that a change may add "
        + "(0..2; servers + joining <= 7). Default: 0.") Integer joining;
    @Option(names = "--reconfig", description = "Operator requests leaders receive: comma-separated subset of single "
        + "(single-server changes), joint (joint consensus), transfer (leadership transfer), or none. Default: none.")
    String reconfig;
    @Option(names = "--conf-on-apply", description = "on|off: a configuration takes effect when applied (etcd-io/raft) "
        + "instead of when appended (the thesis). Default: off.") String confOnApply;

    /** The mutant named by --mutant, if any. */
    Optional<Mutant> mutant() {
      if (mutant == null) {
        return Optional.empty();
      }
      Optional<Mutant> m = Mutant.byName(mutant);
      if (m.isEmpty()) {
        throw new UserError("--mutant: unknown mutant '" + mutant + "' (see 'refraft spec mutants')");
      }
      return m;
    }

    /** Fills what the user left unset with what the mutant needs (see Mutant.settings). */
    void applyMutantSettings() {
      Optional<Mutant.Settings> st = mutant().flatMap(Mutant::settings);
      if (st.isEmpty() || profile != null) {
        return;
      }
      Mutant.Settings x = st.get();
      maxTerm = maxTerm == null ? x.maxTerm() : maxTerm;
      maxLog = maxLog == null ? x.maxLog() : maxLog;
      prevote = prevote == null ? (x.preVote() ? "on" : "off") : prevote;
      checkQuorum = checkQuorum == null ? (x.checkQuorum() ? "on" : "off") : checkQuorum;
      leaderNoop = leaderNoop == null ? (x.leaderNoop() ? "on" : "off") : leaderNoop;
      reads = reads == null ? x.reads() : reads;
      maxPending = maxPending == null ? x.maxPending() : maxPending;
      maxMsgs = maxMsgs == null ? x.maxMsgs() : maxMsgs;
      values = values == null ? x.values() : values;
      snapshots = snapshots == null ? (x.snapshots() ? "on" : "off") : snapshots;
      joining = joining == null ? x.joining() : joining;
      if (reconfig == null) {
        io.refraft.spec.check.Reconfig r = x.reconfig();
        reconfig = !r.any() ? "none" : String.join(",", java.util.stream.Stream.of(r.single() ? "single" : null,
            r.joint() ? "joint" : null, r.transfer() ? "transfer" : null).filter(java.util.Objects::nonNull).toList());
      }
      confOnApply = confOnApply == null ? (x.confOnApply() ? "on" : "off") : confOnApply;
      if (faults == null) {
        Faults f = x.faults();
        faults = f.equals(Faults.NONE) ? "none"
            : String.join(",", java.util.stream.Stream.of(f.drop() ? "drop" : null, f.duplicate() ? "dup" : null,
                f.restart() ? "restart" : null).filter(java.util.Objects::nonNull).toList());
      }
    }

    /** The options as a command line suffix, for a trace's description. */
    String describe(Bounds b) {
      return (mutant == null ? "" : " --mutant " + mutant) + (profile == null ? "" : " --profile " + profile)
          + " bounds " + b.toJson();
    }

    Bounds bounds() {
      applyMutantSettings();
      Bounds d = Bounds.defaults();
      try {
        int pending = or(maxPending, "raft-tla".equals(profile) ? 0 : d.maxPending());
        return new Bounds(or(servers, d.servers()), or(values, d.values()), or(maxTerm, d.maxTerm()),
            or(maxLog, d.maxLog()), or(maxMsgs, d.maxMsgs()), or(maxRestarts, d.maxRestarts()), or(reads, d.reads()),
            pending, onOff("--snapshots", snapshots, false));
      } catch (IllegalArgumentException e) {
        throw new UserError(e.getMessage());
      }
    }

    RaftModel model(Bounds bounds) {
      boolean tla = false;
      if (profile != null) {
        if (!profile.equals("raft-tla")) {
          throw new UserError("--profile: unknown profile '" + profile + "' (known: raft-tla)");
        }
        tla = true;
      }
      int b = or(batch, 1);
      if (b < 1 || b > 8) {
        throw new UserError("--batch must be in 1..8, got " + b);
      }
      Optional<Mutant> m = mutant();
      int join = or(joining, 0);
      if (join < 0 || join > 2 || bounds.servers() + join > 7) {
        throw new UserError("--joining must be in 0..2 with --servers + --joining <= 7, got " + join);
      }
      return RaftModel.of(bounds, onOff("--prevote", prevote, !tla), onOff("--check-quorum", checkQuorum, !tla), b,
          onOff("--leader-noop", leaderNoop, !tla), faults(), m)
          .withReconfig(join, reconfig())
          .withConfOnApply(onOff("--conf-on-apply", confOnApply, false));
    }

    private io.refraft.spec.check.Reconfig reconfig() {
      if (reconfig == null || reconfig.equals("none")) {
        return io.refraft.spec.check.Reconfig.NONE;
      }
      boolean single = false;
      boolean joint = false;
      boolean transfer = false;
      for (String r : reconfig.split(",")) {
        switch (r.trim().toLowerCase(Locale.ROOT)) {
          case "single" -> single = true;
          case "joint" -> joint = true;
          case "transfer" -> transfer = true;
          default -> throw new UserError("--reconfig: unknown request '" + r
              + "' (allowed: single, joint, transfer, or none)");
        }
      }
      return new io.refraft.spec.check.Reconfig(single, joint, transfer);
    }

    private Faults faults() {
      if (faults == null) {
        return Faults.ALL;
      }
      if (faults.equals("none")) {
        return Faults.NONE;
      }
      boolean drop = false;
      boolean dup = false;
      boolean restart = false;
      for (String f : faults.split(",")) {
        switch (f.trim().toLowerCase(Locale.ROOT)) {
          case "drop" -> drop = true;
          case "dup" -> dup = true;
          case "restart" -> restart = true;
          default -> throw new UserError("--faults: unknown fault '" + f + "' (allowed: drop, dup, restart, or none)");
        }
      }
      return new Faults(drop, dup, restart);
    }

    private static boolean onOff(String name, String v, boolean dflt) {
      if (v == null) {
        return dflt;
      }
      return switch (v) {
        case "on" -> true;
        case "off" -> false;
        default -> throw new UserError(name + " must be on or off, got '" + v + "'");
      };
    }

    private static int or(Integer v, int d) {
      return v == null ? d : v;
    }
  }

  @Command(name = "check", description = "Exhaustive bounded model checking (BFS). Exit 0 no violation, 1 violation.",
      mixinStandardHelpOptions = true)
  static final class Check implements Callable<Integer> {
    @Spec picocli.CommandLine.Model.CommandSpec spec;
    @Mixin ModelOptionsMixin opts;
    @Option(names = "--symmetry", description = "on|off: symmetry reduction over server ids. Default: on.")
    String symmetry;
    @Option(names = "--workers", description = "Parallel workers (1..64). Default: available processors.")
    Integer workers;
    @Option(names = "--exact", description = "Keep every state whole and tell states apart by equality instead of "
        + "by 64-bit fingerprint (no collision possible; memory grows with the states; needs --symmetry off).")
    boolean exact;
    @Option(names = "--out", description = "Where to write a counterexample as a trace (traces/FORMAT.md); "
        + "'refraft verify-trace' replays it against the correct spec.") Path out;
    @Option(names = "--view", paramLabel = "FILE.html", description = "Where to write a counterexample's view "
        + "(as 'refraft view' draws it, steps numbered as printed here).") Path view;
    @Option(names = "--memory", paramLabel = "SIZE", description = "Memory for the seen set and the queue of states "
        + "together, e.g. 512m or 8g; beyond it the queue spills to a temporary directory. Default: half the JVM's "
        + "heap.") String memory;
    @Option(names = "--progress", paramLabel = "SECONDS", description = "A progress line to stderr every SECONDS "
        + "(0: none). Default: 10.") Integer progress;
    @Option(names = "--checkpoint", paramLabel = "DIR", description = "Write the seen set and the queue to "
        + "DIR/checkpoint.bin every --checkpoint-interval seconds (replaced atomically), for --resume.")
    Path checkpoint;
    @Option(names = "--checkpoint-interval", paramLabel = "SECONDS", description = "Default: 600.")
    Integer checkpointInterval;
    @Option(names = "--resume", paramLabel = "DIR", description = "Continue the run whose checkpoint is in DIR "
        + "(same bounds, options and build; exit 2 naming what differs).") Path resume;
    @Option(names = "--recovery", description = "on|off: after safety, check that recovery is always possible: from "
        + "every state some path without faults reaches exactly one leader whose log every server has committed "
        + "(spec/README.md). Default: off (on for a mutant only it catches).") String recovery;
    @Option(names = "--stop-at", paramLabel = "STATES", hidden = true, description = "Checkpoint and stop (exit 3) "
        + "once STATES distinct states are seen.") Long stopAt;

    @Override
    public Integer call() throws IOException {
      Bounds bounds = opts.o.bounds();
      RaftModel model = opts.o.model(bounds);
      checkOutDir(view);
      boolean sym = symmetry == null || ModelOptions.onOff("--symmetry", symmetry, true);
      if (sym && !model.symmetric()) {
        if (symmetry != null) {
          throw new UserError("--symmetry on: servers are not interchangeable with --joining or --reconfig (a "
              + "configuration names them); use --symmetry off");
        }
        sym = false; // the default, turned off: what the summary reports is what ran
      }
      int w = workers == null ? Runtime.getRuntime().availableProcessors() : workers;
      if (w < 1 || w > 64) {
        throw new UserError("--workers must be in 1..64, got " + w);
      }
      checkOutDir(this.out);
      PrintWriter out = spec.commandLine().getOut();
      if (exact && sym) {
        throw new UserError("--exact compares whole states and needs --symmetry off");
      }
      boolean rec = recovery == null ? opts.o.mutant().map(Mutant::needsRecoveryCheck).orElse(false)
          : ModelOptions.onOff("--recovery", recovery, false);
      if (rec && (exact || checkpoint != null || resume != null)) {
        throw new UserError("--recovery on needs one uninterrupted run with fingerprints: not with --exact, "
            + "--checkpoint or --resume");
      }
      ModelChecker mc = new ModelChecker(model, bounds, sym, w, exact).withRecovery(rec);
      ModelChecker.Result r;
      try {
        r = CheckRun.run(this, mc);
      } catch (java.io.UncheckedIOException e) {
        // No verdict: spilling or checkpointing failed (a full disk); the last checkpoint stays as it was.
        spec.commandLine().getErr().println("refraft: spec check could not finish: " + e.getMessage());
        ObjectNode o = Summary.of(Summary.Verdict.UNKNOWN);
        o.put("reason", "could not finish: " + e.getMessage());
        o.putRawValue("bounds", new RawValue(bounds.toJson()));
        return Summary.print(out, o);
      } catch (IllegalStateException | OutOfMemoryError e) {
        if (!(e instanceof OutOfMemoryError) && !(e.getCause() instanceof OutOfMemoryError)) {
          throw e;
        }
        // No verdict: the space did not fit in the heap. Say so, not a stack trace that reads as a failure.
        spec.commandLine().getErr().println("refraft: spec check ran out of memory before exploring every state"
            + " within the bounds; lower the bounds or give the JVM more heap (JAVA_TOOL_OPTIONS=-Xmx...)");
        ObjectNode o = Summary.of(Summary.Verdict.UNKNOWN);
        o.put("reason", "out of memory");
        o.putRawValue("bounds", new RawValue(bounds.toJson()));
        return Summary.print(out, o);
      }
      if (r.stopped()) {
        ObjectNode o = Summary.of(Summary.Verdict.UNKNOWN);
        o.put("reason", "stopped at a checkpoint").put("distinct_states", r.distinctStates())
            .put("states_generated", r.statesGenerated()).put("depth", r.depth());
        o.putRawValue("bounds", new RawValue(bounds.toJson()));
        return Summary.print(out, o);
      }
      String invariant = null;
      if (r.counterexample().isPresent()) {
        ModelChecker.Counterexample cx = r.counterexample().get();
        out.println((cx.violation().invariant().equals("Recovery") ? "Recovery counterexample (" + cx.steps().size()
            + " steps to a state that cannot recover):" : "Counterexample (" + cx.steps().size() + " steps):"));
        CounterexampleFormat.readable(cx).forEach(out::println);
        if (out != null && this.out != null) {
          if (writeCounterexample(this.out, cx, "refraft spec check" + opts.o.describe(bounds), out)) {
            out.println("trace written to " + this.out);
          }
        }
        if (view != null) {
          writeView(out, view, ClusterTraces.counterexample(cx, "refraft spec check" + opts.o.describe(bounds)));
        }
        invariant = cx.violation().invariant();
      }
      // "result" (ok or violation) stays beside "valid" for scripts written before the shared vocabulary
      ObjectNode o = Summary.of(Summary.Verdict.of(!r.violated()));
      o.put("result", r.violated() ? "violation" : "ok").put("distinct_states", r.distinctStates())
          .put("states_generated", r.statesGenerated()).put("depth", r.depth()).put("seconds", seconds(r.nanos() / 1e9));
      o.putRawValue("bounds", new RawValue(bounds.toJson()));
      o.put("symmetry", sym).put("workers", w).put("exact", exact)
          .put("collision_probability", exact ? 0.0 : ModelChecker.collisionProbability(r));
      if (invariant != null) {
        o.put("invariant", invariant);
      }
      o.put("recovery", rec);
      mc.recoveryCheck().ifPresent(rc -> o.putObject("recovery_check").put("states_beyond_bounds",
          rc.statesBeyondBounds()).put("edges", rc.edges()).put("unrecoverable", rc.unrecoverable())
          .put("seconds", seconds(rc.nanos() / 1e9)));
      return Summary.print(out, o);
    }
  }

  @Command(name = "simulate", description = "Seeded random walks checking every invariant. Exit 0 none violated, 1 violation.",
      mixinStandardHelpOptions = true)
  static final class Simulate implements Callable<Integer> {
    @Spec picocli.CommandLine.Model.CommandSpec spec;
    @Mixin ModelOptionsMixin opts;
    @Option(names = "--steps", description = "Events in total. Default: 1000000.") Long steps;
    @Option(names = "--depth", description = "Events per walk before starting over. Default: 100.") Integer depth;
    @Option(names = "--seed", description = "PRNG seed. Default: drawn, and printed.") Long seed;
    @Option(names = "--out", description = "Where to write a counterexample as a trace (traces/FORMAT.md); "
        + "'refraft verify-trace' replays it against the correct spec.") Path out;

    @Override
    public Integer call() throws IOException {
      Bounds bounds = opts.o.bounds();
      RaftModel model = opts.o.model(bounds);
      long n = steps == null ? 1_000_000 : steps;
      int d = depth == null ? 100 : depth;
      if (n < 1) {
        throw new UserError("--steps must be >= 1, got " + n);
      }
      if (d < 1) {
        throw new UserError("--depth must be >= 1, got " + d);
      }
      checkOutDir(this.out);
      long s = seed == null ? new java.security.SecureRandom().nextLong() : seed;
      PrintWriter out = spec.commandLine().getOut();
      out.println("seed " + s);
      out.flush();
      long start = System.nanoTime();
      Simulator.Result r = new Simulator(model, bounds).run(s, n, d);
      double secs = (System.nanoTime() - start) / 1e9;
      ModelChecker.Counterexample found = null;
      if (r.counterexample().isPresent()) {
        ModelChecker.Counterexample cx = r.counterexample().get();
        out.println("Counterexample (shrunk from " + r.unshrunkLength() + " to " + cx.steps().size() + " steps):");
        CounterexampleFormat.readable(cx).forEach(out::println);
        if (this.out != null) {
          if (writeCounterexample(this.out, cx, "refraft spec check" + opts.o.describe(bounds), out)) {
            out.println("trace written to " + this.out);
          }
        }
        found = cx;
      }
      ObjectNode o = Summary.of(Summary.Verdict.of(found == null));
      o.put("result", found != null ? "violation" : "ok").put("seed", s).put("steps", r.steps()).put("walks", r.walks())
          .put("seconds", seconds(secs)).put("steps_per_second", Math.round(r.steps() / secs));
      o.putRawValue("bounds", new RawValue(bounds.toJson()));
      if (found != null) {
        o.put("invariant", found.violation().invariant()).put("counterexample_steps", found.steps().size());
      }
      return Summary.print(out, o);
    }
  }

  @Command(name = "mutants", description = "List the named mutants 'spec check --mutant' takes: one per line, the "
      + "name, a tab, and what the bug does with the paper section or real bug it stands for.",
      mixinStandardHelpOptions = true)
  static final class Mutants implements Callable<Integer> {
    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      for (Mutant m : Mutant.values()) {
        spec.commandLine().getOut().println(m.cliName() + "\t" + m.description());
      }
      spec.commandLine().getOut().flush();
      return 0;
    }
  }

  /** picocli mixin wrapper (mixins must be public-ish classes with a no-arg constructor). */
  static final class ModelOptionsMixin {
    @picocli.CommandLine.ArgGroup(exclusive = false) ModelOptions o = new ModelOptions();
  }

  /** Writes a counterexample as a trace (with asynchronous persistence when the run had it). */
  static boolean writeCounterexample(Path file, ModelChecker.Counterexample cx, String description, PrintWriter out)
      throws IOException {
    writeAtomically(file, ClusterTraces.counterexample(cx, description));
    return true;
  }

  /** Seconds rounded to milliseconds, as every summary gives them. */
  private static double seconds(double s) {
    return Math.round(s * 1000) / 1000.0;
  }

  /** Fails before any work when --out names a file in a directory that is missing or not writable. */
  static void checkOutDir(Path target) {
    if (target == null) {
      return;
    }
    Path dir = target.toAbsolutePath().getParent();
    if (dir == null || !Files.isDirectory(dir)) {
      throw new UserError("--out: directory " + dir + " does not exist");
    }
    if (!Files.isWritable(dir)) {
      throw new UserError("--out: directory " + dir + " is not writable");
    }
  }

  /**
   * Writes the view of a counterexample trace to {@code target}: the validator replays it against
   * the correct spec, so the mutant's first wrong step shows as the divergence.
   */
  static void writeView(PrintWriter out, Path target, String trace) throws IOException {
    Path dir = Files.createTempDirectory(target.toAbsolutePath().getParent(), ".refraft-cx-");
    Path tmp = dir.resolve("counterexample.ndjson");
    try {
      Files.writeString(tmp, trace, StandardCharsets.UTF_8);
      TraceView.write(List.of(tmp), false, TraceValidator.Options.defaults(), target, "counterexample");
      out.println("view written to " + target);
    } catch (TraceFormatException e) {
      throw new IllegalStateException("the model checker wrote a malformed trace: " + e.getMessage(), e);
    } finally {
      Files.deleteIfExists(tmp);
      Files.deleteIfExists(dir);
    }
  }

  static void writeAtomically(Path target, String content) throws IOException {
    Path dir = target.toAbsolutePath().getParent();
    if (dir == null || !Files.isDirectory(dir)) {
      throw new UserError("--out: directory " + dir + " does not exist");
    }
    Path tmp = Files.createTempFile(dir, ".refraft-", ".tmp");
    try {
      Files.writeString(tmp, content, StandardCharsets.UTF_8);
      try (var ch = java.nio.channels.FileChannel.open(tmp, java.nio.file.StandardOpenOption.WRITE)) {
        ch.force(true);
      }
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }
}
