package io.refraft.verification.history;

import us.bpsm.edn.parser.Parseable;

/**
 * edn-java input over an in-memory text that knows which line it is on, so that a syntax error
 * and each op can be reported with its line; edn-java itself does not track lines.
 */
final class LineParseable implements Parseable {
  private final CharSequence text;
  private int pos;
  private int line = 1;

  LineParseable(CharSequence text) {
    this.text = text;
  }

  @Override
  public int read() {
    if (pos >= text.length()) {
      pos++; // so that unread of END_OF_INPUT stays symmetric
      return END_OF_INPUT;
    }
    char c = text.charAt(pos++);
    if (c == '\n') {
      line++;
    }
    return c;
  }

  @Override
  public void unread(int ch) {
    pos--;
    if (pos < text.length() && text.charAt(pos) == '\n') {
      line--;
    }
  }

  @Override
  public void close() {}

  /** 1-based line of the next character. */
  int line() {
    return line;
  }

  /**
   * Skips whitespace, commas (whitespace in EDN) and {@code ;} comments; returns the next character
   * without consuming it, or -1 at the end.
   */
  int skipBlank() {
    while (pos < text.length()) {
      char c = text.charAt(pos);
      if (c == ';') {
        while (pos < text.length() && text.charAt(pos) != '\n') {
          pos++;
        }
      } else if (Character.isWhitespace(c) || c == ',') {
        read();
      } else {
        return c;
      }
    }
    return -1;
  }

  /** Consumes one character already seen by {@link #skipBlank}. */
  void skip() {
    read();
  }
}
