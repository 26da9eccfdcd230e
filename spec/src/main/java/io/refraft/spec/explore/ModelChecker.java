package io.refraft.spec.explore;

import io.refraft.spec.check.Cluster;
import io.refraft.spec.check.Event;
import io.refraft.spec.check.Ghost;
import io.refraft.spec.check.Invariant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Explicit-state model checking of the cluster model: breadth-first search over all states within
 * the bounds, deduplicated by 64-bit fingerprints (canonical under server renaming when symmetry
 * is on), every state invariant checked on every new state and every step invariant on every
 * transition. Breadth-first order makes the first violation found a shortest one; the search
 * stops there and rebuilds the path from the recorded parents, as TLC does.
 *
 * <p>Memory per state is what TLC's is: the seen set keeps 16 bytes per fingerprint (with its
 * parent) in primitive tables, and the frontier keeps states in their {@link StateCodec} bytes,
 * spilled to a {@link SpillStore} beyond a budget ({@link #withMemory}). A run can be paused at
 * the boundary of a chunk of work, written as a {@link Checkpoint} and continued later.
 *
 * <p>Workers expand one BFS level in parallel, claiming chunks of {@link Frontier#CHUNK_STATES}
 * states; the distinct-state count, the states generated and the depth do not depend on the
 * number of workers, their timing, or pauses and resumptions, and every counterexample is a
 * shortest one. Which of several equally short ones is reported is fixed with one worker and may
 * vary with more.
 */
public final class ModelChecker {
  private final RaftModel model;
  private final Bounds bounds;
  private final int workers;
  private final Fingerprint fingerprint;
  private final StateCodec codec;
  private final FingerprintSet seen = new FingerprintSet();
  /** With {@code exact}: every state kept whole and told apart by equals (fingerprints then only link parents). */
  private final java.util.Set<Cluster> exactStates;
  private final AtomicLong distinct = new AtomicLong();
  private final AtomicLong generated = new AtomicLong();
  private final AtomicLong inMemory = new AtomicLong();
  private final Map<String, String> identity = new LinkedHashMap<>();
  private long memory = Long.MAX_VALUE;
  private SpillStore spill;
  private Checkpoint.Store checkpoints;
  private Checkpoint.State resumeFrom;
  private long stopAt = Long.MAX_VALUE;
  private volatile boolean checkpointRequested;
  private volatile boolean stopRequested;
  private volatile Frontier current;
  private volatile Frontier next;
  private volatile int depth;
  private boolean checkRecovery;
  private Recoverability recovery;
  private MarginSearch margin;
  private Frontier beyondQueue;
  private volatile String phase = "safety";
  private RecoveryCheck recoveryCheck;

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
    symmetry = symmetry && model.symmetric(); // renaming servers is no symmetry once they have roles of their own
    this.fingerprint = new Fingerprint(model.servers(), symmetry, bounds.maxRestarts() >= 0);
    this.codec = new StateCodec(model.config(), model.servers(), model.values());
    identity.put("bounds", bounds.toJson());
    identity.put("configuration", model.config().toString());
    identity.put("values", model.values().toString());
    identity.put("faults", model.faults().toString());
    identity.put("mutant", model.mutant().map(Mutant::cliName).orElse("none"));
    identity.put("reads", Integer.toString(model.reads()));
    identity.put("persistence", model.asyncPersistence() ? "asynchronous" : "synchronous");
    identity.put("symmetry", symmetry ? "on" : "off");
    if (!model.symmetric()) {
      identity.put("joining", model.joining().toString());
      identity.put("reconfig", model.reconfig().toString());
    }
  }

  /** The outcome of a check; {@code stopped} when it paused at a checkpoint before exhausting the space. */
  public record Result(boolean violated, long distinctStates, long statesGenerated, int depth, long nanos,
      Bounds bounds, Optional<Counterexample> counterexample, boolean stopped) {}

  /** A shortest path from the initial state to a violation, and what was violated. */
  public record Counterexample(Invariant.Violation violation, Cluster initial, List<Cluster.Step> steps) {}

  /**
   * Where the run is, for a progress line: counts, the queue, and the bytes it holds; {@code phase}
   * is {@code safety} while the bounded space is explored, then {@code recovery} (see {@link #withRecovery}).
   */
  public record Progress(long distinct, long generated, long queued, int depth, long frontierBytesInMemory,
      long frontierBytesOnDisk, long seenBytes, String phase) {}

  /**
   * What the recovery check did: states it explored beyond the bounds (with faults off, as
   * waypoints of recovery paths), fault-free edges logged, states within the bounds that cannot
   * recover, and its own time (exploring beyond the bounds and the analysis).
   */
  public record RecoveryCheck(long statesBeyondBounds, long edges, long unrecoverable, long nanos) {}

  /** Where a violation was found: the state it was reached from, and the event taken there. */
  private record Found(long ordinal, int index, int eventIndex, Cluster from, Event event,
      Invariant.Violation violation) {}

  /**
   * Keeps the seen set and the frontier within {@code bytes} together: beyond it the frontier
   * writes its newest states to {@code store} (the seen set always stays in memory).
   */
  public ModelChecker withMemory(long bytes, SpillStore store) {
    this.memory = bytes;
    this.spill = store;
    return this;
  }

  /**
   * Also checks, after safety holds, that recovery is always possible: from every state within
   * the bounds some fault-free path reaches a single leader whose entries every server has
   * committed ({@link Recovery}). Costs 16 bytes of spill store per state and per fault-free edge
   * while exploring, and about 4 bytes per state beyond the bounds in the seen set.
   */
  public ModelChecker withRecovery(boolean on) {
    if (on) {
      requireFingerprints("the recovery check");
    }
    this.checkRecovery = on;
    return this;
  }

  /** What the recovery check did, once a run with {@link #withRecovery} has finished without a safety violation. */
  public Optional<RecoveryCheck> recoveryCheck() {
    return Optional.ofNullable(recoveryCheck);
  }

  /** Where {@link #requestCheckpoint} and a stop write checkpoints. */
  public ModelChecker withCheckpoints(Checkpoint.Store store) {
    requireFingerprints("checkpoints");
    this.checkpoints = store;
    return this;
  }

  /** One more fact a checkpoint must match to be resumed (e.g. the build), besides the model and bounds. */
  public ModelChecker withIdentity(String key, String value) {
    identity.put(key, value);
    return this;
  }

  /**
   * Continues the run a checkpoint stopped; throws {@link Checkpoint.Mismatch} naming what differs
   * when it is of another model, bounds, mutant or build.
   */
  public ModelChecker resumeFrom(Checkpoint.Source source) {
    requireFingerprints("resuming");
    Checkpoint.State st = Checkpoint.read(source);
    Checkpoint.requireSame(identity, st.identity());
    this.resumeFrom = st;
    return this;
  }

  /** Pauses at the next chunk boundary once {@code n} distinct states are seen, checkpoints and stops. */
  public ModelChecker stopAt(long n) {
    this.stopAt = n;
    return this;
  }

  /** Asks for a checkpoint at the next chunk boundary; any thread may call it. */
  public void requestCheckpoint() {
    checkpointRequested = true;
  }

  /** Asks the run to checkpoint (when it has a store) and stop at the next chunk boundary. */
  public void requestStop() {
    stopRequested = true;
  }

  private void requireFingerprints(String what) {
    if (exactStates != null) {
      throw new IllegalArgumentException(what + " needs fingerprints, not --exact");
    }
  }

  /** Where the run is now; any thread may call it. */
  public Progress progress() {
    Frontier c = current;
    Frontier n = next;
    long queued = (c == null ? 0 : c.states()) + (n == null ? 0 : n.states());
    long onDisk = (c == null ? 0 : c.spilledBytes()) + (n == null ? 0 : n.spilledBytes());
    return new Progress(distinct.get(), generated.get(), queued, depth, inMemory.get(), onDisk, seen.bytes(), phase);
  }

  private Frontier newFrontier() {
    return new Frontier(inMemory, () -> memory - seen.bytes(), spill);
  }

  /** Runs the search; {@code nanoClock} only measures elapsed time for the result. */
  public Result run(java.util.function.LongSupplier nanoClock) {
    long start = nanoClock.getAsLong();
    Cluster init = model.initial();
    long initFp = fingerprint.of(init);
    current = newFrontier();
    next = newFrontier();
    if (checkRecovery) {
      if (checkpoints != null || resumeFrom != null) {
        throw new IllegalArgumentException("the recovery check needs one uninterrupted run: no checkpoints or resuming");
      }
      recovery = new Recoverability(spill);
      margin = new MarginSearch(model, bounds, fingerprint, codec, seen, recovery);
      beyondQueue = newFrontier();
      try (Recoverability.Buffer b = recovery.buffer()) {
        b.state(initFp, true, Recoverability.recovered(init));
      }
      recovery.level();
    }
    if (resumeFrom != null) {
      restore(resumeFrom);
      resumeFrom = null;
    } else {
      seen.add(initFp, 0);
      distinct.set(1);
      if (exactStates != null) {
        exactStates.add(view(init));
      }
      Optional<Invariant.Violation> initViolation = Invariant.check(init);
      if (initViolation.isPresent()) {
        return new Result(true, 1, 1, 1, nanoClock.getAsLong() - start, bounds,
            Optional.of(new Counterexample(initViolation.get(), init, List.of())), false);
      }
      generated.set(1);
      Bytes.Writer w = new Bytes.Writer(256);
      w.fixed64(initFp);
      codec.encode(init, w);
      current.add(new Frontier.Chunk(w.toByteArray(), 1));
      depth = 1;
    }
    ExecutorService pool = Executors.newFixedThreadPool(workers);
    try {
      while (true) {
        Found found = expand(pool);
        if (found != null) {
          Counterexample cx = rebuild(init, found);
          return new Result(true, distinct.get(), generated.get(), depth + 1, nanoClock.getAsLong() - start, bounds,
              Optional.of(cx), false);
        }
        if (current.isEmpty()) {
          if (next.isEmpty()) {
            break;
          }
          depth++;
          current = next;
          next = newFrontier();
          if (recovery != null) {
            recovery.level();
          }
        }
        if (stopRequested || distinct.get() >= stopAt) {
          checkpoint();
          return new Result(false, distinct.get(), generated.get(), depth, nanoClock.getAsLong() - start, bounds,
              Optional.empty(), true);
        }
        if (checkpointRequested) {
          checkpointRequested = false;
          checkpoint();
        }
      }
      if (recovery != null) {
        Optional<Counterexample> stuck = checkRecovery(pool, init, nanoClock);
        if (stuck.isPresent()) {
          return new Result(true, distinct.get(), generated.get(), depth, nanoClock.getAsLong() - start, bounds, stuck,
              false);
        }
      }
    } finally {
      pool.shutdownNow();
      current.clear();
      next.clear();
      if (beyondQueue != null) {
        beyondQueue.clear();
      }
    }
    return new Result(false, distinct.get(), generated.get(), depth, nanoClock.getAsLong() - start, bounds,
        Optional.empty(), false);
  }

  private void checkpoint() {
    if (checkpoints != null) {
      List<Frontier.Chunk> now = current.snapshot();
      List<Frontier.Chunk> later = next.snapshot();
      checkpoints.save(sink -> Checkpoint.write(sink, identity, generated.get(), depth, seen, now, later));
    }
  }

  private void restore(Checkpoint.State st) {
    long[] pairs = st.pairs();
    for (int i = 0; i < pairs.length; i += 2) {
      seen.add(pairs[i], pairs[i + 1]);
    }
    distinct.set(pairs.length / 2);
    generated.set(st.generated());
    depth = st.depth();
    st.current().forEach(current::add);
    st.next().forEach(next::add);
  }

  private boolean pausing() {
    return checkpointRequested || stopRequested || distinct.get() >= stopAt;
  }

  /** Expands the current level until it is exhausted, a pause is asked for, or a violation is found (returned). */
  private Found expand(ExecutorService pool) {
    AtomicLong foundAt = new AtomicLong(Long.MAX_VALUE);
    List<Future<Found>> parts = new ArrayList<>();
    for (int w = 0; w < workers; w++) {
      parts.add(pool.submit(() -> expandPart(foundAt)));
    }
    Found best = null;
    for (Future<Found> f : parts) {
      Found part;
      try {
        part = f.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("model checking interrupted", e);
      } catch (java.util.concurrent.ExecutionException e) {
        if (e.getCause() instanceof RuntimeException re) {
          throw re; // e.g. a full disk while spilling: the caller says the run could not finish
        }
        throw new IllegalStateException("model checking worker failed: " + e.getCause(), e.getCause());
      }
      if (part != null && (best == null || earlier(part, best))) {
        best = part;
      }
    }
    return best;
  }

  private static boolean earlier(Found a, Found b) {
    if (a.ordinal != b.ordinal) {
      return a.ordinal < b.ordinal;
    }
    return a.index < b.index || (a.index == b.index && a.eventIndex < b.eventIndex);
  }

  private Found expandPart(AtomicLong foundAt) {
    Bytes.Writer out = new Bytes.Writer(16 << 10);
    int[] outCount = {0};
    MarginSearch.Waypoints way = margin == null ? null : margin.waypoints(beyondQueue);
    try {
      while (!pausing()) {
        Frontier.Claimed claimed = current.poll();
        if (claimed == null || claimed.ordinal() > foundAt.get()) {
          return null; // exhausted, or a counterexample earlier in this level is already known
        }
        Found found = expandChunk(claimed, out, outCount, way);
        if (found != null) {
          foundAt.accumulateAndGet(claimed.ordinal(), Math::min);
          return found;
        }
      }
      return null;
    } finally {
      if (outCount[0] > 0) {
        next.add(new Frontier.Chunk(out.toByteArray(), outCount[0]));
      }
      if (way != null) {
        way.close();
      }
    }
  }

  private Found expandChunk(Frontier.Claimed claimed, Bytes.Writer out, int[] outCount, MarginSearch.Waypoints way) {
    Frontier.Chunk chunk = claimed.chunk();
    Bytes.Reader r = new Bytes.Reader(chunk.data(), 0, chunk.data().length);
    long gen = 0;
    try {
      for (int i = 0; i < chunk.count(); i++) {
        long fp = r.fixed64();
        Cluster c = codec.decode(r);
        List<Event> events = model.events(c);
        for (int e = 0; e < events.size(); e++) {
          Optional<Cluster.Step> step = c.next(events.get(e), model::step);
          if (step.isEmpty()) {
            continue;
          }
          gen++;
          Optional<Invariant.Violation> v = Replay.violation(c, step.get());
          if (v.isPresent()) {
            return new Found(claimed.ordinal(), i, e, c, events.get(e), v.get());
          }
          Cluster succ = step.get().next();
          boolean logEdge = way != null && !Recoverability.isFault(events.get(e));
          if (!bounds.admits(succ)) {
            if (logEdge) {
              way.beyond(fp, succ);
            }
            continue;
          }
          long sfp = fingerprint.of(succ);
          boolean fresh = isNew(succ, sfp, fp);
          if (way != null) {
            if (fresh) {
              way.log.state(sfp, true, Recoverability.recovered(succ));
            }
            if (logEdge) {
              way.log.edge(fp, sfp);
            }
          }
          if (fresh) {
            Optional<Invariant.Violation> sv = Invariant.check(succ);
            if (sv.isPresent()) {
              return new Found(claimed.ordinal(), i, e, c, events.get(e), sv.get());
            }
            out.fixed64(sfp);
            codec.encode(succ, out);
            if (++outCount[0] == Frontier.CHUNK_STATES) {
              next.add(new Frontier.Chunk(out.toByteArray(), outCount[0]));
              out.reset();
              outCount[0] = 0;
            }
          }
        }
      }
      return null;
    } finally {
      generated.addAndGet(gen);
    }
  }

  /** Whether {@code succ} (fingerprint {@code fp}), reached from the state of fingerprint {@code parent}, is new. */
  private boolean isNew(Cluster succ, long fp, long parent) {
    if (exactStates == null) {
      if (seen.add(fp, parent)) {
        distinct.incrementAndGet();
        return true;
      }
      return false;
    }
    if (!exactStates.add(view(succ))) {
      return false;
    }
    distinct.incrementAndGet();
    seen.add(fp, parent); // the parent link only: rebuilding a path follows fingerprints
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
   * Explores, with faults off, the states beyond the bounds that recovery paths may pass through,
   * then finds the states within the bounds that cannot recover; a counterexample is a shortest
   * path to one of the shallowest of them.
   */
  private Optional<Counterexample> checkRecovery(ExecutorService pool, Cluster init,
      java.util.function.LongSupplier nanoClock) {
    long start = nanoClock.getAsLong();
    phase = "recovery";
    current = beyondQueue;
    beyondQueue = null;
    next = newFrontier();
    while (!current.isEmpty()) {
      List<Future<?>> parts = new ArrayList<>();
      Frontier from = current;
      Frontier to = next;
      for (int w = 0; w < workers; w++) {
        parts.add(pool.submit(() -> margin.expand(from, to)));
      }
      for (Future<?> f : parts) {
        try {
          f.get();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("model checking interrupted", e);
        } catch (java.util.concurrent.ExecutionException e) {
          if (e.getCause() instanceof RuntimeException re) {
            throw re;
          }
          throw new IllegalStateException("model checking worker failed: " + e.getCause(), e.getCause());
        }
      }
      current = next;
      next = newFrontier();
    }
    Recoverability.Verdict v = recovery.analyze();
    recoveryCheck = new RecoveryCheck(recovery.statesBeyond(), recovery.edges(), v.unrecoverable(),
        nanoClock.getAsLong() - start);
    if (v.unrecoverable() == 0) {
      return Optional.empty();
    }
    List<Cluster.Step> steps = pathTo(init, v.example());
    String detail = "no path without drops, duplicates or restarts leads from the last state to exactly one leader "
        + "whose log every server has committed (" + v.unrecoverable() + " of " + v.statesInside()
        + " states within the bounds cannot recover)";
    return Optional.of(new Counterexample(new Invariant.Violation(Recoverability.PROPERTY, detail), init, steps));
  }

  /**
   * TLC's optimistic estimate of the probability that two distinct states shared a fingerprint and
   * one was never explored: {@code n·(g−n)/2⁶⁴} for n distinct states and g states generated.
   */
  public static double collisionProbability(Result r) {
    return (double) r.distinctStates() * Math.max(0, r.statesGenerated() - r.distinctStates()) / 0x1p64;
  }

  /** A shortest path to the state {@code found} was reached from, and the violating step taken there. */
  private Counterexample rebuild(Cluster init, Found found) {
    List<Cluster.Step> steps = pathTo(init, fingerprint.of(found.from));
    Cluster at = steps.isEmpty() ? init : steps.get(steps.size() - 1).next();
    // The last state of the path may be a symmetric image of found.from: replay the same event kind there.
    return lastStep(at, found, init, steps);
  }

  /**
   * Walks the parent fingerprints from {@code target} back to the initial state, then replays
   * forward to recover the events; the path ends in {@code target}'s state or a symmetric image of it.
   */
  private List<Cluster.Step> pathTo(Cluster init, long target) {
    List<Long> chain = new ArrayList<>();
    long fp = target;
    long initFp = fingerprint.of(init);
    while (fp != initFp) {
      chain.add(0, fp);
      fp = seen.parentOf(fp);
    }
    List<Cluster.Step> steps = new ArrayList<>();
    Cluster at = init;
    for (long link : chain) {
      Cluster.Step hit = null;
      for (Event e : model.events(at)) {
        Optional<Cluster.Step> s = at.next(e, model::step);
        if (s.isPresent() && bounds.admits(s.get().next()) && fingerprint.of(s.get().next()) == link) {
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
    return steps;
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
