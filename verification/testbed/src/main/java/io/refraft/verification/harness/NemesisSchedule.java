package io.refraft.verification.harness;

import io.refraft.verification.fault.FaultKind;
import io.refraft.verification.fault.PartitionShape;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

/**
 * When which fault starts and ends, drawn from a seed before the run starts, so a run's faults are
 * reproducible from the seed its output prints (the timing of what the cluster does in between is
 * not). Faults never overlap: each is healed before the next starts, so a 3-node cluster keeps a
 * quorum except during the fault itself.
 *
 * <p>Timing: a quiet first {@code WARMUP}, then alternately a fault for 3–6 s and a quiet gap of
 * 2–4 s (a fault every 5–10 s); no fault ends later than {@code TAIL} before the end, so the last
 * heal leaves the cluster time to commit again while the clients still run.
 *
 * @param seed    the seed everything was drawn from
 * @param entries faults in start order
 */
public record NemesisSchedule(long seed, List<Entry> entries) {
  static final long WARMUP_NANOS = TimeUnit.SECONDS.toNanos(3);
  static final long TAIL_NANOS = TimeUnit.SECONDS.toNanos(2);
  /** The shapes a partition is drawn from, by index: part of every seed's schedule, so this order stays. */
  private static final List<PartitionShape> SHAPES = List.of(PartitionShape.ISOLATE_ONE,
      PartitionShape.ISOLATE_LEADER, PartitionShape.HALVES, PartitionShape.MAJORITIES_RING, PartitionShape.BRIDGE);

  /** One fault from {@code startNanos} to {@code endNanos} after the workload's start. */
  public record Entry(long startNanos, long endNanos, Fault fault) {
    public Entry {
      Objects.requireNonNull(fault, "fault");
      if (startNanos < 0 || endNanos <= startNanos) {
        throw new IllegalArgumentException("an entry needs 0 <= start < end, got " + startNanos + ".." + endNanos);
      }
    }
  }

  public NemesisSchedule {
    entries = List.copyOf(entries);
    for (int i = 1; i < entries.size(); i++) {
      if (entries.get(i).startNanos() < entries.get(i - 1).endNanos()) {
        throw new IllegalArgumentException("faults overlap at entry " + i);
      }
    }
  }

  /**
   * Draws a schedule for a run of {@code durationNanos} on {@code nodes} nodes; empty when
   * {@code kinds} is empty. Kinds take turns in a seeded order, so every enabled kind occurs in a
   * run long enough for as many faults.
   */
  public static NemesisSchedule plan(long seed, Set<FaultKind> kinds, int nodes, long durationNanos) {
    if (nodes < 1) {
      throw new IllegalArgumentException("nodes must be >= 1, got " + nodes);
    }
    if (!FaultKind.NEMESES.containsAll(kinds)) {
      throw new IllegalArgumentException("the nemesis injects only " + FaultKind.NEMESES + ", not " + kinds);
    }
    Random rnd = new Random(seed);
    // in FaultKind's order before the shuffle: a Set.copyOf iterates in an order that changes from
    // one JVM to the next, and a seed must give the same schedule in every run
    List<FaultKind> cycle = new ArrayList<>(new TreeSet<>(kinds));
    if (nodes < 2) {
      cycle.remove(FaultKind.PARTITION);
    }
    if (nodes < 3) {
      cycle.remove(FaultKind.COMPACT); // with one of two nodes down nothing commits, so nothing compacts
    }
    List<Entry> out = new ArrayList<>();
    long t = WARMUP_NANOS;
    int k = 0;
    while (!cycle.isEmpty()) {
      if (k % cycle.size() == 0) {
        Collections.shuffle(cycle, rnd);
      }
      long length = millis(rnd, 3000, 6000);
      if (t + length > durationNanos - TAIL_NANOS) {
        break;
      }
      out.add(new Entry(t, t + length, fault(cycle.get(k % cycle.size()), nodes, rnd)));
      t += length + millis(rnd, 2000, 4000);
      k++;
    }
    return new NemesisSchedule(seed, out);
  }

  private static long millis(Random rnd, int lo, int hi) {
    return TimeUnit.MILLISECONDS.toNanos(lo + rnd.nextInt(hi - lo + 1));
  }

  private static Fault fault(FaultKind kind, int nodes, Random rnd) {
    return switch (kind) {
      case PARTITION -> partition(nodes, rnd);
      case KILL -> new Fault.Kill(target(nodes, rnd));
      case PAUSE -> new Fault.Pause(target(nodes, rnd));
      case RESTART -> new Fault.Restart(target(nodes, rnd));
      case DISK_FULL -> new Fault.DiskFull(target(nodes, rnd));
      // drawn in this order: the target, then kill -9 (which also restarts it from its own snapshot
      // and log) or isolation
      case COMPACT -> new Fault.Compact(target(nodes, rnd), rnd.nextBoolean());
      case DROP, DUP, CRASH, FSYNC_LATENCY -> throw new IllegalStateException("not a nemesis: " + kind); // plan checked
    };
  }

  private static Fault.Partition partition(int nodes, Random rnd) {
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < nodes; i++) {
      order.add(i);
    }
    Collections.shuffle(order, rnd);
    PartitionShape shape = SHAPES.get(rnd.nextInt(SHAPES.size()));
    if (shape == PartitionShape.BRIDGE) {
      // The harness took its bridge from the middle of the shuffled order before it shared the
      // shapes with the simulator, which names it first: moving it to the front keeps each seed's cut.
      order.add(0, order.remove(nodes / 2));
    }
    return new Fault.Partition(shape, order);
  }

  /** The leader half the time: faults of the leader exercise elections, of followers catch-up. */
  private static Fault.Target target(int nodes, Random rnd) {
    return rnd.nextBoolean() ? new Fault.Target.Leader() : new Fault.Target.Node(rnd.nextInt(nodes));
  }
}
