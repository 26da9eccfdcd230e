package io.refraft.verification.view;

import io.refraft.spec.Payload;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The page's step data as bytes, written straight into one buffer that goes to the file in large
 * blocks: numbers as digits, names and codes as ASCII, free text as escaped UTF-8. Generation
 * must cost less than the validation it rides on, and the step data is most of the page; going
 * through a StringBuilder, a String and its encoding copied every byte three times and allocated
 * twice per step.
 */
final class PageBytes {
  private static final int FLUSH_AT = 1 << 16;
  private static final byte[] B64 =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".getBytes(StandardCharsets.US_ASCII);

  private final OutputStream out;
  private byte[] buf = new byte[FLUSH_AT + (FLUSH_AT >> 1)];
  private int len;

  PageBytes(OutputStream out) {
    this.out = out;
  }

  private void room(int n) {
    if (len + n > buf.length) {
      buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + n));
    }
  }

  PageBytes ch(char c) {
    room(1);
    buf[len++] = (byte) c;
    return this;
  }

  /** A string known to be ASCII without characters JSON or HTML must escape (keys, codes, type names). */
  PageBytes ascii(String s) {
    int n = s.length();
    room(n);
    for (int i = 0; i < n; i++) {
      buf[len++] = (byte) s.charAt(i);
    }
    return this;
  }

  PageBytes num(long v) {
    if (v >= 0 && v < 100) {
      room(2);
      if (v >= 10) {
        buf[len++] = (byte) ('0' + v / 10);
      }
      buf[len++] = (byte) ('0' + v % 10);
      return this;
    }
    if (v == Long.MIN_VALUE) {
      return ascii(Long.toString(v));
    }
    room(20);
    if (v < 0) {
      buf[len++] = '-';
      v = -v;
    }
    int end = len + digits(v);
    for (int i = end - 1; i >= len; i--) {
      buf[i] = (byte) ('0' + v % 10);
      v /= 10;
    }
    len = end;
    return this;
  }

  /** A number JavaScript may not hold exactly (beyond 2^53, e.g. a real node's message seq) as a string of its digits. */
  PageBytes exact(long v) {
    if (Math.abs(v) <= 1L << 53) {
      return num(v);
    }
    return ch('"').num(v).ch('"');
  }

  private static int digits(long v) {
    int d = 1;
    for (long p = 10; d < 19 && v >= p; p *= 10) {
      d++;
    }
    return d;
  }

  PageBytes bool(boolean b) {
    return ch(b ? '1' : '0');
  }

  /** A JSON string safe inside an HTML script element ('<', '>', '&' escaped), UTF-8. */
  PageBytes str(String s) {
    int n = s.length();
    room(n + 2);
    buf[len++] = '"';
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&') {
        buf[len++] = (byte) c; // room(n + 2) above covers the plain case
      } else {
        escaped(s, i);
        return ch('"');
      }
    }
    return ch('"');
  }

  /** The rest of {@code s} from {@code from}, the slow way: escapes and multi-byte characters. */
  private void escaped(String s, int from) {
    StringBuilder sb = new StringBuilder();
    PageText.jsonString(sb, s.substring(from));
    String body = sb.substring(1, sb.length() - 1);
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    room(b.length);
    System.arraycopy(b, 0, buf, len, b.length);
    len += b.length;
  }

  /**
   * The four fields of a configuration as traces/FORMAT.md §7 writes them, without braces:
   * {@code "voters":[...],"outgoing":[...],"learners":[...],"autoLeave":false}.
   */
  PageBytes configurationFields(io.refraft.spec.Membership m) {
    ids("voters", m.voters()).ch(',');
    ids("outgoing", m.outgoing()).ch(',');
    ids("learners", m.learners()).ch(',');
    return ascii("\"autoLeave\":").ascii(String.valueOf(m.autoLeave()));
  }

  /** {@link #configurationFields} and a closing brace when {@code m} is present; nothing otherwise. */
  PageBytes configurationFieldsIfPresent(java.util.Optional<io.refraft.spec.Membership> m) {
    return m.isPresent() ? configurationFields(m.get()).ch('}') : this;
  }

  private PageBytes ids(String field, java.util.List<io.refraft.spec.NodeId> ids) {
    ascii("\"").ascii(field).ascii("\":[");
    for (int k = 0; k < ids.size(); k++) {
      (k > 0 ? ch(',') : this).str(ids.get(k).name());
    }
    return ch(']');
  }

  /** A payload: its bytes as a base64 JSON string, 0 for a no-op, an object of its fields for a configuration. */
  PageBytes payload(Payload p) {
    switch (p) {
      case Payload.NoOp n -> ch('0');
      case Payload.Configuration c -> ch('{').configurationFields(c.membership()).ch('}');
      case Payload.Data d -> {
        int n = d.length();
        room(4 * ((n + 2) / 3) + 2);
        buf[len++] = '"';
        int i = 0;
        for (; i + 2 < n; i += 3) {
          int x = (d.byteAt(i) & 0xff) << 16 | (d.byteAt(i + 1) & 0xff) << 8 | (d.byteAt(i + 2) & 0xff);
          quad(x, 4);
        }
        if (n - i == 1) {
          quad((d.byteAt(i) & 0xff) << 16, 2);
        } else if (n - i == 2) {
          quad((d.byteAt(i) & 0xff) << 16 | (d.byteAt(i + 1) & 0xff) << 8, 3);
        }
        buf[len++] = '"';
      }
    }
    return this;
  }

  /** Four base64 characters of 24 bits, the last {@code 4 - keep} of them padding. */
  private void quad(int x, int keep) {
    for (int k = 0; k < 4; k++) {
      buf[len++] = k < keep ? B64[(x >> (18 - 6 * k)) & 63] : (byte) '=';
    }
  }

  /** Writes out what is buffered once it is large: call between steps. */
  void maybeFlush() {
    if (len >= FLUSH_AT) {
      flush();
    }
  }

  void flush() {
    try {
      out.write(buf, 0, len);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    len = 0;
  }
}
