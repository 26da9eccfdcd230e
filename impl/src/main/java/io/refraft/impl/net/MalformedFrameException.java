package io.refraft.impl.net;

/** The frame stream broke the framing rules; the connection it came from must be closed. */
public final class MalformedFrameException extends WireException {

  private static final long serialVersionUID = 1L;

  /** What was wrong with the frame. */
  public enum Problem {
    /** The stream ended inside the 4-byte length prefix. */
    TRUNCATED_HEADER,
    /** The stream ended before the declared payload length was read. */
    TRUNCATED_PAYLOAD,
    /** The length prefix exceeds the receiver's maximum frame size. */
    OVERSIZED
  }

  private final Problem problem;

  public MalformedFrameException(Problem problem, String message) {
    super(message);
    this.problem = problem;
  }

  public Problem problem() {
    return problem;
  }
}
