package io.refraft.impl.node;

import java.io.Serial;

/**
 * A proposal refused because the node had stopped (after a fatal storage error, or shutting down)
 * before it took the proposal: it never reached the log, so the request did not happen.
 */
public final class NodeStoppedException extends RuntimeException {
  @Serial private static final long serialVersionUID = 1L;

  public NodeStoppedException(String message) {
    super(message);
  }
}
