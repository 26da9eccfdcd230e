package io.refraft.verification.harness;

import java.util.Locale;
import java.util.Objects;

/**
 * What one {@link Fault.Compact} achieved: whether the node that was down came back by installing
 * a leader's snapshot.
 *
 * @param node      the node that was down, e.g. {@code n2}
 * @param kill      kill -9 and restart (else cut off and reconnected)
 * @param lastIndex its last log index before the others compacted (-1: it did not say)
 * @param compacted the lowest snapshot index of the other nodes after they compacted (0: one did not answer)
 * @param outcome   see {@link Outcome}
 * @param seconds   from its return to the install seen, for {@link Outcome#CAUGHT_UP}; else NaN
 * @param detail    one sentence for the report
 */
public record SnapshotCatchUp(String node, boolean kill, long lastIndex, long compacted, Outcome outcome,
    double seconds, String detail) {

  public enum Outcome {
    /** It installed a leader's snapshot after it came back. */
    CAUGHT_UP,
    /**
     * Every other node had compacted past its last entry, so a snapshot was its only way back, and it
     * installed none within {@link CompactNemesis#WATCH} of its return: the run is invalid.
     */
    NOT_CAUGHT_UP,
    /**
     * The others did not compact past its last entry (nothing committed while it was down, or a
     * node did not answer): it could catch up from their logs, so this fault tested nothing about
     * snapshots.
     */
    NOT_EXERCISED;

    public String flag() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
  }

  public SnapshotCatchUp {
    Objects.requireNonNull(node, "node");
    Objects.requireNonNull(outcome, "outcome");
    Objects.requireNonNull(detail, "detail");
  }
}
