package io.refraft.cli;

import io.refraft.spec.explore.Checkpoint;
import io.refraft.spec.explore.ModelChecker;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * One {@code spec check} run with its memory budget, spill directory, progress lines, periodic
 * checkpoints and resumption, around {@link ModelChecker#run}. The clock decides only when to
 * print and when to ask for a checkpoint, never what is explored.
 */
final class CheckRun {
  private CheckRun() {}

  static ModelChecker.Result run(SpecCommand.Check c, ModelChecker mc) throws IOException {
    long memory = c.memory == null ? Runtime.getRuntime().maxMemory() / 2 : CheckFiles.parseSize("--memory", c.memory);
    int progressSeconds = c.progress == null ? 10 : c.progress;
    int interval = c.checkpointInterval == null ? 600 : c.checkpointInterval;
    if (progressSeconds < 0) {
      throw new UserError("--progress must be >= 0 seconds, got " + progressSeconds);
    }
    if (interval < 1) {
      throw new UserError("--checkpoint-interval must be >= 1 second, got " + interval);
    }
    boolean checkpoints = c.checkpoint != null || c.resume != null;
    if (checkpoints && c.exact) {
      throw new UserError("--checkpoint and --resume need fingerprints, not --exact");
    }
    if (c.checkpoint != null && !Files.isDirectory(c.checkpoint)) {
      throw new UserError("--checkpoint: directory " + c.checkpoint + " does not exist");
    }
    if (c.stopAt != null && c.checkpoint == null) {
      throw new UserError("--stop-at needs --checkpoint");
    }
    if (checkpoints) {
      mc.withIdentity("build", CheckFiles.buildId());
    }
    if (c.resume != null) {
      try (InputStream in = CheckFiles.openCheckpoint(c.resume)) {
        mc.resumeFrom(CheckFiles.source(in));
      } catch (Checkpoint.Mismatch e) {
        throw new UserError("--resume " + c.resume + ": " + e.getMessage());
      }
    }
    if (c.checkpoint != null) {
      mc.withCheckpoints(CheckFiles.checkpointsIn(c.checkpoint));
    }
    if (c.stopAt != null) {
      mc.stopAt(c.stopAt);
    }
    PrintWriter err = c.spec.commandLine().getErr();
    try (CheckFiles.SpillDir spill = new CheckFiles.SpillDir()) {
      mc.withMemory(memory, spill);
      ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "spec-check-progress");
        t.setDaemon(true);
        return t;
      });
      long start = System.nanoTime();
      try {
        if (progressSeconds > 0) {
          long[] before = {0};
          Eta eta = new Eta();
          timer.scheduleAtFixedRate(() -> {
            ModelChecker.Progress p = mc.progress();
            CheckFiles.printProgress(err, System.nanoTime() - start, p, before[0], progressSeconds, eta);
            before[0] = p.distinct();
          }, progressSeconds, progressSeconds, TimeUnit.SECONDS);
        }
        if (c.checkpoint != null) {
          timer.scheduleAtFixedRate(mc::requestCheckpoint, interval, interval, TimeUnit.SECONDS);
        }
        return mc.run(System::nanoTime);
      } finally {
        timer.shutdownNow();
      }
    }
  }
}
