package io.refraft.verification.sim;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Injects partitions and crashes on a random schedule (Jepsen's "nemesis"). Partition shapes: one
 * node isolated; a majority/minority split; a bridge (two halves that both reach one middle node,
 * Jepsen's {@code partition-majorities-ring} idea for 3 nodes); and, for 5 nodes, a ring in which
 * each node reaches only its two neighbours, so every node sees a different majority. Each partition
 * heals after a random time. At most a minority is crashed at once, so the cluster can make
 * progress between faults.
 */
final class Nemesis {
  private static final long MS = SimNetwork.MS;

  private final Simulation sim;
  private final SimClock clock;
  private final SplittableRandom random;
  private final SimNetwork network;
  private final int nodes;
  private final Set<Fault> faults;
  private boolean stopped;
  long partitions;
  long crashes;

  Nemesis(Simulation sim, SimClock clock, SplittableRandom random, SimNetwork network, int nodes, Set<Fault> faults) {
    this.sim = sim;
    this.clock = clock;
    this.random = random;
    this.network = network;
    this.nodes = nodes;
    this.faults = faults;
  }

  void start() {
    if (faults.contains(Fault.PARTITION)) {
      clock.schedule(ms(200, 2000), this::partition);
    }
    if (faults.contains(Fault.CRASH)) {
      clock.schedule(ms(300, 3000), this::crash);
    }
  }

  /** No more faults: the network heals and every crashed node restarts. */
  void stopAndHeal() throws IOException {
    stopped = true;
    network.heal();
    for (int i = 0; i < nodes; i++) {
      if (!sim.isUp(i)) {
        sim.boot(i);
      }
    }
  }

  private void partition() {
    if (stopped) {
      return;
    }
    partitions++;
    List<Integer> order = shuffled();
    int shapes = nodes == 5 ? 4 : 3;
    switch (random.nextInt(shapes)) {
      case 0 -> network.partition(List.of(order.subList(1, nodes)), List.of()); // isolate order[0]
      case 1 -> network.partition(List.of(order.subList(0, nodes / 2), order.subList(nodes / 2, nodes)), List.of());
      case 2 -> { // bridge: order[0] reaches both halves, which do not reach each other
        int half = 1 + (nodes - 1) / 2;
        List<int[]> links = new ArrayList<>();
        for (int i = half; i < nodes; i++) {
          links.add(new int[] {order.get(0), order.get(i)});
        }
        network.partition(List.of(order.subList(0, half), order.subList(half, nodes)), links);
      }
      default -> { // ring: each node reaches only its neighbours
        List<int[]> links = new ArrayList<>();
        for (int i = 0; i < nodes; i++) {
          links.add(new int[] {order.get(i), order.get((i + 1) % nodes)});
        }
        network.partition(List.of(), links);
      }
    }
    clock.schedule(ms(200, 2000), this::heal);
  }

  private void heal() {
    network.heal();
    if (!stopped) {
      clock.schedule(ms(200, 2000), this::partition);
    }
  }

  private void crash() {
    if (stopped) {
      return;
    }
    int down = 0;
    for (int i = 0; i < nodes; i++) {
      down += sim.isUp(i) ? 0 : 1;
    }
    int victim = random.nextInt(nodes);
    if (down < (nodes - 1) / 2 && sim.isUp(victim)) {
      crashes++;
      sim.crash(victim);
      clock.schedule(ms(100, 1500), () -> restart(victim));
    }
    clock.schedule(ms(300, 3000), this::crash);
  }

  private void restart(int i) {
    if (!sim.isUp(i)) {
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
