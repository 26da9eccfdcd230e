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

  @Override
  public String toString() {
    return term + ":" + payload;
  }
}
