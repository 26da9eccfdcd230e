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
  CRASH;

  /**
   * Parses {@code drop,dup,partition,crash} or {@code none}.
   *
   * @throws IllegalArgumentException naming the unknown fault
   */
  public static Set<Fault> parse(String list) {
    EnumSet<Fault> faults = EnumSet.noneOf(Fault.class);
    if (list.trim().equalsIgnoreCase("none")) {
      return faults;
    }
    for (String f : list.split(",")) {
      String name = f.trim().toUpperCase(Locale.ROOT);
      try {
        faults.add(Fault.valueOf(name));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("--faults: unknown fault '" + f.trim()
            + "' (expected drop, dup, partition, crash, or none)", e);
      }
    }
    return faults;
  }
}
