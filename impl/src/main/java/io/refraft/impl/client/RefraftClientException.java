package io.refraft.impl.client;

/** A request that did not succeed: either it definitely did not happen, or nobody can tell. */
public abstract sealed class RefraftClientException extends RuntimeException
    permits DefiniteFailure, IndeterminateFailure {
  private static final long serialVersionUID = 1L;

  RefraftClientException(String message, Throwable cause) {
    super(message, cause);
  }
}
