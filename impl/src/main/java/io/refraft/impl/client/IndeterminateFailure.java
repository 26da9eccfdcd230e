package io.refraft.impl.client;

/**
 * The operation may or may not have taken effect (Jepsen {@code :info}): the request was sent and
 * then the connection was lost, it timed out, or the node answered that the outcome is unknown
 * (504) and retries in the session did not settle it before the deadline.
 */
public final class IndeterminateFailure extends RefraftClientException {
  private static final long serialVersionUID = 1L;

  IndeterminateFailure(String message, Throwable cause) {
    super(message, cause);
  }
}
