package io.refraft.spec;

import java.util.Objects;

/**
 * One log entry: the term in which a leader created it and what it carries (§5.3).
 *
 * @param term    ≥ 1; the leader's term when it appended the entry
 * @param payload what the entry carries; shared by reference between log versions and messages
 */
public record Entry(long term, Payload payload) {
  public Entry {
    if (term < 1) {
      throw new IllegalArgumentException("entry term must be >= 1, got " + term);
    }
    Objects.requireNonNull(payload, "payload");
  }

  /**
   * The record's own equality, written out: the identity test first, since log versions and
   * messages share entry objects, and without the indy bootstrap's method-handle chain, which the
   * simulator's per-step checks spent measurable time in (verification/README, Performance).
   */
  @Override
  public boolean equals(Object o) {
    return o == this || (o instanceof Entry e && term == e.term && payload.equals(e.payload));
  }

  /** The value a record's generated hashCode gives ({@code 31 * h(term) + h(payload)}), kept for fingerprints. */
  @Override
  public int hashCode() {
    return 31 * Long.hashCode(term) + payload.hashCode();
  }

  @Override
  public String toString() {
    return term + ":" + payload;
  }
}
