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

  /** Longest reason kept whole: a reason quoting a huge line of input is cut (never echoed whole). */
  public static final int MAX_REASON = 400;

  public TraceFormatException(String file, long line, String reason) {
    this(file, line, clip(reason), true);
  }

  private TraceFormatException(String file, long line, String reason, boolean clipped) {
    super(file + ":" + line + ": " + reason);
    this.file = file;
    this.line = line;
    this.reason = reason;
  }

  /** {@code text} itself, or its first {@link #MAX_REASON} characters and how many there were. */
  public static String clip(String text) {
    return clip(text, MAX_REASON);
  }

  /** A piece of the input as a reason quotes it: at most 200 characters. */
  public static String excerpt(String input) {
    return clip(input, 200);
  }

  private static String clip(String text, int max) {
    return text == null || text.length() <= max ? text : text.substring(0, max) + "… (" + text.length() + " characters)";
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
