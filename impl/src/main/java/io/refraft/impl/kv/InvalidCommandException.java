package io.refraft.impl.kv;

/**
 * A command that does not decode, with the field at fault ({@code op[1][2]}, {@code c}, …) and
 * what was expected there. The HTTP layer answers it with 400 before anything is proposed.
 */
public final class InvalidCommandException extends Exception {
  private static final long serialVersionUID = 1L;

  private final String field;
  private final String reason;

  public InvalidCommandException(String field, String reason) {
    super(field.isEmpty() ? reason : field + ": " + reason);
    this.field = field;
    this.reason = reason;
  }

  /** Where in the command the problem is; empty for the command as a whole. */
  public String field() {
    return field;
  }

  public String reason() {
    return reason;
  }
}
