package io.refraft.verification.history;

import java.io.Serial;

/**
 * A history file that cannot be read: names the file and the 1-based line, so the user can open
 * the file at the mistake. The message is printed as {@code file:line: reason}.
 */
public final class HistoryFormatException extends Exception {
  @Serial private static final long serialVersionUID = 1L;

  private final String file;
  private final int line;
  private final String reason;

  /**
   * @param file   the file's name as the user gave it (or a label such as {@code <string>})
   * @param line   1-based line number, or 0 when the problem is the file as a whole
   * @param reason what was wrong and what was expected
   */
  public HistoryFormatException(String file, int line, String reason) {
    this(file, line, clip(reason, 4 * EXCERPT), true);
  }

  private HistoryFormatException(String file, int line, String reason, boolean clipped) {
    super(file + (line > 0 ? ":" + line : "") + ": " + reason);
    this.file = file;
    this.line = line;
    this.reason = reason;
  }

  /** Most characters of the input an error message quotes. */
  public static final int EXCERPT = 200;

  /**
   * {@code input} as an error message quotes it: whole up to {@link #EXCERPT} characters, else its
   * start and its length (a 50 MB line is not echoed to the terminal).
   */
  public static String excerpt(String input) {
    return clip(input, EXCERPT);
  }

  private static String clip(String s, int max) {
    return s == null || s.length() <= max ? s : s.substring(0, max) + "… (" + s.length() + " characters)";
  }

  public String file() {
    return file;
  }

  public int line() {
    return line;
  }

  public String reason() {
    return reason;
  }
}
