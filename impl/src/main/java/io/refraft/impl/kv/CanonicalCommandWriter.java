package io.refraft.impl.kv;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Writes a command whose strings are all plain ASCII — printable, no quote, no backslash — in the
 * canonical form by appending bytes, with no JSON generator: a client's every proposal is encoded,
 * and the generator's setup was most of that cost. For such strings JSON needs no escape, so the
 * bytes are exactly those of {@link CommandCodec#encode}'s generator; a command with any other
 * string is left to the generator ({@code null}). {@code CommandCodecTest} compares the two.
 */
final class CanonicalCommandWriter {
  private final StringBuilder out = new StringBuilder(64);

  private CanonicalCommandWriter() {}

  /** The canonical bytes of {@code c}, or null when one of its strings needs the generator. */
  static byte[] write(Command c) {
    CanonicalCommandWriter w = new CanonicalCommandWriter();
    w.out.append("{\"v\":").append(CommandCodec.VERSION).append(",\"t\":").append(c.time());
    if (c.session().isPresent()) {
      w.out.append(",\"c\":").append(c.session().get().clientId()).append(",\"q\":").append(c.session().get().seq());
    }
    w.out.append(",\"op\":[");
    if (!w.op(c.op())) {
      return null;
    }
    w.out.append("]}");
    return w.out.toString().getBytes(StandardCharsets.ISO_8859_1);
  }

  private boolean op(KvOp op) {
    return switch (op) {
      case KvOp.Get o -> strings("get", o.key());
      case KvOp.Put o -> strings("put", o.key(), o.value());
      case KvOp.Delete o -> strings("delete", o.key());
      case KvOp.Cas o -> strings("cas", o.key()) && comma() && optional(o.from()) && comma() && string(o.to());
      case KvOp.Append o -> strings("append", o.key(), o.value());
      case KvOp.Read o -> strings("read", o.key());
      case KvOp.Txn o -> {
        out.append("\"txn\",[");
        for (int i = 0; i < o.ops().size(); i++) {
          if ((i > 0 && !comma()) || !micro(o.ops().get(i))) {
            yield false;
          }
        }
        out.append(']');
        yield true;
      }
      case KvOp.OpenSession o -> string("open-session");
    };
  }

  private boolean micro(MicroOp m) {
    out.append('[');
    boolean ok = switch (m) {
      case MicroOp.Append a -> strings("append", a.key(), a.value());
      case MicroOp.R r -> strings("r", r.key()) && comma() && optional(Optional.empty());
      case MicroOp.W w -> strings("w", w.key(), w.value());
      case MicroOp.Cas c -> strings("cas", c.key()) && comma() && optional(c.from()) && comma() && string(c.to());
    };
    out.append(']');
    return ok;
  }

  private boolean strings(String... s) {
    for (int i = 0; i < s.length; i++) {
      if ((i > 0 && !comma()) || !string(s[i])) {
        return false;
      }
    }
    return true;
  }

  private boolean comma() {
    out.append(',');
    return true;
  }

  private boolean optional(Optional<String> s) {
    if (s.isEmpty()) {
      out.append("null");
      return true;
    }
    return string(s.get());
  }

  private boolean string(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x20 || c > 0x7E || c == '"' || c == '\\') {
        return false;
      }
    }
    out.append('"').append(s).append('"');
    return true;
  }
}
