package io.refraft.spec.explore;

import io.refraft.spec.NodeId;
import io.refraft.spec.check.Cluster;
import io.refraft.spec.check.DurabilityInvariant;
import io.refraft.spec.check.Event;
import io.refraft.spec.check.Invariant;
import io.refraft.spec.check.StepInvariant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Replaying event sequences on the cluster model, and shrinking failing ones. */
final class Replay {
  private Replay() {}

  /** The step invariant {@code step} breaks, if any. */
  static Optional<Invariant.Violation> violation(Cluster before, Cluster.Step step) {
    if (step.node().isEmpty() || step.transition().isEmpty()) {
      return Optional.empty();
    }
    NodeId id = step.node().get();
    return StepInvariant.check(before.node(id), step.input().orElseThrow(), step.transition().get().next())
        .or(() -> DurabilityInvariant.check(step));
  }

  /**
   * Replays {@code events} from the initial state, skipping those not enabled; returns the steps
   * up to and including the first that violates {@code invariant}, or empty if none does.
   */
  static Optional<ModelChecker.Counterexample> replay(RaftModel model, List<Event> events, String invariant) {
    Cluster init = model.initial();
    Cluster c = init;
    List<Cluster.Step> steps = new ArrayList<>();
    for (Event e : events) {
      Optional<Cluster.Step> s = c.next(e, model::step);
      if (s.isEmpty()) {
        continue;
      }
      steps.add(s.get());
      Optional<Invariant.Violation> v = violation(c, s.get());
      if (v.isEmpty()) {
        v = Invariant.check(s.get().next());
      }
      if (v.isPresent() && v.get().invariant().equals(invariant)) {
        return Optional.of(new ModelChecker.Counterexample(v.get(), init, steps));
      }
      c = s.get().next();
    }
    return Optional.empty();
  }

  /** Removes chunks of events, halving the chunk size, while the walk still violates {@code invariant}. */
  static ModelChecker.Counterexample shrink(RaftModel model, List<Event> walk, String invariant) {
    List<Event> best = new ArrayList<>(walk);
    ModelChecker.Counterexample cx = replay(model, best, invariant)
        .orElseThrow(() -> new IllegalStateException("a failing walk did not fail on replay"));
    for (int chunk = Math.max(1, best.size() / 2); chunk >= 1; chunk /= 2) {
      boolean progress = true;
      while (progress) {
        progress = false;
        for (int from = 0; from + chunk <= best.size(); from += chunk) {
          List<Event> candidate = new ArrayList<>(best.subList(0, from));
          candidate.addAll(best.subList(from + chunk, best.size()));
          Optional<ModelChecker.Counterexample> r = replay(model, candidate, invariant);
          if (r.isPresent()) {
            best = events(r.get());
            cx = r.get();
            progress = true;
            break;
          }
        }
      }
    }
    return cx;
  }

  private static List<Event> events(ModelChecker.Counterexample cx) {
    List<Event> es = new ArrayList<>();
    for (Cluster.Step s : cx.steps()) {
      es.add(s.event());
    }
    return es;
  }
}
