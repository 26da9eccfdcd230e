package io.refraft.verification.harness;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/** The fault families {@code refraft test --nemesis} can enable. */
public enum NemesisKind {
  /** Network partitions through the transport's admin switch (several shapes, see {@link PartitionShape}). */
  PARTITION,
  /** kill -9 of one node, restarted later with the same data directory. */
  KILL,
  /** SIGSTOP of one node, SIGCONT later: a process that freezes with its sockets open. */
  PAUSE,
  /** A clean stop (SIGTERM) of one node, restarted later. */
  RESTART;

  public String flag() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * Parses {@code partition,kill,...} or {@code none} (the empty set).
   *
   * @throws IllegalArgumentException naming the unknown entry and listing the known ones
   */
  public static Set<NemesisKind> parseList(String flags) {
    Set<NemesisKind> out = EnumSet.noneOf(NemesisKind.class);
    if (flags.strip().equals("none")) {
      return out;
    }
    for (String f : flags.split(",", -1)) {
      String name = f.strip();
      NemesisKind k = null;
      for (NemesisKind c : values()) {
        if (c.flag().equals(name)) {
          k = c;
        }
      }
      if (k == null) {
        throw new IllegalArgumentException("unknown nemesis '" + name + "'; known: partition, kill, pause, restart, or none");
      }
      out.add(k);
    }
    return out;
  }
}
