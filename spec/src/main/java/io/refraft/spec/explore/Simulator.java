package io.refraft.spec.explore;

import io.refraft.spec.check.Cluster;
import io.refraft.spec.check.Event;
import io.refraft.spec.check.Invariant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * Random deep simulation of the cluster model, like TLC's {@code -simulate}: seeded random walks
 * from the initial state, each of at most {@code depth} events, every invariant checked after
 * every event, until {@code steps} events have been taken or an invariant fails. A failing walk
 * is shrunk to a short one that still fails the same invariant, by removing events while it
 * still does (delta debugging).
 */
public final class Simulator {
  private final RaftModel model;
  private final Bounds bounds;

  public Simulator(RaftModel model, Bounds bounds) {
    this.model = model;
    this.bounds = bounds;
  }

  /** The outcome of a simulation run. */
  public record Result(long seed, long steps, long walks, Optional<ModelChecker.Counterexample> counterexample,
      int unshrunkLength) {}

  public Result run(long seed, long steps, int depth) {
    if (steps < 1 || depth < 1) {
      throw new IllegalArgumentException("--steps and --depth must be >= 1");
    }
    SplittableRandom random = new SplittableRandom(seed);
    long taken = 0;
    long walks = 0;
    while (taken < steps) {
      walks++;
      Cluster c = model.initial();
      List<Event> walk = new ArrayList<>();
      for (int d = 0; d < depth && taken < steps; d++) {
        List<Event> events = new ArrayList<>(model.events(c));
        Cluster.Step step = null;
        // Draw events until one is enabled and within bounds (or breaks a step invariant even out of
        // bounds); each draw computes one successor, not all of them.
        while (step == null && !events.isEmpty()) {
          Event e = events.remove(random.nextInt(events.size()));
          Optional<Cluster.Step> s = c.next(e, model::step);
          if (s.isPresent() && (bounds.admits(s.get().next()) || Replay.violation(c, s.get()).isPresent())) {
            step = s.get();
          }
        }
        if (step == null) {
          break;
        }
        taken++;
        walk.add(step.event());
        Optional<Invariant.Violation> v = Replay.violation(c, step);
        if (v.isEmpty()) {
          v = Invariant.check(step.next());
        }
        if (v.isPresent()) {
          int length = walk.size();
          ModelChecker.Counterexample cx = Replay.shrink(model, walk, v.get().invariant());
          return new Result(seed, taken, walks, Optional.of(cx), length);
        }
        c = step.next();
      }
    }
    return new Result(seed, taken, walks, Optional.empty(), 0);
  }
}
