package io.refraft.spec.explore;

import io.refraft.spec.check.Cluster;
import io.refraft.spec.NodeState;

/**
 * The state constraint of a bounded check, as TLC's baseline states it: states outside the bounds
 * are not explored (nor counted).
 *
 * @param servers     cluster size, 1..7
 * @param values      distinct client values, 0..4
 * @param maxTerm     every currentTerm ≤ this (1..8)
 * @param maxLog      every log length ≤ this (0..8)
 * @param maxMsgs     messages in flight in total, duplicates counted, and messages held until the
 *     disk has caught up, ≤ this (0..16)
 * @param maxRestarts restarts in total ≤ this, or -1 for no limit
 * @param reads       client reads (ReadIndex, thesis §6.4) arriving in total, 0..4; each arrives
 *     at a leader
 * @param maxPending  writes a server may have asked for and not yet seen durable, 0..4; 0 is
 *     synchronous persistence (each step's writes are durable before its messages leave, as in
 *     raft.tla), above 0 each write completes as an event of its own
 * @param snapshots   servers may compact what they applied into a snapshot, and leaders send
 *     snapshots to followers that need compacted entries (thesis chapter 5); {@code maxLog} bounds
 *     the last index, compacted entries included
 */
public record Bounds(int servers, int values, int maxTerm, int maxLog, int maxMsgs, int maxRestarts, int reads,
    int maxPending, boolean snapshots) {
  public Bounds {
    check("servers", servers, 1, 7);
    check("values", values, 0, 4);
    check("max-term", maxTerm, 1, 8);
    check("max-log", maxLog, 0, 8);
    check("max-msgs", maxMsgs, 0, 16);
    check("max-restarts", maxRestarts, -1, 16);
    check("reads", reads, 0, 4);
    check("max-pending", maxPending, 0, 4);
  }

  /** Bounds without snapshots. */
  public Bounds(int servers, int values, int maxTerm, int maxLog, int maxMsgs, int maxRestarts, int reads,
      int maxPending) {
    this(servers, values, maxTerm, maxLog, maxMsgs, maxRestarts, reads, maxPending, false);
  }

  /** Bounds with synchronous persistence. */
  public Bounds(int servers, int values, int maxTerm, int maxLog, int maxMsgs, int maxRestarts, int reads) {
    this(servers, values, maxTerm, maxLog, maxMsgs, maxRestarts, reads, 0);
  }

  /** Bounds without reads, with synchronous persistence. */
  public Bounds(int servers, int values, int maxTerm, int maxLog, int maxMsgs, int maxRestarts) {
    this(servers, values, maxTerm, maxLog, maxMsgs, maxRestarts, 0, 0);
  }

  /** The defaults of {@code refraft spec check}: asynchronous persistence, one write in flight per server. */
  public static Bounds defaults() {
    return new Bounds(3, 1, 2, 2, 1, -1, 0, 1);
  }

  /** These bounds with {@code n} writes pending at most (0: synchronous persistence). */
  public Bounds withMaxPending(int n) {
    return new Bounds(servers, values, maxTerm, maxLog, maxMsgs, maxRestarts, reads, n, snapshots);
  }

  /** These bounds with snapshots on or off. */
  public Bounds withSnapshots(boolean on) {
    return new Bounds(servers, values, maxTerm, maxLog, maxMsgs, maxRestarts, reads, maxPending, on);
  }

  private static void check(String name, int v, int lo, int hi) {
    if (v < lo || v > hi) {
      throw new IllegalArgumentException("--" + name + " must be in " + lo + ".." + hi + ", got " + v);
    }
  }

  /** True when {@code c} satisfies the state constraint. */
  public boolean admits(Cluster c) {
    return admits(c, 0, 0);
  }

  /**
   * True when {@code c} satisfies the state constraint with {@code extraTerms} more terms and
   * {@code extraEntries} more log entries allowed (the margin the recovery check's paths may use).
   */
  public boolean admits(Cluster c, int extraTerms, int extraEntries) {
    int messages = c.network().size();
    for (NodeState s : c.nodes()) {
      messages += s.sync().held().size(); // replies waiting for the disk will be sent: they count as in flight
    }
    if (messages > maxMsgs || (maxRestarts >= 0 && c.ghost().restarts() > maxRestarts)) {
      return false;
    }
    for (NodeState s : c.nodes()) {
      if (s.term() > maxTerm + extraTerms || s.log().lastIndex() > maxLog + extraEntries) {
        return false;
      }
    }
    for (Cluster.Disk d : c.disks()) {
      if (d.pending().size() > maxPending) {
        return false;
      }
    }
    return true;
  }

  /** As JSON, for results. */
  public String toJson() {
    return "{\"servers\":" + servers + ",\"values\":" + values + ",\"max_term\":" + maxTerm + ",\"max_log\":" + maxLog
        + ",\"max_msgs\":" + maxMsgs + ",\"max_restarts\":" + maxRestarts + ",\"reads\":" + reads
        + ",\"max_pending\":" + maxPending + (snapshots ? ",\"snapshots\":true" : "") + "}";
  }
}
