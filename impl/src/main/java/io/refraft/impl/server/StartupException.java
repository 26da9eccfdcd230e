package io.refraft.impl.server;

import java.io.Serial;

/**
 * A node could not start because of its settings or environment (a port in use, a data directory
 * that cannot be written or is locked by another node, corrupt storage); the message names the
 * address, directory or file, for the operator, without a stack trace.
 */
public final class StartupException extends Exception {
  @Serial private static final long serialVersionUID = 1L;

  public StartupException(String message, Throwable cause) {
    super(message, cause);
  }
}
