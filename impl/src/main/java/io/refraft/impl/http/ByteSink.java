package io.refraft.impl.http;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** A growable byte buffer that is reset and reused for each response body of a connection. */
public final class ByteSink extends OutputStream {
  private byte[] bytes;
  private int size;

  ByteSink(int capacity) {
    bytes = new byte[capacity];
  }

  @Override
  public void write(int b) {
    ensure(1);
    bytes[size++] = (byte) b;
  }

  @Override
  public void write(byte[] b, int off, int len) {
    ensure(len);
    System.arraycopy(b, off, bytes, size, len);
    size += len;
  }

  /** Appends {@code s}, whose characters must all be ASCII. */
  public ByteSink ascii(String s) {
    ensure(s.length());
    for (int i = 0; i < s.length(); i++) {
      bytes[size++] = (byte) s.charAt(i);
    }
    return this;
  }

  /** Appends the decimal digits of {@code n}. */
  public ByteSink decimal(long n) {
    return ascii(Long.toString(n));
  }

  /** Appends {@code s} as UTF-8. */
  public ByteSink utf8(String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    write(b, 0, b.length);
    return this;
  }

  /**
   * Appends {@code s} as a JSON string literal in UTF-8 (RFC 8259 §7): quote, backslash and control
   * characters escaped; a lone surrogate, which has no UTF-8 form, as a \\u escape.
   */
  public ByteSink jsonString(String s) {
    ensure(s.length() + 2);
    bytes[size++] = '"';
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
        ensure(1);
        bytes[size++] = (byte) c;
      } else if (c < 0x80) {
        escape(c);
      } else if (c < 0x800) {
        ensure(2);
        bytes[size++] = (byte) (0xc0 | c >> 6);
        bytes[size++] = (byte) (0x80 | (c & 0x3f));
      } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
        int cp = Character.toCodePoint(c, s.charAt(++i));
        ensure(4);
        bytes[size++] = (byte) (0xf0 | cp >> 18);
        bytes[size++] = (byte) (0x80 | (cp >> 12 & 0x3f));
        bytes[size++] = (byte) (0x80 | (cp >> 6 & 0x3f));
        bytes[size++] = (byte) (0x80 | (cp & 0x3f));
      } else if (Character.isSurrogate(c)) {
        escape(c);
      } else {
        ensure(3);
        bytes[size++] = (byte) (0xe0 | c >> 12);
        bytes[size++] = (byte) (0x80 | (c >> 6 & 0x3f));
        bytes[size++] = (byte) (0x80 | (c & 0x3f));
      }
    }
    ensure(1);
    bytes[size++] = '"';
    return this;
  }

  private void escape(char c) {
    switch (c) {
      case '"' -> ascii("\\\"");
      case '\\' -> ascii("\\\\");
      case '\n' -> ascii("\\n");
      case '\r' -> ascii("\\r");
      case '\t' -> ascii("\\t");
      case '\b' -> ascii("\\b");
      case '\f' -> ascii("\\f");
      default -> ascii(String.format("\\u%04x", (int) c));
    }
  }

  public int size() {
    return size;
  }

  void reset() {
    size = 0;
  }

  byte[] array() {
    return bytes;
  }

  public byte[] toByteArray() {
    return Arrays.copyOf(bytes, size);
  }

  private void ensure(int more) {
    if (size + more > bytes.length) {
      bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + more));
    }
  }
}
