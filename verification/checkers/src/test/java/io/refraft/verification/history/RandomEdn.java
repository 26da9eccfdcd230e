package io.refraft.verification.history;

import java.util.Random;
import java.util.UUID;

/**
 * Random EDN text for {@code EdnReaderTest}: every kind of value edn-java reads, odd spellings
 * (N and M suffixes, exponents, escapes, character names, namespaces), comments, commas and
 * {@code #_} between values. Inside map keys and set elements there are no N/M suffixes, characters
 * or symbols: there edn-java keeps {@code 1} and {@code 1N} (or {@code \a} and {@code "a"}, or
 * {@code a} and {@code "a"}) apart and the conversion to plain data merges them, whereas
 * {@link EdnReader} rejects the duplicate (documented on EdnReader).
 */
final class RandomEdn {
  private static final String SYMBOL_START = "abcxyzABZ!*+-.?_$%&=<>";
  private static final String CONSTITUENT = SYMBOL_START + "0123456789#:";

  private final Random rnd;

  RandomEdn(Random rnd) {
    this.rnd = rnd;
  }

  void value(StringBuilder sb, int depth, boolean inKey) {
    int kind = rnd.nextInt(depth > 3 ? 9 : 14);
    if (inKey && (kind == 3 || kind == 5 || kind == 6)) {
      kind = 4;
    }
    switch (kind) {
      case 0 -> integer(sb, inKey);
      case 1 -> decimal(sb, inKey);
      case 2 -> string(sb);
      case 3 -> character(sb);
      case 4 -> sb.append(':').append(name());
      case 5 -> sb.append(new String[] {"nil", "true", "false", "sym", "a/b", "-", "+", "nil?"}[rnd.nextInt(8)]);
      case 6 -> sb.append(name());
      case 7 -> sb.append(rnd.nextBoolean() ? "#uuid \"" + new UUID(rnd.nextLong(), rnd.nextLong()) + "\""
          : "#my/tag [1 :a]");
      case 8 -> integer(sb, inKey);
      case 9 -> collection(sb, depth, "[", "]", inKey);
      case 10 -> collection(sb, depth, "(", ")", inKey);
      case 11 -> collection(sb, depth, "#{", "}", true);
      default -> map(sb, depth, inKey);
    }
  }

  private void collection(StringBuilder sb, int depth, String open, String close, boolean inKey) {
    sb.append(open);
    int n = rnd.nextInt(5);
    for (int i = 0; i < n; i++) {
      blank(rnd, sb);
      value(sb, depth + 1, inKey);
    }
    blank(rnd, sb);
    // A wrong closer now and then: both readers must reject it.
    sb.append(rnd.nextInt(200) == 0 ? ")" : close);
  }

  private void map(StringBuilder sb, int depth, boolean inKey) {
    sb.append('{');
    int n = rnd.nextInt(4);
    for (int i = 0; i < n; i++) {
      blank(rnd, sb);
      value(sb, depth + 1, true);
      blank(rnd, sb);
      value(sb, depth + 1, inKey);
    }
    sb.append('}');
  }

  private void integer(StringBuilder sb, boolean inKey) {
    long v = switch (rnd.nextInt(4)) {
      case 0 -> rnd.nextInt(20) - 10;
      case 1 -> rnd.nextLong();
      case 2 -> rnd.nextBoolean() ? Long.MAX_VALUE : Long.MIN_VALUE;
      default -> rnd.nextInt(100_000);
    };
    sb.append(v >= 0 && rnd.nextInt(8) == 0 ? "+" : "").append(v);
    if (rnd.nextInt(40) == 0) {
      sb.append("0000"); // beyond 64 bits, unless v is small
    }
    if (!inKey && rnd.nextInt(6) == 0) {
      sb.append('N');
    }
  }

  private void decimal(StringBuilder sb, boolean inKey) {
    sb.append(rnd.nextBoolean() ? "-" : "").append(rnd.nextInt(1000));
    switch (rnd.nextInt(4)) {
      case 0 -> sb.append('.').append(rnd.nextInt(1000));
      case 1 -> sb.append('.');
      case 2 -> sb.append('e').append(rnd.nextBoolean() ? "-" : "+").append(rnd.nextInt(300));
      default -> sb.append('.').append(rnd.nextInt(99)).append('E').append(rnd.nextInt(20));
    }
    if (!inKey && rnd.nextInt(4) == 0) {
      sb.append('M');
    }
  }

  private void string(StringBuilder sb) {
    sb.append('"');
    int n = rnd.nextInt(8);
    for (int i = 0; i < n; i++) {
      switch (rnd.nextInt(10)) {
        case 0 -> sb.append(new String[] {"\\n", "\\t", "\\\"", "\\\\", "\\r", "\\b", "\\f", "\\'"}[rnd.nextInt(8)]);
        case 1 -> sb.append(String.format("\\u%04x", rnd.nextInt(0xd000)));
        case 2 -> sb.append(rnd.nextBoolean() ? "\n" : "é€;#,");
        case 3 -> sb.append(rnd.nextInt(100) == 0 ? "\\x" : " ");
        default -> sb.append((char) ('a' + rnd.nextInt(26)));
      }
    }
    sb.append('"');
  }

  private void character(StringBuilder sb) {
    String[] names = {"a", "newline", "space", "tab", "return", "backspace", "formfeed", "u00e9", "\"", "(", ",",
        "é", "nope"};
    sb.append('\\').append(names[rnd.nextInt(rnd.nextInt(50) == 0 ? names.length : names.length - 1)]);
    sb.append(' ');
  }

  private String name() {
    StringBuilder sb = new StringBuilder();
    if (rnd.nextInt(4) == 0) {
      sb.append(ident()).append('/');
    }
    return sb.append(ident()).toString();
  }

  private String ident() {
    StringBuilder sb = new StringBuilder();
    char first = SYMBOL_START.charAt(rnd.nextInt(SYMBOL_START.length()));
    sb.append(first);
    int n = rnd.nextInt(6);
    for (int i = 0; i < n; i++) {
      sb.append(CONSTITUENT.charAt(rnd.nextInt(CONSTITUENT.length())));
    }
    return sb.toString();
  }

  /** Whitespace, commas, comments and discarded forms, as may separate values. */
  static void blank(Random rnd, StringBuilder sb) {
    switch (rnd.nextInt(8)) {
      case 0 -> sb.append(", ");
      case 1 -> sb.append("\n");
      case 2 -> sb.append(" ; a comment [ {\n");
      case 3 -> sb.append(" #_ ").append(rnd.nextBoolean() ? "[1 {:a 2}]" : "#my/tag 99999999999999999999").append(' ');
      case 4 -> sb.append("\t\r\n");
      default -> sb.append(' ');
    }
  }
}
