package io.refraft.verification.harness;

/** The run could not take place (a node did not start, no leader): the verdict is unknown. */
public final class HarnessException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public HarnessException(String message) {
    super(message);
  }
}
