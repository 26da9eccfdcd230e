package io.refraft.traces;

import java.io.Serial;

/**
 * A trace that does not follow FORMAT.md: which file, which line (1-based; 0 for the file as a
 * whole) and what is wrong. The message reads {@code file:line: reason}.
 */
public final class TraceFormatException extends Exception {
  @Serial private static final long serialVersionUID = 1L;

  private final String file;
  private final long line;
  private final String reason;

  public TraceFormatException(String file, long line, String reason) {
    super(file + ":" + line + ": " + reason);
    this.file = file;
    this.line = line;
    this.reason = reason;
  }

  public String file() {
    return file;
  }

  public long line() {
    return line;
  }

  public String reason() {
    return reason;
  }
}
