package io.refraft.verification.sim;

import io.refraft.impl.node.Driver;
import io.refraft.impl.node.RecordingStateMachine;
import io.refraft.impl.node.Timing;
import io.refraft.impl.storage.MemoryStorage;
import io.refraft.spec.Config;
import io.refraft.spec.NodeId;
import io.refraft.spec.NodeState;
import io.refraft.verification.trace.StepValidator;
import java.io.IOException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * One deterministic run of N real {@link Driver}s under a seed: virtual time ({@link SimClock}), the
 * simulated network ({@link SimNetwork}), a {@link MemoryStorage} disk per node, and client load.
 * Every random choice (delays, faults, election timeouts, the clients) is drawn from generators
 * split off one {@link SplittableRandom} in a fixed order, and all events run on the calling
 * thread from one queue, so a seed replays exactly.
 *
 * <p>A run takes {@code steps} events with the enabled faults, then heals the network, restarts
 * every crashed node, stops the clients and runs {@link #SETTLE_NANOS} of virtual time fault-free,
 * after which every node must have applied the same commands.
 */
public final class Simulation {
  static final long SETTLE_NANOS = 5_000_000_000L;
  private static final int FULL_CHECK_EVERY = 64;

  /**
   * @param nodes  3 or 5
   * @param steps  events to run with faults (timer firings, deliveries, client operations, faults)
   * @param faults the faults to inject
   * @param reads  whether clients also issue ReadIndex reads ({@code Driver.read()})
   */
  public record Options(int nodes, long steps, Set<Fault> faults, boolean reads) {
    public Options {
      if (nodes != 3 && nodes != 5) {
        throw new IllegalArgumentException("--nodes must be 3 or 5, got " + nodes);
      }
      if (steps < 1) {
        throw new IllegalArgumentException("--steps must be >= 1, got " + steps);
      }
      faults = faults.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(faults));
    }

    /** With ReadIndex reads. */
    public Options(int nodes, long steps, Set<Fault> faults) {
      this(nodes, steps, faults, true);
    }
  }

  private final long seed;
  private final Options options;
  private final Config config;
  private final SplittableRandom random;
  private final SimClock clock = new SimClock();
  private final SimNetwork network;
  private final SafetyMonitor monitor;
  private final ClientLoad clients;
  private final Nemesis nemesis;
  private final MemoryStorage[] disks;
  private final SimTraceSink[] sinks;
  private final StepValidator validator;
  private final Driver[] drivers;
  private final List<List<RecordingStateMachine>> machines = new ArrayList<>();
  private final List<String> fatal = new ArrayList<>();
  private long events;

  private Simulation(long seed, Options options) {
    this.seed = seed;
    this.options = options;
    this.config = Config.ofSize(options.nodes());
    this.random = new SplittableRandom(seed);
    List<String> names = config.members().stream().map(NodeId::name).toList();
    this.network = new SimNetwork(clock, random.split(), names, options.faults().contains(Fault.DROP),
        options.faults().contains(Fault.DUP));
    this.drivers = new Driver[options.nodes()];
    this.monitor = new SafetyMonitor(options.nodes(), FULL_CHECK_EVERY);
    this.clients = new ClientLoad(clock, random.split(), options.nodes(), options.reads(),
        i -> drivers[i]);
    this.nemesis = new Nemesis(this, clock, random.split(), network, options.nodes(), options.faults());
    int n = options.nodes();
    disks = new MemoryStorage[n];
    sinks = new SimTraceSink[n];
    validator = SimTraceSink.validator(config, options.faults().contains(Fault.DUP), "refraft simulate --seed " + seed);
    for (int i = 0; i < n; i++) {
      disks[i] = new MemoryStorage();
      sinks[i] = new SimTraceSink(config.members().get(i), config, clock, options.faults().contains(Fault.DUP),
          "refraft simulate --seed " + seed, validator);
      machines.add(new ArrayList<>());
    }
  }

  /** Runs seed {@code seed}; never throws for a failure of the system under test. */
  public static SimResult run(long seed, Options options) {
    return new Simulation(seed, options).run();
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
            .or(() -> monitor.afterEvent(states(), true))
            .or(() -> FinalChecks.check(config, drivers, machines, clients.acked(), monitor.committed()));
      }
    } catch (IOException | RuntimeException e) {
      failure = Optional.of("simulator error: " + e);
    }
    if (failure.isEmpty()) {
      failure = SimTraceSink.validation(validator, sinks);
    }
    return SimResult.of(seed, options, failure, events, clock.nanoTime(), System.nanoTime() - wallStart, sinks,
        network, clients, nemesis, monitor.fullChecks);
  }

  /** Takes events until {@code maxEvents} or virtual time {@code until}; the first failure stops it. */
  private Optional<String> runEvents(long maxEvents, long until) {
    for (long e = 0; e < maxEvents; e++) {
      if (clock.nextTime() > until || !clock.runNext()) {
        break;
      }
      events++;
      for (Driver d : drivers) {
        if (d != null) {
          d.runTurn();
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
    for (SimTraceSink s : sinks) {
      if (s.violation().isPresent()) {
        return s.violation().map(v -> v.invariant() + ": " + v.detail());
      }
    }
    return monitor.afterEvent(states(), false).or(clients::violation);
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

  /** Starts a new incarnation of node {@code i} on its disk, with a fresh state machine. */
  void boot(int i) throws IOException {
    NodeId id = config.members().get(i);
    RecordingStateMachine sm = new RecordingStateMachine(true);
    Driver d = new Driver(id, config, Timing.DEFAULT, clock, random.split(), network.transport(id.name()), disks[i],
        sm, sinks[i], e -> fatal.add(id + ": " + e));
    d.firstMessageSeq(sinks[i].nextSendSeq());
    d.startWithoutThread();
    drivers[i] = d;
    machines.get(i).add(sm);
  }

  /**
   * Node {@code i}'s process dies between two turns: its in-flight messages are lost, its disk keeps
   * only what was synced, and its futures never complete (their outcome is unknown to the clients).
   */
  void crash(int i) {
    network.down(config.members().get(i).name());
    drivers[i] = null;
    disks[i].crash();
  }
}
