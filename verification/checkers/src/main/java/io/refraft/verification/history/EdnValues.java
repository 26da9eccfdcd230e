package io.refraft.verification.history;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Conversion between edn-java's values and the plain data of {@link Op}, and printing of that data
 * as EDN the way Clojure prints it (so Jepsen tools read what we write).
 */
final class EdnValues {
  private EdnValues() {}

  /** Thrown for an EDN value that has no plain-data counterpart (e.g. an integer beyond 64 bits). */
  static final class Unsupported extends Exception {
    private static final long serialVersionUID = 1L;

    Unsupported(String message) {
      super(message);
    }
  }

  /** edn-java value to plain data (see {@link Op}); collections become unmodifiable, nil stays null. */
  static Object fromEdn(Object v) throws Unsupported {
    return switch (v) {
      case null -> null;
      case Long l -> l;
      case Integer i -> (long) i;
      case BigInteger b -> {
        if (b.bitLength() >= 64) {
          throw new Unsupported("integer " + b + " does not fit in 64 bits");
        }
        yield b.longValue();
      }
      case BigDecimal d -> d.doubleValue();
      case Double d -> d;
      case Boolean b -> b;
      case String s -> s;
      case Character c -> String.valueOf(c);
      case us.bpsm.edn.Keyword k ->
          Keyword.of(k.getPrefix() == null || k.getPrefix().isEmpty() ? k.getName() : k.getPrefix() + "/" + k.getName());
      case us.bpsm.edn.Symbol s -> s.toString();
      case List<?> list -> {
        List<Object> out = new ArrayList<>(list.size());
        for (Object o : list) {
          out.add(fromEdn(o));
        }
        yield Collections.unmodifiableList(out);
      }
      case Set<?> set -> {
        Set<Object> out = new LinkedHashSet<>();
        for (Object o : set) {
          out.add(fromEdn(o));
        }
        yield Collections.unmodifiableSet(out);
      }
      case Map<?, ?> map -> {
        Map<Object, Object> out = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : map.entrySet()) {
          out.put(fromEdn(e.getKey()), fromEdn(e.getValue()));
        }
        yield Collections.unmodifiableMap(out);
      }
      // #inst, #uuid and unknown tags carry no meaning for a checker: keep their printed form.
      default -> v.toString();
    };
  }

  /** Prints plain data as EDN. */
  static String toEdn(Object v) {
    StringBuilder sb = new StringBuilder();
    append(sb, v);
    return sb.toString();
  }

  static void append(StringBuilder sb, Object v) {
    switch (v) {
      case null -> sb.append("nil");
      case String s -> appendString(sb, s);
      case List<?> list -> appendAll(sb, "[", list.iterator(), "]");
      case Set<?> set -> appendAll(sb, "#{", set.iterator(), "}");
      case Map<?, ?> map -> {
        sb.append('{');
        boolean first = true;
        for (Map.Entry<?, ?> e : map.entrySet()) {
          if (!first) {
            sb.append(", ");
          }
          first = false;
          append(sb, e.getKey());
          sb.append(' ');
          append(sb, e.getValue());
        }
        sb.append('}');
      }
      case Double d -> sb.append(d.isNaN() || d.isInfinite() ? "##" + (d.isNaN() ? "NaN" : d > 0 ? "Inf" : "-Inf") : d.toString());
      default -> sb.append(v);
    }
  }

  private static void appendAll(StringBuilder sb, String open, Iterator<?> it, String close) {
    sb.append(open);
    boolean first = true;
    while (it.hasNext()) {
      if (!first) {
        sb.append(' ');
      }
      first = false;
      append(sb, it.next());
    }
    sb.append(close);
  }

  private static void appendString(StringBuilder sb, String s) {
    sb.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\t' -> sb.append("\\t");
        case '\r' -> sb.append("\\r");
        default -> sb.append(c);
      }
    }
    sb.append('"');
  }
}
