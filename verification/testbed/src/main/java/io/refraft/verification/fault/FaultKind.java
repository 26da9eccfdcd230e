package io.refraft.verification.fault;

import java.util.Collections;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * A kind of fault refraft injects: in the simulator ({@code refraft simulate --faults}, the kinds in
 * {@link #SIMULATED}) or against real node processes ({@code refraft test --nemesis}, the kinds in
 * {@link #NEMESES}). Both partition the network ({@link PartitionShape}); only a simulated network
 * loses and duplicates messages and only a simulated disk is slow, only real processes are paused
 * or stopped cleanly. A simulated {@link #CRASH} and a {@link #KILL} differ in what survives: a
 * crash loses the writes the node had not synced, as a power loss does, while after a kill -9 the
 * operating system still holds them.
 */
public enum FaultKind {
  /** A message is lost. */
  DROP,
  /** A message is delivered twice (traces then declare {@code duplicates: true}). */
  DUP,
  /** Links between nodes are cut in one of several shapes ({@link PartitionShape}), then healed. */
  PARTITION,
  /** A node's process dies, losing unsynced writes, and later restarts from its disk. */
  CRASH,
  /**
   * A node's disk is slow for a while: each fsync takes 1-30 ms, during which its state thread waits
   * and the turn's messages and replies wait too; a crash then loses them and, unless the turn sent
   * AppendEntries before its fsync or truncated the log, the turn's writes.
   */
  FSYNC_LATENCY,
  /** kill -9 of one node, restarted later with the same data directory. */
  KILL,
  /** SIGSTOP of one node, SIGCONT later: a process that freezes with its sockets open. */
  PAUSE,
  /** A clean stop (SIGTERM) of one node, restarted later. */
  RESTART,
  /**
   * One node's file system fills up (its data directory is a small tmpfs of its own, filled by a
   * ballast file), and later gets its space back.
   */
  DISK_FULL,
  /**
   * One node goes down (kill -9 or cut off), the others snapshot and compact their logs past its
   * last entry, and it comes back: it can only catch up by InstallSnapshot.
   */
  COMPACT;

  /**
   * What the simulator injects. Iterated in this order (a schedule's draws follow it), so the
   * constants keep their relative order.
   */
  public static final Set<FaultKind> SIMULATED =
      Collections.unmodifiableSet(EnumSet.of(DROP, DUP, PARTITION, CRASH, FSYNC_LATENCY));

  /** What the harness's nemesis injects into real processes; iterated in this order too. */
  public static final Set<FaultKind> NEMESES =
      Collections.unmodifiableSet(EnumSet.of(PARTITION, KILL, PAUSE, RESTART, DISK_FULL, COMPACT));

  /** The name users type: {@code drop}, ..., {@code fsync-latency}, {@code kill}, .... */
  public String flag() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /**
   * Parses {@code refraft simulate --faults}: {@code drop,dup,partition,crash,fsync-latency} (any
   * subset, any case, {@code _} for {@code -}) or {@code none}.
   *
   * @throws IllegalArgumentException naming the unknown fault
   */
  public static Set<FaultKind> parseSimulated(String list) {
    EnumSet<FaultKind> faults = EnumSet.noneOf(FaultKind.class);
    if (list.trim().equalsIgnoreCase("none")) {
      return faults;
    }
    for (String f : list.split(",")) {
      String name = f.trim().toUpperCase(Locale.ROOT).replace('-', '_');
      FaultKind k = null;
      for (FaultKind c : SIMULATED) {
        if (c.name().equals(name)) {
          k = c;
        }
      }
      if (k == null) {
        throw new IllegalArgumentException("--faults: unknown fault '" + f.trim()
            + "' (expected drop, dup, partition, crash, fsync-latency, or none)");
      }
      faults.add(k);
    }
    return faults;
  }

  /**
   * Parses {@code refraft test --nemesis}: {@code partition,kill,pause,restart,disk-full,compact} (any subset, exactly
   * these names) or {@code none} (the empty set).
   *
   * @throws IllegalArgumentException naming the unknown entry and listing the known ones
   */
  public static Set<FaultKind> parseNemeses(String flags) {
    Set<FaultKind> out = EnumSet.noneOf(FaultKind.class);
    if (flags.strip().equals("none")) {
      return out;
    }
    for (String f : flags.split(",", -1)) {
      String name = f.strip();
      FaultKind k = null;
      for (FaultKind c : NEMESES) {
        if (c.flag().equals(name)) {
          k = c;
        }
      }
      if (k == null) {
        throw new IllegalArgumentException("unknown nemesis '" + name + "'; known: partition, kill, pause, restart, disk-full, compact, or none");
      }
      out.add(k);
    }
    return out;
  }
}
