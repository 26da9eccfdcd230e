package io.refraft.impl.kv;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads a command spelled exactly as {@link CommandCodec#encode} writes it (fields {@code v, t,
 * c, q, op} in that order, {@code c}/{@code q} optional together) token by token, without building
 * a JSON tree: every replica decodes every committed entry, and the tree was most of that cost. It
 * accepts a subset of what {@link CommandCodec#decode} accepts and gives the same {@link Command};
 * anything else, valid or not, it declines ({@code null}), and the full decoder then decides and
 * names what is wrong. {@code CommandCodecTest} holds the two to that.
 */
final class CanonicalCommandReader {
  private CanonicalCommandReader() {}

  /** The command, or null when {@code bytes} is not in the canonical form or not valid. */
  static Command read(byte[] bytes) {
    if (bytes.length > CommandCodec.MAX_COMMAND_BYTES) {
      return null;
    }
    try (JsonParser p = CommandCodec.factory().createParser(bytes)) {
      if (p.nextToken() != JsonToken.START_OBJECT || !field(p, "v") || longValue(p, 1) != CommandCodec.VERSION
          || !field(p, "t")) {
        return null;
      }
      long time = longValue(p, 0);
      if (time < 0 || p.nextToken() != JsonToken.FIELD_NAME) {
        return null;
      }
      Optional<Command.SessionTag> session = Optional.empty();
      if (p.currentName().equals("c")) {
        long client = longValue(p, 1);
        if (client < 1 || !field(p, "q")) {
          return null;
        }
        long seq = longValue(p, 1);
        if (seq < 1 || p.nextToken() != JsonToken.FIELD_NAME) {
          return null;
        }
        session = Optional.of(new Command.SessionTag(client, seq));
      }
      if (!p.currentName().equals("op")) {
        return null;
      }
      Op op = op(p);
      if (op == null || (op instanceof Op.OpenSession && session.isPresent())
          || p.nextToken() != JsonToken.END_OBJECT || p.nextToken() != null) {
        return null;
      }
      return new Command(time, session, op);
    } catch (IOException | RuntimeException e) { // malformed JSON and the like: the full decoder names it
      return null;
    }
  }

  private static boolean field(JsonParser p, String name) throws IOException {
    return p.nextToken() == JsonToken.FIELD_NAME && p.currentName().equals(name);
  }

  /** The next value as a long when it is an integer of at least {@code min}; {@code min - 1} otherwise. */
  private static long longValue(JsonParser p, long min) throws IOException {
    if (p.nextToken() != JsonToken.VALUE_NUMBER_INT || p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
      return min - 1;
    }
    long v = p.getLongValue();
    return v < min ? min - 1 : v;
  }

  private static Op op(JsonParser p) throws IOException {
    if (p.nextToken() != JsonToken.START_ARRAY || p.nextToken() != JsonToken.VALUE_STRING) {
      return null;
    }
    Op op = switch (p.getText()) {
      case "get" -> key(p) instanceof String k ? new Op.Get(k) : null;
      case "put" -> key(p) instanceof String k && value(p) instanceof String v ? new Op.Put(k, v) : null;
      case "delete" -> key(p) instanceof String k ? new Op.Delete(k) : null;
      case "cas" -> key(p) instanceof String k && optionalValue(p) instanceof Optional<String> from
          && value(p) instanceof String to ? new Op.Cas(k, from, to) : null;
      case "append" -> key(p) instanceof String k && value(p) instanceof String v ? new Op.Append(k, v) : null;
      case "read" -> key(p) instanceof String k ? new Op.Read(k) : null;
      case "txn" -> txn(p);
      case "open-session" -> new Op.OpenSession();
      default -> null;
    };
    return op != null && p.nextToken() == JsonToken.END_ARRAY ? op : null;
  }

  private static Op.Txn txn(JsonParser p) throws IOException {
    if (p.nextToken() != JsonToken.START_ARRAY) {
      return null;
    }
    List<MicroOp> ops = new ArrayList<>(4);
    while (p.nextToken() == JsonToken.START_ARRAY) {
      MicroOp m = micro(p);
      if (m == null || ops.size() == CommandCodec.MAX_TXN_OPS) {
        return null;
      }
      ops.add(m);
    }
    return p.currentToken() == JsonToken.END_ARRAY && !ops.isEmpty() ? new Op.Txn(ops) : null;
  }

  /** A micro-op whose opening bracket was read, up to and including its closing one. */
  private static MicroOp micro(JsonParser p) throws IOException {
    if (p.nextToken() != JsonToken.VALUE_STRING) {
      return null;
    }
    MicroOp m = switch (p.getText()) {
      case "append" -> key(p) instanceof String k && value(p) instanceof String v ? new MicroOp.Append(k, v) : null;
      case "r" -> key(p) instanceof String k && p.nextToken() == JsonToken.VALUE_NULL ? new MicroOp.R(k) : null;
      case "w" -> key(p) instanceof String k && value(p) instanceof String v ? new MicroOp.W(k, v) : null;
      case "cas" -> key(p) instanceof String k && optionalValue(p) instanceof Optional<String> from
          && value(p) instanceof String to ? new MicroOp.Cas(k, from, to) : null;
      default -> null;
    };
    return m != null && p.nextToken() == JsonToken.END_ARRAY ? m : null;
  }

  private static String key(JsonParser p) throws IOException {
    return string(p, 1, CommandCodec.MAX_KEY_BYTES);
  }

  private static String value(JsonParser p) throws IOException {
    return string(p, 0, CommandCodec.MAX_VALUE_BYTES);
  }

  private static Optional<String> optionalValue(JsonParser p) throws IOException {
    JsonToken t = p.nextToken();
    if (t == JsonToken.VALUE_NULL) {
      return Optional.empty();
    }
    String v = t == JsonToken.VALUE_STRING ? sized(p.getText(), 0, CommandCodec.MAX_VALUE_BYTES) : null;
    return v == null ? null : Optional.of(v);
  }

  private static String string(JsonParser p, int minBytes, int maxBytes) throws IOException {
    return p.nextToken() == JsonToken.VALUE_STRING ? sized(p.getText(), minBytes, maxBytes) : null;
  }

  /** {@code s} when its UTF-8 length is within the bounds (counted as the full decoder counts it). */
  private static String sized(String s, int minBytes, int maxBytes) {
    int bytes = s.length();
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) >= 0x80) {
        bytes = s.getBytes(StandardCharsets.UTF_8).length;
        break;
      }
    }
    return bytes >= minBytes && bytes <= maxBytes ? s : null;
  }
}
