package io.refraft.verification.sim;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/** A kind of fault the simulation injects. */
public enum Fault {
  /** A message is lost. */
  DROP,
  /** A message is delivered twice (traces then declare {@code duplicates: true}). */
  DUP,
  /** Links between nodes are cut in one of several shapes, then healed on a schedule. */
  PARTITION,
  /** A node's process dies, losing unsynced writes, and later restarts from its disk. */
  CRASH,
  /**
   * A node's disk is slow for a while: each fsync takes 1-30 ms, during which its state thread waits
   * and the turn's messages and replies wait too; a crash then loses them and, unless the turn sent
   * AppendEntries before its fsync or truncated the log, the turn's writes.
   */
  FSYNC_LATENCY;

  /** The name users type: {@code drop}, ..., {@code fsync-latency}. */
  public String flag() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /**
   * Parses {@code drop,dup,partition,crash,fsync-latency} (any subset) or {@code none}.
   *
   * @throws IllegalArgumentException naming the unknown fault
   */
  public static Set<Fault> parse(String list) {
    EnumSet<Fault> faults = EnumSet.noneOf(Fault.class);
    if (list.trim().equalsIgnoreCase("none")) {
      return faults;
    }
    for (String f : list.split(",")) {
      String name = f.trim().toUpperCase(Locale.ROOT).replace('-', '_');
      try {
        faults.add(Fault.valueOf(name));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("--faults: unknown fault '" + f.trim()
            + "' (expected drop, dup, partition, crash, fsync-latency, or none)", e);
      }
    }
    return faults;
  }
}
