package io.refraft.verification.sim;

import java.util.function.Consumer;

/**
 * Shrinks a failing run's fault schedule: with the same seed (so network, timers and clients draw
 * the same numbers), it removes faults while the run still fails in the same way — first halves of
 * the schedule, then quarters, down to single faults (a greedy form of Zeller's delta debugging).
 * Bounded by a number of re-runs, since each is a whole simulation.
 */
public final class Shrinker {
  private Shrinker() {}

  /**
   * The smallest failing schedule found, the run that failed with it (with its trace text), and how
   * many re-runs it took (not counting the one that wrote the text).
   */
  public record Shrunk(Schedule schedule, SimResult result, int runs) {}

  /**
   * @param failed  a failed run (its {@link SimResult#schedule()} is shrunk)
   * @param maxRuns at most this many re-runs
   * @param progress hears each smaller failing schedule as it is found
   */
  public static Shrunk shrink(SimResult failed, int maxRuns, Consumer<SimResult> progress) {
    if (failed.passed()) {
      throw new IllegalArgumentException("seed " + failed.seed() + " passed: nothing to shrink");
    }
    String kind = kind(failed);
    SimResult best = failed;
    Schedule s = failed.schedule();
    int runs = 0;
    for (int chunk = Math.max(1, s.faults().size() / 2); chunk >= 1 && runs < maxRuns; chunk /= 2) {
      int i = 0;
      while (i < s.faults().size() && runs < maxRuns) {
        Schedule candidate = s.without(i, Math.min(s.faults().size(), i + chunk));
        SimResult r = Simulation.runWithoutText(failed.seed(), failed.options().withSchedule(candidate));
        runs++;
        if (!r.passed() && kind(r).equals(kind)) {
          s = candidate;
          best = r;
          progress.accept(r);
        } else {
          i += chunk;
        }
      }
    }
    return new Shrunk(s, Simulation.withText(best), runs);
  }

  /** What kind of failure: the check's name before the first colon ("Elle", "trace validation", ...). */
  static String kind(SimResult r) {
    String f = r.failure().orElse("");
    int colon = f.indexOf(':');
    return colon < 0 ? f : f.substring(0, colon);
  }
}
