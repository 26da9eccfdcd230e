package io.refraft.spec.explore;

import io.refraft.spec.check.Cluster;
import io.refraft.spec.check.Event;
import io.refraft.spec.check.Ghost;
import io.refraft.spec.check.Invariant;
import io.refraft.spec.check.StepInvariant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Explicit-state model checking of the cluster model: breadth-first search over all states within
 * the bounds, deduplicated by 64-bit fingerprints (canonical under server renaming when symmetry
 * is on), every state invariant checked on every new state and every step invariant on every
 * transition. Breadth-first order makes the first violation found a shortest one; the search
 * stops there and rebuilds the path from the recorded parents, as TLC does.
 *
 * <p>Workers expand one BFS level in parallel; the distinct-state count, the states generated and
 * the depth do not depend on the number of workers or their timing, and every counterexample is a
 * shortest one. Which of several equally short ones is reported is fixed with one worker and may
 * vary with more.
 */
public final class ModelChecker {
  private static final int CHUNK = 64;

  private final RaftModel model;
  private final Bounds bounds;
  private final int workers;
  private final Fingerprint fingerprint;
  private final FingerprintSet seen = new FingerprintSet();
  /** With {@code exact}: every state kept whole and told apart by equals (fingerprints then only link parents). */
  private final java.util.Set<Cluster> exactStates;
  private final AtomicLong generated = new AtomicLong();

  public ModelChecker(RaftModel model, Bounds bounds, boolean symmetry, int workers) {
    this(model, bounds, symmetry, workers, false);
  }

  /**
   * @param exact keep every state whole and deduplicate by {@code equals} instead of by
   *     fingerprint (no collision can merge two states; memory grows with the states, so for small
   *     bounds); needs symmetry off, since whole states are not canonical under renaming
   */
  public ModelChecker(RaftModel model, Bounds bounds, boolean symmetry, int workers, boolean exact) {
    if (exact && symmetry) {
      throw new IllegalArgumentException("--exact compares whole states and needs --symmetry off");
    }
    this.exactStates = exact ? java.util.concurrent.ConcurrentHashMap.newKeySet() : null;
    if (workers < 1 || workers > 64) {
      throw new IllegalArgumentException("--workers must be in 1..64, got " + workers);
    }
    this.model = model;
    this.bounds = bounds;
    this.workers = workers;
    this.fingerprint = new Fingerprint(model.config().members(), symmetry, bounds.maxRestarts() >= 0);
  }

  /** The outcome of a check. */
  public record Result(boolean violated, long distinctStates, long statesGenerated, int depth, long nanos,
      Bounds bounds, Optional<Counterexample> counterexample) {}

  /** A shortest path from the initial state to a violation, and what was violated. */
  public record Counterexample(Invariant.Violation violation, Cluster initial, List<Cluster.Step> steps) {}

  /** Where a violation was found: the state it was reached from, and the event taken there. */
  private record Found(int frontierIndex, int eventIndex, Cluster from, Event event, Invariant.Violation violation) {}

  /** Runs the search; {@code nanoClock} only measures elapsed time for the result. */
  public Result run(java.util.function.LongSupplier nanoClock) {
    long start = nanoClock.getAsLong();
    Cluster init = Cluster.initial(model.config());
    long initFp = fingerprint.of(init);
    seen.add(initFp, 0);
    if (exactStates != null) {
      exactStates.add(view(init));
    }
    Optional<Invariant.Violation> initViolation = Invariant.check(init);
    if (initViolation.isPresent()) {
      return new Result(true, 1, 1, 1, nanoClock.getAsLong() - start, bounds,
          Optional.of(new Counterexample(initViolation.get(), init, List.of())));
    }
    generated.set(1);
    List<Cluster> frontier = List.of(init);
    int depth = 1;
    ExecutorService pool = Executors.newFixedThreadPool(workers);
    try {
      while (!frontier.isEmpty()) {
        Level level = expand(frontier, pool);
        if (level.found != null) {
          Counterexample cx = rebuild(init, level.found);
          return new Result(true, distinct(), generated.get(), depth + 1, nanoClock.getAsLong() - start, bounds,
              Optional.of(cx));
        }
        if (!level.next.isEmpty()) {
          depth++;
        }
        frontier = level.next;
      }
    } finally {
      pool.shutdownNow();
    }
    return new Result(false, distinct(), generated.get(), depth, nanoClock.getAsLong() - start, bounds,
        Optional.empty());
  }

  private record Level(List<Cluster> next, Found found) {}

  private Level expand(List<Cluster> frontier, ExecutorService pool) {
    AtomicInteger cursor = new AtomicInteger();
    List<Future<Level>> parts = new ArrayList<>();
    for (int w = 0; w < workers; w++) {
      parts.add(pool.submit(() -> expandPart(frontier, cursor)));
    }
    List<Cluster> next = new ArrayList<>();
    Found best = null;
    for (Future<Level> f : parts) {
      Level part;
      try {
        part = f.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("model checking interrupted", e);
      } catch (java.util.concurrent.ExecutionException e) {
        throw new IllegalStateException("model checking worker failed: " + e.getCause(), e.getCause());
      }
      next.addAll(part.next);
      if (part.found != null && (best == null || earlier(part.found, best))) {
        best = part.found;
      }
    }
    return new Level(next, best);
  }

  private static boolean earlier(Found a, Found b) {
    return a.frontierIndex < b.frontierIndex || (a.frontierIndex == b.frontierIndex && a.eventIndex < b.eventIndex);
  }

  private Level expandPart(List<Cluster> frontier, AtomicInteger cursor) {
    List<Cluster> next = new ArrayList<>();
    Found found = null;
    long gen = 0;
    for (int from = cursor.getAndAdd(CHUNK); from < frontier.size(); from = cursor.getAndAdd(CHUNK)) {
      for (int i = from; i < Math.min(from + CHUNK, frontier.size()); i++) {
        if (found != null && found.frontierIndex < i) {
          break; // a shorter-or-equal counterexample earlier in this level is already known here
        }
        Cluster c = frontier.get(i);
        long fp = fingerprint.of(c);
        List<Event> events = model.events(c);
        for (int e = 0; e < events.size(); e++) {
          Optional<Cluster.Step> step = c.next(events.get(e), model::step);
          if (step.isEmpty()) {
            continue;
          }
          gen++;
          Optional<Invariant.Violation> v = Replay.violation(c, step.get());
          if (v.isPresent()) {
            found = new Found(i, e, c, events.get(e), v.get());
            break;
          }
          Cluster succ = step.get().next();
          if (bounds.admits(succ) && isNew(succ, fp)) {
            Optional<Invariant.Violation> sv = Invariant.check(succ);
            if (sv.isPresent()) {
              found = new Found(i, e, c, events.get(e), sv.get());
              break;
            }
            next.add(succ);
          }
        }
      }
    }
    generated.addAndGet(gen);
    return new Level(next, found);
  }

  private long distinct() {
    return exactStates != null ? exactStates.size() : seen.size();
  }

  /** Whether {@code succ}, reached from the state of fingerprint {@code parent}, is seen for the first time. */
  private boolean isNew(Cluster succ, long parent) {
    if (exactStates == null) {
      return seen.add(fingerprint.of(succ), parent);
    }
    if (!exactStates.add(view(succ))) {
      return false;
    }
    seen.add(fingerprint.of(succ), parent); // the parent link only: rebuilding a path follows fingerprints
    return true;
  }

  /**
   * {@code c} as the fingerprint sees it (TLC's VIEW): without the ghost's restart count when
   * restarts are unbounded, since no invariant reads it and counting it would make the space
   * infinite (an exact search then never ends: every restart is a new state).
   */
  private Cluster view(Cluster c) {
    if (bounds.maxRestarts() >= 0 || c.ghost().restarts() == 0) {
      return c;
    }
    Ghost g = c.ghost();
    return new Cluster(c.nodes(), c.disks(), c.network(), new Ghost(g.leaders(), g.committed(), 0, g.reads()));
  }

  /**
   * TLC's optimistic estimate of the probability that two distinct states shared a fingerprint and
   * one was never explored: {@code n·(g−n)/2⁶⁴} for n distinct states and g states generated.
   */
  public static double collisionProbability(Result r) {
    return (double) r.distinctStates() * Math.max(0, r.statesGenerated() - r.distinctStates()) / 0x1p64;
  }

  /** Walks the parent fingerprints back to the initial state, then replays forward to recover the events. */
  private Counterexample rebuild(Cluster init, Found found) {
    List<Long> chain = new ArrayList<>();
    long fp = fingerprint.of(found.from);
    long initFp = fingerprint.of(init);
    while (fp != initFp) {
      chain.add(0, fp);
      fp = seen.parentOf(fp);
    }
    List<Cluster.Step> steps = new ArrayList<>();
    Cluster at = init;
    for (long target : chain) {
      Cluster.Step hit = null;
      for (Event e : model.events(at)) {
        Optional<Cluster.Step> s = at.next(e, model::step);
        if (s.isPresent() && bounds.admits(s.get().next()) && fingerprint.of(s.get().next()) == target) {
          hit = s.get();
          break;
        }
      }
      if (hit == null) {
        throw new IllegalStateException("could not replay the counterexample path");
      }
      steps.add(hit);
      at = hit.next();
    }
    // The last state of the path may be a symmetric image of found.from: replay the same event kind there.
    return lastStep(at, found, init, steps);
  }

  private Counterexample lastStep(Cluster at, Found found, Cluster init, List<Cluster.Step> steps) {
    for (Event e : model.events(at)) {
      Optional<Cluster.Step> s = at.next(e, model::step);
      if (s.isEmpty()) {
        continue;
      }
      Optional<Invariant.Violation> v = Replay.violation(at, s.get());
      if (v.isEmpty()) {
        v = Invariant.check(s.get().next());
      }
      if (v.isPresent() && v.get().invariant().equals(found.violation.invariant())) {
        steps.add(s.get());
        return new Counterexample(v.get(), init, steps);
      }
    }
    throw new IllegalStateException("could not replay the violating step");
  }
}
