package io.refraft.cli;

import java.io.Serial;

/**
 * A mistake in what the user gave (an argument, a file's content): printed as one line naming
 * the argument, file or line, exit code 2, never a stack trace.
 */
public final class UserError extends RuntimeException {
  @Serial private static final long serialVersionUID = 1L;

  /** Longest message printed: one quoting a huge line of input is cut, never echoed whole. */
  static final int MAX_MESSAGE = 1000;

  public UserError(String message) {
    super(clip(message));
  }

  public UserError(String message, Throwable cause) {
    super(clip(message), cause);
  }

  static String clip(String message) {
    return message == null || message.length() <= MAX_MESSAGE ? message
        : message.substring(0, MAX_MESSAGE) + "… (" + message.length() + " characters)";
  }
}
