package io.refraft.verification.sim;

import io.refraft.verification.fault.FaultKind;
import io.refraft.verification.fault.PartitionShape;
import io.refraft.verification.sim.Schedule.Crash;
import io.refraft.verification.sim.Schedule.Partition;
import io.refraft.verification.sim.Schedule.Planned;
import io.refraft.verification.sim.Schedule.SlowDisk;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Injects partitions, crashes and slow fsyncs (Jepsen's "nemesis") on an explicit
 * {@link Schedule}. Either it draws the schedule from its own random generator as the run goes
 * (partitions one after another, each healed before the next; crashes of at most a minority at
 * once, so the cluster can make progress between faults; slow disks anywhere), recording every
 * fault it starts; or it replays a given schedule exactly. Because the schedule is drawn from a
 * generator split off for the nemesis alone, replaying a subset of it leaves every other random
 * choice of the seed (network, timers, clients) as it was.
 */
final class Nemesis {
  private static final long MS = SimNetwork.MS;
  /**
   * The shapes a partition is drawn from, by index: part of every seed's schedule, so this order
   * stays. The ring is drawn with 5 nodes only (with 3 it would cut a single link, as a bridge does).
   */
  private static final List<PartitionShape> SHAPES = List.of(PartitionShape.ISOLATE_ONE,
      PartitionShape.ISOLATE_LEADER, PartitionShape.HALVES, PartitionShape.BRIDGE, PartitionShape.MAJORITIES_RING);

  private final Simulation sim;
  private final SimClock clock;
  private final SplittableRandom random;
  private final SimNetwork network;
  private final int nodes;
  private final Set<FaultKind> faults;
  private final Optional<Schedule> replay;
  private final List<Planned> started = new ArrayList<>();
  /** The crashes drawn so far, to keep at most a minority down at once. */
  private final List<Crash> drawnCrashes = new ArrayList<>();
  /** Faults drawn but not started yet: cancelled when the faults stop, so a replay takes the same events. */
  private final List<io.refraft.impl.node.Clock.Timer> planned = new ArrayList<>();
  private boolean stopped;
  long partitions;
  long crashes;
  long slowDisks;

  Nemesis(Simulation sim, SimClock clock, SplittableRandom random, SimNetwork network, int nodes, Set<FaultKind> faults,
      Optional<Schedule> replay) {
    this.sim = sim;
    this.clock = clock;
    this.random = random;
    this.network = network;
    this.nodes = nodes;
    this.faults = faults;
    this.replay = replay;
  }

  void start() {
    if (replay.isPresent()) {
      for (Planned p : replay.get().faults()) {
        clock.schedule(p.at() - clock.nanoTime(), () -> inject(p));
      }
      return;
    }
    long now = clock.nanoTime();
    if (faults.contains(FaultKind.PARTITION)) {
      plan(drawPartition(now));
    }
    if (faults.contains(FaultKind.CRASH)) {
      planCrash(now);
    }
    if (faults.contains(FaultKind.FSYNC_LATENCY)) {
      plan(drawSlowDisk(now));
    }
  }

  /** The faults started so far, as a schedule that replays them. */
  Schedule schedule() {
    return new Schedule(started);
  }

  /**
   * No more faults: the network heals and stops losing and duplicating messages (a loss left on here
   * ended seed 101587's settle in an election too late to propagate), disks are fast again and every
   * crashed node restarts.
   */
  void stopAndHeal() throws IOException {
    stopped = true;
    planned.forEach(io.refraft.impl.node.Clock.Timer::cancel);
    network.stopFaults();
    sim.fastDisks();
    for (int i = 0; i < nodes; i++) {
      if (!sim.isUp(i)) {
        sim.boot(i);
      }
    }
  }

  private void plan(Planned p) {
    planned.add(clock.schedule(p.at() - clock.nanoTime(), () -> {
      if (!stopped) {
        inject(p);
        switch (p) { // the stream's next fault follows this one
          case Partition x -> plan(drawPartition(x.at() + x.duration()));
          case Crash x -> planCrash(x.at());
          case SlowDisk x -> plan(drawSlowDisk(x.at()));
        }
      }
    }));
  }

  private Partition drawPartition(long after) {
    long at = after + ms(200, 2000);
    PartitionShape shape = SHAPES.get(random.nextInt(nodes == 5 ? SHAPES.size() : SHAPES.size() - 1));
    return new Partition(at, ms(200, 2000), shape, shuffled());
  }

  /** The next crash that keeps at most a minority down at once (drawn until one does). */
  private void planCrash(long after) {
    long at = after;
    while (true) {
      at += ms(300, 3000);
      Crash c = new Crash(at, ms(100, 1500), random.nextInt(nodes));
      long t = at;
      List<Crash> down = drawnCrashes.stream().filter(d -> d.at() <= t && t < d.at() + d.duration()).toList();
      if (down.size() < (nodes - 1) / 2 && down.stream().noneMatch(d -> d.node() == c.node())) {
        drawnCrashes.add(c);
        plan(c);
        return;
      }
    }
  }

  private SlowDisk drawSlowDisk(long after) {
    return new SlowDisk(after + ms(200, 2000), ms(100, 1500), random.nextInt(nodes));
  }

  private void inject(Planned p) {
    if (stopped) {
      return;
    }
    started.add(p);
    switch (p) {
      case Partition x -> {
        partitions++;
        cut(x);
        clock.schedule(x.duration(), network::heal);
      }
      case Crash x -> {
        if (sim.isUp(x.node())) {
          crashes++;
          sim.crash(x.node());
          clock.schedule(x.duration(), () -> restart(x.node()));
        }
      }
      case SlowDisk x -> {
        slowDisks++;
        sim.slowDisk(x.node(), x.at() + x.duration());
      }
    }
  }

  private void cut(Partition x) {
    network.partition(x.shape().cut(x.order(), sim.leader().orElse(-1)));
  }

  private void restart(int i) {
    if (!stopped && !sim.isUp(i)) {
      try {
        sim.boot(i);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  private List<Integer> shuffled() {
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < nodes; i++) {
      order.add(i);
    }
    for (int i = nodes - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      order.set(j, order.set(i, order.get(j)));
    }
    return order;
  }

  private long ms(int min, int max) {
    return (min + random.nextLong(max - min + 1)) * MS;
  }
}
