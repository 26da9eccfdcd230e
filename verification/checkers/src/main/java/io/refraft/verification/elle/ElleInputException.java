package io.refraft.verification.elle;

import java.io.Serial;

/**
 * The history cannot be checked as the requested workload: an op of the wrong shape, an unknown
 * {@code :f}, or a value written twice. Names the op's index so the user can find it; the CLI maps
 * it to exit code 2.
 */
public final class ElleInputException extends IllegalArgumentException {
  @Serial private static final long serialVersionUID = 1L;

  private final long opIndex;

  public ElleInputException(long opIndex, String message) {
    super("op index " + opIndex + ": " + message);
    this.opIndex = opIndex;
  }

  /** The {@code :index} of the offending op. */
  public long opIndex() {
    return opIndex;
  }
}
