package io.refraft.impl.codec;

import java.io.Serial;

/**
 * Bytes that are not a valid encoding: truncated, an unknown version or type tag, a field out of
 * range, bytes left over. The only exception a decoder of this package throws.
 */
public final class MalformedMessageException extends Exception {
  @Serial private static final long serialVersionUID = 1L;

  private final String problem;
  private final int offset;

  public MalformedMessageException(String problem, int offset) {
    super(problem + " at byte " + offset);
    this.problem = problem;
    this.offset = offset;
  }

  /** What is wrong, without the position. */
  public String problem() {
    return problem;
  }

  /** The byte offset where decoding stopped. */
  public int offset() {
    return offset;
  }
}
