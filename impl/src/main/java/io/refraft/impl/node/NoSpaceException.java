package io.refraft.impl.node;

import java.io.Serial;

/**
 * A proposal refused before it reached the log: this node's disk is full (its last write found no
 * space), so nothing new is accepted until a write succeeds again. The request did not happen.
 */
public final class NoSpaceException extends RuntimeException {
  @Serial private static final long serialVersionUID = 1L;

  public NoSpaceException(String message) {
    super(message);
  }
}
