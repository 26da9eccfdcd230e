package io.refraft.verification.harness;

/** A checker's three answers (docs/ARCHITECTURE.md#the-command-line: exit 0, 1, 3). */
public enum Validity {
  VALID, INVALID, UNKNOWN;

  /** The worse of two: INVALID over UNKNOWN over VALID. */
  public Validity and(Validity other) {
    return compareTo(other) >= 0 ? this : other;
  }
}
