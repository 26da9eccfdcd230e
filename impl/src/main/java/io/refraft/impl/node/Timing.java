package io.refraft.impl.node;

import java.time.Duration;

/**
 * The driver's timers. Invariants: (1) every duration is positive; (2) {@code electionMin <=
 * electionMax}; (3) {@code heartbeat < electionMin}, so a live leader's heartbeats arrive before a
 * follower's timeout (§5.6: broadcastTime ≪ electionTimeout).
 *
 * @param heartbeat   how often a leader sends AppendEntries (a candidate re-sends vote requests)
 * @param electionMin shortest election timeout
 * @param electionMax longest; each timeout is drawn uniformly from [min, max] (§5.2)
 */
public record Timing(Duration heartbeat, Duration electionMin, Duration electionMax) {

  /** 100 ms heartbeats, election timeouts uniform in 150–300 ms (the paper's §9.3 range). */
  public static final Timing DEFAULT = new Timing(Duration.ofMillis(100), Duration.ofMillis(150),
      Duration.ofMillis(300));

  public Timing {
    for (Duration d : new Duration[] {heartbeat, electionMin, electionMax}) {
      if (d == null || d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException("timer durations must be positive, got " + d);
      }
    }
    if (electionMax.compareTo(electionMin) < 0) {
      throw new IllegalArgumentException("election timeout range " + electionMin.toMillis() + "-"
          + electionMax.toMillis() + " ms is empty");
    }
    if (heartbeat.compareTo(electionMin) >= 0) {
      throw new IllegalArgumentException("heartbeat " + heartbeat.toMillis()
          + " ms must be shorter than the shortest election timeout " + electionMin.toMillis() + " ms");
    }
  }
}
