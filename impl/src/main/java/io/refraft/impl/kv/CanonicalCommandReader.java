package io.refraft.impl.kv;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads a command spelled exactly as {@link CommandCodec#encode} writes it for plain ASCII keys and
 * values — fields {@code v, t, c, q, op} in that order ({@code c}/{@code q} optional together), no
 * whitespace, strings of printable ASCII without escapes, integers without sign or leading zero —
 * by scanning the bytes, with no JSON parser or tree: every replica decodes every committed entry,
 * and the parser's setup and tree were most of that cost. Within that form JSON has one reading,
 * so it accepts a subset of what {@link CommandCodec#decode} accepts and gives the same
 * {@link Command}; anything else, valid or not, it declines ({@code null}), and the full decoder
 * decides and names what is wrong. {@code CommandCodecTest} holds the two to that.
 */
final class CanonicalCommandReader {
  private static final byte[] HEAD = ascii("{\"v\":1,\"t\":");
  private static final byte[] CLIENT = ascii(",\"c\":");
  private static final byte[] SEQ = ascii(",\"q\":");
  private static final byte[] OP = ascii(",\"op\":[");
  private static final byte[] NULL = ascii("null");
  /** Longest integer read: 18 digits cannot overflow a long. */
  private static final int MAX_DIGITS = 18;

  private final byte[] b;
  private int pos;

  private CanonicalCommandReader(byte[] bytes) {
    this.b = bytes;
  }

  /** The command, or null when {@code bytes} is not in the canonical form or not valid. */
  static Command read(byte[] bytes) {
    if (bytes.length > CommandCodec.MAX_COMMAND_BYTES) {
      return null;
    }
    return new CanonicalCommandReader(bytes).command();
  }

  private Command command() {
    if (!literal(HEAD)) {
      return null;
    }
    long time = number();
    if (time < 0) {
      return null;
    }
    Optional<Command.SessionTag> session = Optional.empty();
    if (literal(CLIENT)) {
      long client = number();
      if (client < 1 || !literal(SEQ)) {
        return null;
      }
      long seq = number();
      if (seq < 1) {
        return null;
      }
      session = Optional.of(new Command.SessionTag(client, seq));
    }
    if (!literal(OP)) {
      return null;
    }
    KvOp op = op();
    if (op == null || (op instanceof KvOp.OpenSession && session.isPresent()) || !next(']') || !next('}')
        || pos != b.length) {
      return null;
    }
    return new Command(time, session, op);
  }

  /** An operation after its opening bracket, up to its last argument. */
  private KvOp op() {
    String f = string(0, Integer.MAX_VALUE);
    if (f == null) {
      return null;
    }
    return switch (f) {
      case "get" -> key() instanceof String k ? new KvOp.Get(k) : null;
      case "put" -> key() instanceof String k && value() instanceof String v ? new KvOp.Put(k, v) : null;
      case "delete" -> key() instanceof String k ? new KvOp.Delete(k) : null;
      case "cas" -> key() instanceof String k && optionalValue() instanceof Optional<String> from
          && value() instanceof String to ? new KvOp.Cas(k, from, to) : null;
      case "append" -> key() instanceof String k && value() instanceof String v ? new KvOp.Append(k, v) : null;
      case "read" -> key() instanceof String k ? new KvOp.Read(k) : null;
      case "txn" -> txn();
      case "open-session" -> new KvOp.OpenSession();
      default -> null;
    };
  }

  private KvOp.Txn txn() {
    if (!next(',') || !next('[')) {
      return null;
    }
    List<MicroOp> ops = new ArrayList<>(4);
    do {
      MicroOp m = next('[') ? micro() : null;
      if (m == null || ops.size() == CommandCodec.MAX_TXN_OPS) {
        return null;
      }
      ops.add(m);
    } while (next(','));
    return next(']') ? new KvOp.Txn(ops) : null;
  }

  /** A micro-op after its opening bracket, up to and including its closing one. */
  private MicroOp micro() {
    String f = string(0, Integer.MAX_VALUE);
    if (f == null) {
      return null;
    }
    MicroOp m = switch (f) {
      case "append" -> key() instanceof String k && value() instanceof String v ? new MicroOp.Append(k, v) : null;
      case "r" -> key() instanceof String k && next(',') && literal(NULL) ? new MicroOp.R(k) : null;
      case "w" -> key() instanceof String k && value() instanceof String v ? new MicroOp.W(k, v) : null;
      case "cas" -> key() instanceof String k && optionalValue() instanceof Optional<String> from
          && value() instanceof String to ? new MicroOp.Cas(k, from, to) : null;
      default -> null;
    };
    return m != null && next(']') ? m : null;
  }

  /** {@code ,"key"}. */
  private String key() {
    return next(',') ? string(1, CommandCodec.MAX_KEY_BYTES) : null;
  }

  /** {@code ,"value"}. */
  private String value() {
    return next(',') ? string(0, CommandCodec.MAX_VALUE_BYTES) : null;
  }

  /** {@code ,null} or {@code ,"value"}. */
  private Optional<String> optionalValue() {
    if (!next(',')) {
      return null;
    }
    if (literal(NULL)) {
      return Optional.empty();
    }
    String v = string(0, CommandCodec.MAX_VALUE_BYTES);
    return v == null ? null : Optional.of(v);
  }

  /** A string of printable ASCII other than the quote and the backslash, of a length within bounds. */
  private String string(int min, int max) {
    if (!next('"')) {
      return null;
    }
    int start = pos;
    while (pos < b.length && b[pos] != '"') {
      byte c = b[pos];
      if (c < 0x20 || c > 0x7E || c == '\\') {
        return null; // escapes, control characters and non-ASCII: the full decoder's business
      }
      pos++;
    }
    int n = pos - start;
    if (pos == b.length || n < min || n > max) {
      return null;
    }
    pos++;
    return new String(b, start, n, StandardCharsets.ISO_8859_1);
  }

  /** An integer {@code 0} or {@code [1-9][0-9]*} of at most {@link #MAX_DIGITS} digits; -1 otherwise. */
  private long number() {
    int start = pos;
    long v = 0;
    while (pos < b.length && b[pos] >= '0' && b[pos] <= '9' && pos - start < MAX_DIGITS) {
      v = v * 10 + (b[pos++] - '0');
    }
    boolean ok = pos > start && (b[start] != '0' || pos == start + 1)
        && (pos == b.length || b[pos] < '0' || b[pos] > '9');
    return ok ? v : -1;
  }

  private boolean next(char c) {
    if (pos < b.length && b[pos] == c) {
      pos++;
      return true;
    }
    return false;
  }

  private boolean literal(byte[] s) {
    if (b.length - pos < s.length) {
      return false;
    }
    for (int i = 0; i < s.length; i++) {
      if (b[pos + i] != s[i]) {
        return false;
      }
    }
    pos += s.length;
    return true;
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}
