package io.refraft.verification.sim;

import io.refraft.impl.net.Transport;
import io.refraft.impl.node.Driver;
import io.refraft.impl.node.RecordingStateMachine;
import io.refraft.impl.node.SnapshotPolicy;
import io.refraft.impl.node.Timing;
import io.refraft.impl.planted.Firings;
import io.refraft.impl.planted.InjectedBug;
import io.refraft.impl.server.Decorators;
import io.refraft.impl.server.KvAnswers;
import io.refraft.impl.server.KvService;
import io.refraft.impl.storage.MemoryStorage;
import io.refraft.spec.Config;
import io.refraft.spec.NodeId;
import io.refraft.spec.NodeState;
import io.refraft.verification.fault.FaultKind;
import io.refraft.verification.trace.StepValidator;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * One deterministic run of N real {@link Driver}s, each with the real KV state machine
 * ({@link KvService}), under a seed: virtual time ({@link SimClock}), the simulated network
 * ({@link SimNetwork}), a {@link MemoryStorage} disk per node, Jepsen-style clients
 * ({@link ClientLoad}) and a nemesis on an explicit {@link Schedule}. Nodes snapshot and compact
 * their logs every {@link #snapshotEntries} applied entries (drawn per seed), and a leader ships its
 * snapshot through the simulated network to a follower it has compacted past ({@link SimShipping}). Every random choice is drawn
 * from generators split off one {@link SplittableRandom} in a fixed order, and all events run on
 * the calling thread from one queue, so a seed replays exactly.
 *
 * <p>A run takes {@code steps} events with the enabled faults, then heals the network (no cut link,
 * no more loss or duplication), restarts every crashed node, stops the clients and runs
 * {@link #SETTLE_NANOS} of virtual time fault-free.
 * The spec's invariants are checked after every event, and at every restart the whole recovered
 * durable state against what the node synced ({@link SyncedState}); at the end, the applied logs,
 * the clients' history (Elle, linearizability) and the nodes' traces ({@link FinalChecks}).
 */
public final class Simulation {
  static final long SETTLE_NANOS = 5_000_000_000L;
  /** A slow disk's fsync takes between these many milliseconds. */
  private static final int SLOW_FSYNC_MIN_MS = 1;
  private static final int SLOW_FSYNC_MAX_MS = 30;
  /** Each seed snapshots every so many applied entries, drawn between these. */
  private static final long SNAPSHOT_MIN_ENTRIES = 50;
  private static final long SNAPSHOT_MAX_ENTRIES = 200;

  /**
   * @param nodes    3 or 5
   * @param steps    events to run with faults (timer firings, deliveries, client operations, faults)
   * @param faults   the faults to inject, of {@link FaultKind#SIMULATED}
   * @param reads    whether clients also issue ReadIndex reads (registers, read-only transactions)
   * @param bugs     bugs planted in every node ({@link InjectedBug}); empty for a real check
   * @param schedule the nemesis schedule to replay instead of drawing one from the seed
   */
  public record Options(int nodes, long steps, Set<FaultKind> faults, boolean reads, Set<InjectedBug> bugs,
      Optional<Schedule> schedule) {
    public Options {
      if (nodes != 3 && nodes != 5) {
        throw new IllegalArgumentException("--nodes must be 3 or 5, got " + nodes);
      }
      if (steps < 1) {
        throw new IllegalArgumentException("--steps must be >= 1, got " + steps);
      }
      if (!FaultKind.SIMULATED.containsAll(faults)) {
        throw new IllegalArgumentException("the simulator injects only " + FaultKind.SIMULATED + ", not " + faults);
      }
      faults = faults.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(faults));
      bugs = bugs.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(bugs));
      Objects.requireNonNull(schedule, "schedule");
    }

    /** No planted bug, the schedule drawn from the seed. */
    public Options(int nodes, long steps, Set<FaultKind> faults, boolean reads) {
      this(nodes, steps, faults, reads, Set.of(), Optional.empty());
    }

    /** With reads. */
    public Options(int nodes, long steps, Set<FaultKind> faults) {
      this(nodes, steps, faults, true);
    }

    /** These options replaying {@code s}. */
    public Options withSchedule(Schedule s) {
      return new Options(nodes, steps, faults, reads, bugs, Optional.of(s));
    }
  }

  private final long seed;
  private final Options options;
  private final Config config;
  private final SplittableRandom random;
  private final SplittableRandom diskRandom;
  private final long snapshotEntries;
  private final SimFiles files;
  private final SimClock clock = new SimClock();
  private final SimNetwork network;
  private final SafetyMonitor monitor;
  private final ClientLoad clients;
  private final Nemesis nemesis;
  private final MemoryStorage[] disks;
  private final SimTraceSink[] sinks;
  private final StepValidator validator;
  private final Driver[] drivers;
  private final KvAnswers[] services;
  /** The planted bugs' wrappers ({@link InjectedBug#all}); {@link Decorators#NONE} for a real check. */
  private final Decorators planted;
  private final Firings firings = new Firings();
  private final int[] incarnation;
  private final long[] slowUntil;
  private final long[] busyUntil;
  /** Each node's disk view of its current incarnation. */
  private final SimDisk[] simDisks;
  /** What each node synced, as the simulation saw it: every restart's recovered state is checked against it. */
  private final SyncedState[] syncedStates;
  /** The virtual time at which each node issued its pending slow sync. */
  private final long[] syncIssuedAt;
  long lostSyncs;
  /** Of those, the syncs a crash tore: the turn's metadata and a prefix of its records survived. */
  long tornSyncs;
  private final List<List<RecordingStateMachine>> machines = new ArrayList<>();
  private final List<String> fatal = new ArrayList<>();
  private final RunDigest digest = new RunDigest();
  private long events;

  private Simulation(long seed, Options options, boolean writeText) {
    this.seed = seed;
    this.options = options;
    this.config = Config.ofSize(options.nodes());
    this.random = new SplittableRandom(seed);
    List<String> names = config.members().stream().map(NodeId::name).toList();
    this.network = new SimNetwork(clock, random.split(), names, options.faults().contains(FaultKind.DROP),
        options.faults().contains(FaultKind.DUP), digest);
    int n = options.nodes();
    this.drivers = new Driver[n];
    this.services = new KvAnswers[n];
    this.planted = InjectedBug.all(options.bugs(), firings);
    this.monitor = new SafetyMonitor(n);
    this.clients = new ClientLoad(clock, random.split(), n, options.reads(), new ClientLoad.Cluster() {
      @Override
      public Driver driver(int i) {
        return drivers[i];
      }

      @Override
      public KvAnswers kv(int i) {
        return services[i];
      }

      @Override
      public void afterTurn(int i, Runnable task) {
        Simulation.this.afterTurn(i, task);
      }
    });
    this.nemesis = new Nemesis(this, clock, random.split(), network, n, options.faults(), options.schedule());
    this.diskRandom = random.split();
    // from the seed, not from the run's generator: the other draws stay as they were without snapshots
    this.snapshotEntries = new SplittableRandom(~seed).nextLong(SNAPSHOT_MIN_ENTRIES, SNAPSHOT_MAX_ENTRIES + 1);
    this.files = new SimFiles(n);
    disks = new MemoryStorage[n];
    sinks = new SimTraceSink[n];
    incarnation = new int[n];
    slowUntil = new long[n];
    busyUntil = new long[n];
    simDisks = new SimDisk[n];
    syncedStates = new SyncedState[n];
    syncIssuedAt = new long[n];
    validator = SimTraceSink.validator(config, options.faults().contains(FaultKind.DUP), "refraft simulate --seed " + seed);
    for (int i = 0; i < n; i++) {
      disks[i] = new MemoryStorage();
      syncedStates[i] = new SyncedState(names.get(i));
      sinks[i] = new SimTraceSink(config.members().get(i), config, clock, options.faults().contains(FaultKind.DUP),
          "refraft simulate --seed " + seed, validator, digest, writeText);
      int node = i;
      sinks[i].onCompaction(before -> monitor.beforeCompaction(node, before));
      machines.add(new ArrayList<>());
    }
  }

  /**
   * Runs seed {@code seed}; never throws for a failure of the system under test. A passing run keeps
   * no trace text ({@link SimResult#traces()} is empty); a failing one is run again with the text
   * written, and that run is returned: the same seed and options take the same steps, which the
   * equal digests of the two runs confirm (a difference is reported as a simulator error).
   */
  public static SimResult run(long seed, Options options) {
    SimResult r = runWithoutText(seed, options);
    return r.passed() ? r : withText(r);
  }

  /** Runs seed {@code seed} keeping every node's trace text, passed or not. */
  public static SimResult runWithText(long seed, Options options) {
    return new Simulation(seed, options, true).run();
  }

  /** Runs seed {@code seed} without trace text, failed or not (the shrinker's many re-runs). */
  static SimResult runWithoutText(long seed, Options options) {
    return new Simulation(seed, options, false).run();
  }

  /** {@code r}'s run again with the trace text written; {@code r} itself when it has the text. */
  static SimResult withText(SimResult r) {
    if (!r.traces().isEmpty()) {
      return r;
    }
    SimResult t = runWithText(r.seed(), r.options());
    if (!t.digest().equals(r.digest()) || !t.failure().equals(r.failure())) {
      return t.withFailure("simulator error: seed " + r.seed() + " is not deterministic: it ended with digest "
          + r.digest() + " (" + r.failure().orElse("passed") + "), then with " + t.digest() + " ("
          + t.failure().orElse("passed") + ") when re-run to write its trace");
    }
    return t;
  }

  private SimResult run() {
    long wallStart = System.nanoTime();
    Optional<String> failure = Optional.empty();
    try {
      for (int i = 0; i < drivers.length; i++) {
        boot(i);
      }
      clients.start();
      nemesis.start();
      failure = runEvents(options.steps(), Long.MAX_VALUE);
      if (failure.isEmpty()) {
        nemesis.stopAndHeal();
        clients.quiet();
        failure = runEvents(Long.MAX_VALUE, clock.nanoTime() + SETTLE_NANOS)
            .or(() -> FinalChecks.check(config, drivers, machines, clients.acked(), monitor.committed()));
      }
    } catch (IOException | RuntimeException e) {
      failure = Optional.of("simulator error: " + e);
    } finally {
      files.close();
    }
    List<String> notes = new ArrayList<>();
    if (failure.isEmpty()) {
      failure = FinalChecks.checkHistory(clients.history(), notes);
    }
    if (failure.isEmpty()) {
      failure = SimTraceSink.validation(validator, sinks);
    }

    return SimResult.of(seed, options, failure, notes, events, clock.nanoTime(), System.nanoTime() - wallStart,
        sinks, network, clients, nemesis, validator.fullChecks(), lostSyncs, tornSyncs, validator.lostSteps(), digest,
        fired());
  }

  /** Each planted bug's firings, by flag. */
  private java.util.Map<String, Long> fired() {
    java.util.Map<String, Long> m = new java.util.TreeMap<>();
    options.bugs().forEach(b -> m.put(b.flag(), firings.count(b)));
    return m;
  }

  /** Takes events until {@code maxEvents} or virtual time {@code until}; the first failure stops it. */
  private Optional<String> runEvents(long maxEvents, long until) {
    for (long e = 0; e < maxEvents; e++) {
      if (clock.nextTime() > until || !clock.runNext()) {
        break;
      }
      events++;
      long now = clock.nanoTime();
      for (int i = 0; i < drivers.length; i++) {
        if (drivers[i] != null && busyUntil[i] <= now) { // a node waiting for its fsync takes no turn
          drivers[i].runTurn();
        }
      }
      Optional<String> v = firstViolation();
      if (v.isPresent()) {
        return v.map(s -> s + " (at virtual time " + clock.nanoTime() / 1_000_000 + " ms, event " + events + ")");
      }
    }
    return Optional.empty();
  }

  private Optional<String> firstViolation() {
    if (!fatal.isEmpty()) {
      return Optional.of("node failed: " + fatal.getFirst());
    }
    for (SyncedState s : syncedStates) {
      if (s.violation().isPresent()) { // before the trace's checks: a restart's recovery is the first thing it did
        return s.violation();
      }
    }
    for (SimTraceSink s : sinks) {
      if (s.violation().isPresent()) {
        return s.violation().map(v -> v.invariant() + ": " + v.detail());
      }
    }
    if (SimTraceSink.failed(validator, sinks)) { // stop at the step that diverged, not at the end of the run
      return SimTraceSink.validation(validator, sinks);
    }
    return monitor.afterEvent(states()).or(clients::violation);
  }

  private List<NodeState> states() {
    List<NodeState> states = new ArrayList<>(sinks.length);
    for (SimTraceSink s : sinks) {
      states.add(s.state());
    }
    return states;
  }

  boolean isUp(int i) {
    return drivers[i] != null;
  }

  /** The node that leads in the highest term, among the running ones. */
  OptionalInt leader() {
    int best = -1;
    for (int i = 0; i < drivers.length; i++) {
      NodeState s = sinks[i].state();
      if (drivers[i] != null && s.isLeader() && (best < 0 || s.term() > sinks[best].state().term())) {
        best = i;
      }
    }
    return best < 0 ? OptionalInt.empty() : OptionalInt.of(best);
  }

  /**
   * Starts a new incarnation of node {@code i} on its disk, with a fresh KV state machine: the
   * simulator's composition root, where the planted bugs wrap the node's collaborators as
   * {@code NodeServer} lets them in a real node (the disk view over the wrapped disk, the recording
   * before the wrapped service, as there).
   */
  void boot(int i) throws IOException {
    NodeId id = config.members().get(i);
    KvService kv = new KvService();
    RecordingStateMachine applied = new RecordingStateMachine(true);
    Transport net = network.transport(id.name());
    Transport transport = options.faults().contains(FaultKind.FSYNC_LATENCY) ? afterFsync(i, net) : net;
    simDisks[i] = new SimDisk(planted.storage(disks[i]), () -> synced(i), syncedStates[i], files.node(i));
    Driver d = new Driver(id, config, Timing.DEFAULT, clock, random.split(), transport,
        simDisks[i], applied.andThen(planted.stateMachine(kv)), planted.trace(sinks[i]),
        Decorators.driverParts(planted), e -> fatal.add(id + ": " + e));
    d.firstMessageSeq(sinks[i].nextSendSeq());
    d.snapshotting(new SnapshotPolicy(snapshotEntries, Long.MAX_VALUE), new SimShipping(network, id.name(),
        options.faults().contains(FaultKind.FSYNC_LATENCY) ? task -> afterTurn(i, task) : Runnable::run));
    d.startWithoutThread();
    network.snapshots(id.name(), (from, request, file) -> d.snapshotArrived(from, request, files.received(i, file)));
    drivers[i] = d;
    services[i] = planted.answers(kv);
    machines.get(i).add(applied);
  }

  /**
   * Node {@code i}'s process dies between two turns: its in-flight messages are lost, its disk keeps
   * only what was synced, and its futures never complete (their outcome is unknown to the clients).
   * A turn still waiting for a slow fsync dies with it: its messages and replies never leave, and
   * its writes are lost, or torn where the trace validator accepts the state that leaves (the
   * turn's metadata and a prefix of its records: {@link SimTraceSink#tears}).
   */
  void crash(int i) {
    network.down(config.members().get(i).name());
    drivers[i] = null;
    incarnation[i]++;
    busyUntil[i] = 0;
    SimDisk d = simDisks[i];
    if (d.syncPending()) {
      if (d.truncatedInTurn()) {
        // The turn truncated the log or saved a snapshot (durable at once, before its appends): losing
        // its appends would leave a log that is no prefix of its writes in order. Here the fsync completes before the
        // crash, as it would on most runs. Anything else the turn did waited for the flush (the spec
        // holds replies until Persisted), so losing its writes is what a crash does.
        try {
          d.completeSync();
        } catch (IOException e) {
          fatal.add(config.members().get(i) + ": " + e);
        }
      } else {
        lostSyncs++; // the turn's writes never became durable; nothing it did left the node
        List<SimTraceSink.Tear> tears = sinks[i].tears(syncIssuedAt[i]);
        if (!tears.isEmpty() && diskRandom.nextBoolean()) {
          // a power loss tears the write: the meta and a prefix of the records reached the disk
          SimTraceSink.Tear torn = tears.get(diskRandom.nextInt(tears.size()));
          tornSyncs++;
          sinks[i].tornTurn(syncIssuedAt[i], torn);
          disks[i].crashTearing(torn.records());
          return;
        }
        sinks[i].lostTurn(syncIssuedAt[i]);
      }
    }
    disks[i].crash();
  }

  /** Node {@code i}'s fsyncs are slow until virtual time {@code until}. */
  void slowDisk(int i, long until) {
    slowUntil[i] = Math.max(slowUntil[i], until);
  }

  void fastDisks() {
    Arrays.fill(slowUntil, 0);
  }

  /** Node {@code i} fsyncs: true when its disk is slow, and then the sync completes {@code latency} later. */
  private boolean synced(int i) {
    long now = clock.nanoTime();
    if (now >= slowUntil[i]) {
      return false;
    }
    long latency = (SLOW_FSYNC_MIN_MS + diskRandom.nextLong(SLOW_FSYNC_MAX_MS - SLOW_FSYNC_MIN_MS + 1))
        * SimNetwork.MS;
    busyUntil[i] = Math.max(busyUntil[i], now) + latency;
    syncIssuedAt[i] = now;
    int inc = incarnation[i];
    clock.schedule(busyUntil[i] - now, () -> { // the fsync is done; the node's next turn runs then
      if (incarnation[i] == inc) {
        try {
          simDisks[i].completeSync();
          drivers[i].synced();
        } catch (IOException e) {
          fatal.add(config.members().get(i) + ": " + e);
        }
      }
    });
    return true;
  }

  /** Runs {@code task} when node {@code i}'s current turn has finished its fsync, unless the node crashed. */
  private void afterTurn(int i, Runnable task) {
    long wait = busyUntil[i] - clock.nanoTime();
    if (wait <= 0) {
      task.run();
      return;
    }
    int inc = incarnation[i];
    clock.schedule(wait, () -> {
      if (incarnation[i] == inc) {
        task.run();
      }
    });
  }

  /** Node {@code i}'s transport: a message sent in a turn leaves once the turn's fsync has finished. */
  private Transport afterFsync(int i, Transport net) {
    return new Transport() {
      @Override
      public void start(Receiver receiver) {
        net.start(receiver);
      }

      @Override
      public void send(String to, byte[] payload) {
        afterTurn(i, () -> net.send(to, payload));
      }

      @Override
      public void blockPeer(String peer, boolean blocked) {
        net.blockPeer(peer, blocked);
      }

      @Override
      public boolean connected(String peer) {
        return net.connected(peer);
      }

      @Override
      public void close() {
        net.close();
      }
    };
  }
}
