package io.refraft.verification.history;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import us.bpsm.edn.EdnException;
import us.bpsm.edn.parser.Parsers;

/**
 * A single-pass EDN reader over an in-memory text that yields the plain data of {@link Op}
 * directly: the same values as edn-java followed by {@link EdnValues#fromEdn} (the reference,
 * checked by {@code EdnReaderTest}), about ten times faster, with the line of every error.
 *
 * <p>Why our own (docs/ARCHITECTURE.md#dependencies asks for a measured reason): reading a 32 MB, 200,000-op Jepsen history
 * through edn-java took most of {@code refraft check}'s time. edn-java scans numbers through a
 * {@code BigInteger}, builds a {@code Symbol} per keyword and goes through a character-at-a-time
 * {@code Parseable}; here integers are accumulated in a {@code long}, keywords come from a cache
 * keyed by their characters, and strings without escapes are one {@code substring}.
 *
 * <p>Grammar and values, as edn-java 0.7.1 reads them: whitespace is U+0000 to space and
 * {@code ,}; {@code ;} comments; {@code #_} discards the next form; maps, vectors, lists and sets
 * (duplicate keys or elements are errors); strings with {@code \b \t \n \f \r \" \' \\} and <code>&#92;uXXXX</code>;
 * characters ({@code \a}, {@code \newline}, &#92;u00e9, …) become one-character strings;
 * integers (optional {@code N}) become {@code Long}, an error beyond 64 bits; decimals (optional
 * {@code M}) become {@code Double}; {@code nil}, {@code true}, {@code false}; a symbol becomes its
 * name as a string; a keyword a {@link Keyword}. Ratios ({@code 1/2}) and {@code ##Inf} are errors,
 * as in edn-java. Tagged literals ({@code #inst "…"}, {@code #uuid "…"}, {@code #my/tag form}) and
 * namespaced maps ({@code #:ns{…}}) are rare in histories and carry no meaning for a checker: their
 * extent is found here and that one form is handed to edn-java, so its value is the reference's by
 * construction (e.g. a UUID's printed form).
 *
 * <p>Differences: duplicate map keys and set elements are judged on the plain data, so keys that
 * differ only in how they are spelled ({@code 1} and {@code 1N}, the symbol {@code a}, the
 * character {@code \a} and the string {@code "a"}) are an error here, whereas edn-java keeps them
 * apart and the conversion to plain data then silently keeps one. A tag or {@code #_} with no form
 * after it at the end of the text is an error here; edn-java accepts it. {@code a/b//}-like symbols (three slashes), which edn-java accepts by accident, are errors.
 *
 * <p>Not thread-safe; one reader per text.
 */
final class EdnReader {
  /** Malformed EDN: the reason and the 1-based line where it was detected. */
  static final class SyntaxError extends Exception {
    private static final long serialVersionUID = 1L;
    private final int line;

    SyntaxError(String reason, int line) {
      super(reason);
      this.line = line;
    }

    int line() {
      return line;
    }
  }

  private static final Object DISCARDED = new Object();
  private static final int WHITESPACE = 1;
  private static final int SEPARATOR = 2;
  private static final int SYMBOL_START = 4;
  private static final int CONSTITUENT = 8;
  private static final int DIGIT = 16;
  private static final byte[] CLASS = new byte[128];

  static {
    for (int c = 0; c <= ' '; c++) {
      CLASS[c] |= WHITESPACE | SEPARATOR;
    }
    CLASS[','] |= WHITESPACE | SEPARATOR;
    for (char c : "\"#();[\\]{}".toCharArray()) {
      CLASS[c] |= SEPARATOR;
    }
    for (char c = 'a'; c <= 'z'; c++) {
      CLASS[c] |= SYMBOL_START | CONSTITUENT;
      CLASS[Character.toUpperCase(c)] |= SYMBOL_START | CONSTITUENT;
    }
    for (char c : "!*+-./?_$%&=<>".toCharArray()) {
      CLASS[c] |= SYMBOL_START | CONSTITUENT;
    }
    for (char c = '0'; c <= '9'; c++) {
      CLASS[c] |= DIGIT | CONSTITUENT;
    }
    CLASS['#'] |= CONSTITUENT;
    CLASS[':'] |= CONSTITUENT;
  }

  private final String text;
  private final int end;
  private final KeywordCache keywords = new KeywordCache();
  private int pos;
  private int line = 1;

  EdnReader(String text) {
    this.text = text;
    this.end = text.length();
  }

  /** 1-based line of the next character. */
  int line() {
    return line;
  }

  /**
   * Skips whitespace, comments and {@code #_} discarded forms; returns the next character without
   * consuming it, or -1 at the end of the text.
   */
  int skipBlank() throws SyntaxError {
    while (pos < end) {
      char c = text.charAt(pos);
      if (c == '\n') {
        line++;
        pos++;
      } else if (is(c, WHITESPACE)) {
        pos++;
      } else if (c == ';') {
        while (pos < end && text.charAt(pos) != '\n' && text.charAt(pos) != '\r') {
          pos++;
        }
      } else if (c == '#' && pos + 1 < end && text.charAt(pos + 1) == '_') {
        int at = line;
        pos += 2;
        if (skipBlank() == -1) {
          throw new SyntaxError("end of input after #_ (it discards the next form)", at);
        }
        value(true);
      } else {
        return c;
      }
    }
    return -1;
  }

  /** Consumes one character already seen by {@link #skipBlank}. */
  void skip() {
    pos++;
  }

  /** Reads the next value; there must be one. */
  Object next() throws SyntaxError {
    if (skipBlank() == -1) {
      throw new SyntaxError("end of input where a value was expected", line);
    }
    return value(false);
  }

  /** Reads the value starting at {@code pos}, which {@link #skipBlank} has just returned. */
  private Object value(boolean discard) throws SyntaxError {
    char c = text.charAt(pos);
    switch (c) {
      case '{' -> {
        pos++;
        return map(discard);
      }
      case '[', '(' -> {
        pos++;
        return list(c == '[' ? ']' : ')', discard);
      }
      case '"' -> {
        return string();
      }
      case ':' -> {
        pos++;
        return keyword();
      }
      case '\\' -> {
        return character();
      }
      case '#' -> {
        return dispatch(discard);
      }
      case ']', ')', '}' -> throw new SyntaxError("unmatched '" + c + "'", line);
      default -> {
        if (is(c, DIGIT) || ((c == '+' || c == '-') && pos + 1 < end && isDigit(text.charAt(pos + 1)))) {
          return number(discard);
        }
        if (is(c, SYMBOL_START)) {
          return symbol();
        }
        throw new SyntaxError(String.format("unexpected character '%c' (\\u%04x)", c, (int) c), line);
      }
    }
  }

  private Object list(char close, boolean discard) throws SyntaxError {
    int opened = line;
    ArrayList<Object> out = new ArrayList<>();
    while (true) {
      int c = skipBlank();
      if (c == close) {
        pos++;
        return discard ? DISCARDED : new EdnList(out.toArray());
      }
      checkInside(c, close == ']' ? "vector" : "list", close, opened);
      out.add(value(discard));
    }
  }

  private Object map(boolean discard) throws SyntaxError {
    int opened = line;
    Map<Object, Object> out = new LinkedHashMap<>();
    while (true) {
      int c = skipBlank();
      if (c == '}') {
        pos++;
        return discard ? DISCARDED : Collections.unmodifiableMap(out);
      }
      checkInside(c, "map", '}', opened);
      int keyLine = line;
      Object key = value(discard);
      c = skipBlank();
      if (c == '}') {
        throw new SyntaxError("the map opened on line " + opened + " has a key without a value", line);
      }
      checkInside(c, "map", '}', opened);
      Object v = value(discard);
      if (!discard && out.containsKey(key)) {
        throw new SyntaxError("duplicate map key " + EdnValues.toEdn(key), keyLine);
      }
      out.put(key, v);
    }
  }

  private Object set(boolean discard) throws SyntaxError {
    int opened = line;
    Set<Object> out = new LinkedHashSet<>();
    while (true) {
      int c = skipBlank();
      if (c == '}') {
        pos++;
        return discard ? DISCARDED : Collections.unmodifiableSet(out);
      }
      checkInside(c, "set", '}', opened);
      int at = line;
      if (!out.add(value(discard)) && !discard) {
        throw new SyntaxError("duplicate set element", at);
      }
    }
  }

  private void checkInside(int c, String what, char close, int opened) throws SyntaxError {
    if (c == -1) {
      throw new SyntaxError("end of input inside the " + what + " opened on line " + opened + " (missing "
          + close + ")", line);
    }
    if (c == ']' || c == ')' || c == '}') {
      throw new SyntaxError("'" + (char) c + "' closes the " + what + " opened on line " + opened
          + " (expected " + close + ")", line);
    }
  }

  private String string() throws SyntaxError {
    int opened = line;
    int start = ++pos;
    while (pos < end) {
      char c = text.charAt(pos);
      if (c == '"') {
        return text.substring(start, pos++);
      }
      if (c == '\\') {
        return escapedString(start, opened);
      }
      if (c == '\n') {
        line++;
      }
      pos++;
    }
    throw new SyntaxError("end of input inside the string opened on line " + opened, line);
  }

  private String escapedString(int start, int opened) throws SyntaxError {
    StringBuilder b = new StringBuilder().append(text, start, pos);
    while (pos < end) {
      char c = text.charAt(pos++);
      if (c == '"') {
        return b.toString();
      }
      if (c == '\n') {
        line++;
      }
      if (c != '\\') {
        b.append(c);
        continue;
      }
      if (pos >= end) {
        break;
      }
      char e = text.charAt(pos++);
      switch (e) {
        case 'b' -> b.append('\b');
        case 't' -> b.append('\t');
        case 'n' -> b.append('\n');
        case 'f' -> b.append('\f');
        case 'r' -> b.append('\r');
        case '"', '\'', '\\' -> b.append(e);
        case 'u' -> {
          int v = 0;
          for (int i = 0; i < 4; i++) {
            int d = pos < end ? Character.digit(text.charAt(pos++), 16) : -1;
            if (d == -1) {
              throw new SyntaxError("invalid \\u escape in a string (expected 4 hex digits)", line);
            }
            v = v * 16 + d;
          }
          b.append((char) v);
        }
        default -> throw new SyntaxError("unsupported escape '\\" + e + "' in a string", line);
      }
    }
    throw new SyntaxError("end of input inside the string opened on line " + opened, line);
  }

  private Object number(boolean discard) throws SyntaxError {
    int start = pos;
    boolean negative = text.charAt(pos) == '-';
    if (!isDigit(text.charAt(pos))) {
      pos++;
    }
    int digitsStart = pos;
    long v = 0;
    while (pos < end && isDigit(text.charAt(pos))) {
      v = v * 10 + (text.charAt(pos++) - '0');
    }
    int digits = pos - digitsStart;
    char c = pos < end ? text.charAt(pos) : ' ';
    if (c == '.' || c == 'e' || c == 'E' || c == 'M') {
      return decimal(start);
    }
    if (c == 'N') {
      pos++;
    }
    endOfNumber(start);
    if (digits <= 18) {
      return negative ? -v : v;
    }
    BigInteger big = new BigInteger(text.substring(negative ? start : digitsStart, c == 'N' ? pos - 1 : pos));
    if (big.bitLength() >= 64) {
      if (discard) {
        return DISCARDED;
      }
      throw new SyntaxError("integer " + big + " does not fit in 64 bits", line);
    }
    return big.longValue();
  }

  private Object decimal(int start) throws SyntaxError {
    if (text.charAt(pos) == '.') {
      do {
        pos++;
      } while (pos < end && isDigit(text.charAt(pos)));
    }
    if (pos < end && (text.charAt(pos) == 'e' || text.charAt(pos) == 'E')) {
      pos++;
      if (pos < end && (text.charAt(pos) == '-' || text.charAt(pos) == '+')) {
        pos++;
      }
      // An exponent needs at least one digit after its sign ("1e+" is not a number).
      if (pos >= end || !isDigit(text.charAt(pos))) {
        throw new SyntaxError("malformed number '" + text.substring(start, Math.min(pos + 1, end)) + "'", line);
      }
      while (pos < end && isDigit(text.charAt(pos))) {
        pos++;
      }
    }
    int digitsEnd = pos;
    boolean big = pos < end && text.charAt(pos) == 'M';
    if (big) {
      pos++;
    }
    endOfNumber(start);
    String s = text.substring(start, digitsEnd);
    try {
      return big ? new BigDecimal(s).doubleValue() : Double.parseDouble(s);
    } catch (NumberFormatException e) { // any other shape the scan above let through
      throw new SyntaxError("malformed number '" + s + "'", line);
    }
  }

  private void endOfNumber(int start) throws SyntaxError {
    if (pos < end && !is(text.charAt(pos), SEPARATOR)) {
      throw new SyntaxError("malformed number '" + text.substring(start, pos + 1) + "' (ratios such as 1/2 are"
          + " not supported)", line);
    }
  }

  private Keyword keyword() throws SyntaxError {
    if (pos >= end) {
      throw new SyntaxError("end of input after ':' (expected a keyword)", line);
    }
    int start = pos;
    pos++; // the first character is taken whatever it is, as edn-java does; the name check rejects it
    while (pos < end && is(text.charAt(pos), CONSTITUENT)) {
      pos++;
    }
    Keyword k = keywords.get(text, start, pos);
    if (k == null) {
      String name = text.substring(start, pos);
      if (name.equals("/")) {
        throw new SyntaxError("':/' is not a valid keyword", line);
      }
      checkSymbol(name);
      k = keywords.put(name);
    }
    return k;
  }

  private Object symbol() throws SyntaxError {
    int start = pos++;
    while (pos < end && is(text.charAt(pos), CONSTITUENT)) {
      pos++;
    }
    String name = text.substring(start, pos);
    return switch (name) {
      case "nil" -> null;
      case "true" -> Boolean.TRUE;
      case "false" -> Boolean.FALSE;
      default -> {
        checkSymbol(name);
        yield name;
      }
    };
  }

  private String character() throws SyntaxError {
    pos++;
    if (pos >= end) {
      throw new SyntaxError("end of input after '\\' (expected a character)", line);
    }
    char first = text.charAt(pos);
    if (first != ',' && is(first, WHITESPACE)) {
      throw new SyntaxError("a character literal '\\' must not be followed by whitespace", line);
    }
    int start = pos++;
    while (pos < end && !is(text.charAt(pos), SEPARATOR)) {
      pos++;
    }
    String name = text.substring(start, pos);
    if (name.length() == 1) {
      return name;
    }
    char c = switch (name) {
      case "newline" -> '\n';
      case "space" -> ' ';
      case "tab" -> '\t';
      case "backspace" -> '\b';
      case "formfeed" -> '\f';
      case "return" -> '\r';
      default -> unicodeChar(name);
    };
    return String.valueOf(c);
  }

  private char unicodeChar(String name) throws SyntaxError {
    if (name.charAt(0) == 'u' && name.length() == 5) {
      try {
        return (char) Integer.parseInt(name.substring(1), 16);
      } catch (NumberFormatException e) {
        // reported below
      }
    }
    throw new SyntaxError("unknown character \\" + name, line);
  }

  /**
   * {@code #{…}} is a set; {@code #_} was skipped as blank; anything else ({@code #tag form},
   * {@code #:ns{…}}) is read by edn-java, after finding where the form ends.
   */
  private Object dispatch(boolean discard) throws SyntaxError {
    int start = pos;
    int startLine = line;
    pos++;
    if (pos >= end) {
      throw new SyntaxError("end of input after '#'", line);
    }
    if (text.charAt(pos) == '{') {
      pos++;
      return set(discard);
    }
    if (text.charAt(pos) == ':') {
      pos++;
    }
    if (pos >= end || !is(text.charAt(pos), SYMBOL_START)) {
      throw new SyntaxError("'#' must be followed by '{', '_', ':' or a tag symbol", line);
    }
    symbol();
    if (skipBlank() == -1) {
      throw new SyntaxError("end of input after the tag " + text.substring(start, pos).strip(), line);
    }
    value(true);
    if (discard) {
      return DISCARDED;
    }
    try {
      return EdnValues.fromEdn(Parsers.newParser(Parsers.defaultConfiguration())
          .nextValue(Parsers.newParseable(text.substring(start, pos))));
    } catch (EdnException | EdnValues.Unsupported e) {
      throw new SyntaxError("tagged literal: " + e.getMessage(), startLine);
    }
  }

  /** edn-java's rules for a symbol's or keyword's prefix and name (its {@code Symbol.checkName}). */
  private void checkSymbol(String s) throws SyntaxError {
    int slash = s.indexOf('/');
    if (slash < 0 || s.equals("/")) {
      checkName("name", s);
      return;
    }
    if (s.endsWith("//") && s.indexOf('/') == s.length() - 2 && s.length() > 2) {
      checkName("prefix", s.substring(0, s.length() - 2));
      return;
    }
    if (s.indexOf('/', slash + 1) >= 0 || slash == 0 || slash == s.length() - 1) {
      throw new SyntaxError("incorrect use of '/' in '" + s + "'", line);
    }
    checkName("prefix", s.substring(0, slash));
    checkName("name", s.substring(slash + 1));
  }

  private void checkName(String label, String ident) throws SyntaxError {
    char first = ident.charAt(0);
    if (!is(first, SYMBOL_START)) {
      throw new SyntaxError("the " + label + " '" + ident + "' must not begin with '" + first + "'", line);
    }
    if ((first == '.' || first == '-') && ident.length() > 1 && isDigit(ident.charAt(1))) {
      throw new SyntaxError("the " + label + " '" + ident + "' begins with '" + first + "' and a digit", line);
    }
    for (int i = 1; i < ident.length(); i++) {
      if (!is(ident.charAt(i), CONSTITUENT)) {
        throw new SyntaxError("the " + label + " '" + ident + "' contains '" + ident.charAt(i) + "'", line);
      }
    }
  }

  private static boolean is(char c, int cls) {
    return c < 128 && (CLASS[c] & cls) != 0;
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }
}
