package io.refraft.impl.snapshot;

import java.io.Serial;

/** A payload that carries the transfer tag but is no valid transfer frame; what and where. */
public final class MalformedTransferException extends Exception {
  @Serial private static final long serialVersionUID = 1L;

  public MalformedTransferException(String problem, int offset) {
    super(problem + " at byte " + offset);
  }
}
