package io.refraft.cli;

import java.io.Serial;

/**
 * A mistake in what the user gave (an argument, a file's content): printed as one line naming
 * the argument, file or line, exit code 2, never a stack trace.
 */
public final class UserError extends RuntimeException {
  @Serial private static final long serialVersionUID = 1L;

  public UserError(String message) {
    super(message);
  }

  public UserError(String message, Throwable cause) {
    super(message, cause);
  }
}
