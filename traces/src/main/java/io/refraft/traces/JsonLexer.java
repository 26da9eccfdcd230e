package io.refraft.traces;

import com.fasterxml.jackson.core.JsonToken;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A strict JSON (RFC 8259) tokenizer for one NDJSON line held as bytes, with the part of Jackson's
 * {@code JsonParser} interface the trace decoder uses. The reader's hot path: every trace line
 * goes through it. Compared with Jackson's streaming parser it reads from the caller's buffer
 * (no copy), matches field names against the format's names byte by byte (no symbol table) and
 * knows where each token starts, so a repeated message can be recognised by its bytes.
 *
 * <p>Errors are {@link LineParser.Bad} starting "not valid JSON"; {@link #endOfInput} tells
 * whether the line ended inside a value (truncated, or a value spanning lines).
 */
final class JsonLexer {
  /** Guesses the next field name (per lexer: what follows which names is learned per file). */
  private final FieldNames names = new FieldNames();

  private static final byte OBJECT = 1;
  private static final byte ARRAY = 2;

  private byte[] buf;
  private int pos;
  private int end;
  private int lineStart;
  private byte[] stack = new byte[16];
  private int depth;
  /** The current container already holds a value (a comma must come before the next). */
  private boolean hasValue;
  /** A field name was read; its value comes next. */
  private boolean afterName;
  private JsonToken token;
  private int tokenStart;
  private String name;
  private char[] text = new char[64];
  private int textLength;
  private long number;
  private boolean big;
  private boolean endOfInput;

  /** Starts on {@code buf[from, to)}, one line without its newline. */
  void reset(byte[] buf, int from, int to) {
    this.buf = buf;
    this.pos = from;
    this.end = to;
    this.lineStart = from;
    this.depth = 0;
    this.hasValue = false;
    this.afterName = false;
    this.token = null;
    this.endOfInput = false;
    names.reset();
  }

  /** True when the last error was the line ending inside a value. */
  boolean endOfInput() {
    return endOfInput;
  }

  /** True when only whitespace is left on the line. */
  boolean atEnd() {
    skipWhitespace();
    return pos >= end;
  }

  JsonToken currentToken() {
    return token;
  }

  /** The byte offset (in the buffer) where the current token starts. */
  int tokenStart() {
    return tokenStart;
  }

  /** The byte offset after the current token. */
  int position() {
    return pos;
  }

  /** The offset where the line ends. */
  int lineEnd() {
    return end;
  }

  /**
   * With the current token a START_OBJECT or START_ARRAY, moves to its matching closing token, which
   * ends at {@code to}, without reading what is between: for a caller that knows those bytes form
   * a valid value.
   */
  void skipContainerTo(int to) {
    pos = to;
    depth--;
    hasValue = true;
    afterName = false;
    token = stack[depth] == OBJECT ? JsonToken.END_OBJECT : JsonToken.END_ARRAY;
  }

  String currentName() {
    return name;
  }

  char[] getTextCharacters() {
    return text;
  }

  int getTextOffset() {
    return 0;
  }

  int getTextLength() {
    return textLength;
  }

  String getText() {
    return new String(text, 0, textLength);
  }

  long getLongValue() {
    return number;
  }

  /** The current integer does not fit 64 bits. */
  boolean isBig() {
    return big;
  }

  /** Moves past the value the current START_OBJECT or START_ARRAY opens, to its end token. */
  void skipChildren() {
    if (token != JsonToken.START_OBJECT && token != JsonToken.START_ARRAY) {
      return;
    }
    int open = 1;
    while (open > 0) {
      JsonToken t = nextToken();
      if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
        open++;
      } else if (t == JsonToken.END_OBJECT || t == JsonToken.END_ARRAY) {
        open--;
      }
    }
  }

  /** The next token; null after the top-level value. */
  JsonToken nextToken() {
    skipWhitespace();
    if (depth == 0 && hasValue) {
      return token = null;
    }
    if (pos >= end) {
      endOfInput = true;
      throw bad("unexpected end of line inside a JSON value");
    }
    tokenStart = pos;
    byte c = buf[pos];
    boolean inObject = depth > 0 && stack[depth - 1] == OBJECT;
    if (inObject && !afterName) {
      if (c == '}') {
        pos++;
        return token = close(OBJECT);
      }
      comma();
      return token = fieldName();
    }
    if (!inObject && depth > 0 && c == ']') {
      pos++;
      return token = close(ARRAY);
    }
    if (!inObject && depth > 0) {
      comma();
    }
    afterName = false;
    return token = value();
  }

  /** Before a name or an array element other than the first: the comma. */
  private void comma() {
    if (!hasValue) {
      return;
    }
    if (buf[pos] != ',') {
      throw bad("expected ',' or '" + (stack[depth - 1] == OBJECT ? '}' : ']') + "'");
    }
    pos++;
    skipWhitespace();
    if (pos >= end) {
      endOfInput = true;
      throw bad("unexpected end of line inside a JSON value");
    }
    tokenStart = pos;
  }

  private JsonToken close(byte kind) {
    if (stack[depth - 1] != kind) {
      throw bad("mismatched closing bracket");
    }
    depth--;
    hasValue = true;
    return kind == OBJECT ? JsonToken.END_OBJECT : JsonToken.END_ARRAY;
  }

  private JsonToken fieldName() {
    if (buf[pos] != '"') {
      throw bad("expected a field name in double quotes");
    }
    byte[] guess = names.guess();
    if (guess != null && spelt(guess)) {
      name = names.guessed();
    } else {
      name = knownName();
      boolean known = name != null;
      if (!known) {
        string();
        name = getText();
      }
      names.read(known ? name : null);
    }
    skipWhitespace();
    if (pos >= end) {
      endOfInput = true;
      throw bad("unexpected end of line after a field name");
    }
    if (buf[pos] != ':') {
      throw bad("expected ':' after field name");
    }
    pos++;
    afterName = true;
    hasValue = true;
    return JsonToken.FIELD_NAME;
  }

  /** True when a field name at {@link #pos} is {@code name} in quotes; then moves past it. */
  private boolean spelt(byte[] name) {
    int start = pos + 1;
    int close = start + name.length;
    if (close >= end || buf[close] != '"' || !Arrays.equals(buf, start, close, name, 0, name.length)) {
      return false;
    }
    pos = close + 1;
    return true;
  }

  /** A field name of the format spelt plainly, or null (the caller then decodes it in full). */
  private String knownName() {
    int start = pos + 1;
    int i = start;
    int h = 0;
    while (i < end) {
      byte b = buf[i];
      if (b == '"' || b == '\\' || b < 0x20) {
        break;
      }
      h = 31 * h + b;
      i++;
    }
    if (i >= end || buf[i] != '"') {
      return null;
    }
    String n = FieldNames.KNOWN.find(buf, start, i, h);
    if (n != null) {
      pos = i + 1;
    }
    return n;
  }

  private JsonToken value() {
    byte c = buf[pos];
    switch (c) {
      case '{' -> {
        pos++;
        push(OBJECT);
        return JsonToken.START_OBJECT;
      }
      case '[' -> {
        pos++;
        push(ARRAY);
        return JsonToken.START_ARRAY;
      }
      case '"' -> {
        string();
        hasValue = true;
        return JsonToken.VALUE_STRING;
      }
      case 't' -> {
        return literal("true", JsonToken.VALUE_TRUE);
      }
      case 'f' -> {
        return literal("false", JsonToken.VALUE_FALSE);
      }
      case 'n' -> {
        return literal("null", JsonToken.VALUE_NULL);
      }
      default -> {
        if (c == '-' || (c >= '0' && c <= '9')) {
          JsonToken t = number();
          hasValue = true;
          return t;
        }
        throw bad("unexpected character " + describe(c));
      }
    }
  }

  private void push(byte kind) {
    if (depth == stack.length) {
      stack = Arrays.copyOf(stack, depth * 2);
    }
    stack[depth++] = kind;
    hasValue = false;
  }

  private JsonToken literal(String word, JsonToken t) {
    for (int k = 0; k < word.length(); k++) {
      if (pos + k >= end) {
        endOfInput = true;
        throw bad("unexpected end of line inside '" + word + "'");
      }
      if (buf[pos + k] != word.charAt(k)) {
        throw bad("unrecognized token (expected '" + word + "')");
      }
    }
    pos += word.length();
    if (pos < end && isWordChar(buf[pos])) {
      throw bad("unrecognized token (expected '" + word + "')");
    }
    hasValue = true;
    return t;
  }

  private static boolean isWordChar(byte b) {
    return (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || (b >= '0' && b <= '9') || b == '_';
  }

  /** RFC 8259 §6: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?; an integer beyond 64 bits sets {@link #big}. */
  private JsonToken number() {
    boolean negative = buf[pos] == '-';
    if (negative) {
      pos++;
    }
    int digits = pos;
    long v = 0;
    big = false;
    while (pos < end && buf[pos] >= '0' && buf[pos] <= '9') {
      int d = buf[pos] - '0';
      // accumulate negatively so that Long.MIN_VALUE fits
      if (v < (Long.MIN_VALUE + d) / 10) {
        big = true;
      }
      v = v * 10 - d;
      pos++;
    }
    int n = pos - digits;
    if (n == 0) {
      if (pos >= end) {
        endOfInput = true;
      }
      throw bad("a number needs digits");
    }
    if (n > 1 && buf[digits] == '0') {
      throw bad("leading zeroes are not allowed in numbers");
    }
    boolean fraction = false;
    if (pos < end && buf[pos] == '.') {
      pos++;
      fraction = true;
      requireDigits();
    }
    if (pos < end && (buf[pos] == 'e' || buf[pos] == 'E')) {
      pos++;
      if (pos < end && (buf[pos] == '+' || buf[pos] == '-')) {
        pos++;
      }
      fraction = true;
      requireDigits();
    }
    if (pos < end && isWordChar(buf[pos])) {
      throw bad("unexpected character " + describe(buf[pos]) + " in a number");
    }
    if (fraction) {
      return JsonToken.VALUE_NUMBER_FLOAT;
    }
    if (!negative && v == Long.MIN_VALUE) {
      big = true;
    }
    number = negative ? v : -v;
    return JsonToken.VALUE_NUMBER_INT;
  }

  private void requireDigits() {
    int start = pos;
    while (pos < end && buf[pos] >= '0' && buf[pos] <= '9') {
      pos++;
    }
    if (pos == start) {
      if (pos >= end) {
        endOfInput = true;
      }
      throw bad("a number's fraction or exponent needs digits");
    }
  }

  /** {@link String#hashCode} of the current string token's text. */
  int textHash() {
    int h = 0;
    for (int k = 0; k < textLength; k++) {
      h = 31 * h + text[k];
    }
    return h;
  }

  /** A string token into {@link #text}: plain ASCII copied directly, escapes and UTF-8 decoded. */
  private void string() {
    pos++;
    int n = 0;
    int room = text.length;
    while (pos < end && n < room) { // the common case: printable ASCII up to the closing quote
      byte b = buf[pos];
      if (b == '"') {
        pos++;
        textLength = n;
        return;
      }
      if (b < 0x20 || b == '\\') {
        break;
      }
      text[n++] = (char) b;
      pos++;
    }
    while (true) {
      if (pos >= end) {
        endOfInput = true;
        throw bad("unexpected end of line inside a string");
      }
      int b = buf[pos];
      if (b == '"') {
        pos++;
        textLength = n;
        return;
      }
      if (n + 2 > text.length) {
        text = Arrays.copyOf(text, text.length * 2);
      }
      if (b >= 0x20 && b != '\\') {
        text[n++] = (char) b;
        pos++;
      } else if (b == '\\') {
        n = escape(n);
      } else if (b < 0) {
        n = utf8(n);
      } else {
        throw bad("unescaped control character " + describe((byte) b) + " in a string");
      }
    }
  }

  private int escape(int n) {
    if (pos + 1 >= end) {
      endOfInput = true;
      throw bad("unexpected end of line inside a string escape");
    }
    byte e = buf[pos + 1];
    pos += 2;
    char c = switch (e) {
      case '"' -> '"';
      case '\\' -> '\\';
      case '/' -> '/';
      case 'b' -> '\b';
      case 'f' -> '\f';
      case 'n' -> '\n';
      case 'r' -> '\r';
      case 't' -> '\t';
      case 'u' -> unicodeEscape();
      default -> throw bad("unrecognized escape '\\" + (char) e + "' in a string");
    };
    text[n] = c;
    return n + 1;
  }

  private char unicodeEscape() {
    if (pos + 4 > end) {
      endOfInput = true;
      throw bad("unexpected end of line inside a \\u escape");
    }
    int v = 0;
    for (int k = 0; k < 4; k++) {
      int d = Character.digit(buf[pos + k], 16);
      if (d < 0) {
        throw bad("a \\u escape needs four hex digits");
      }
      v = v * 16 + d;
    }
    pos += 4;
    return (char) v;
  }

  /** One UTF-8 encoded code point (RFC 3629: no overlongs, no surrogates, at most U+10FFFF). */
  private int utf8(int n) {
    int b = buf[pos] & 0xff;
    int extra;
    int cp;
    int min;
    if (b >= 0xc2 && b <= 0xdf) {
      extra = 1;
      cp = b & 0x1f;
      min = 0x80;
    } else if (b >= 0xe0 && b <= 0xef) {
      extra = 2;
      cp = b & 0x0f;
      min = 0x800;
    } else if (b >= 0xf0 && b <= 0xf4) {
      extra = 3;
      cp = b & 0x07;
      min = 0x10000;
    } else {
      throw bad("invalid UTF-8 start byte 0x" + Integer.toHexString(b));
    }
    if (pos + extra >= end) {
      endOfInput = true;
      throw bad("unexpected end of line inside a UTF-8 sequence");
    }
    for (int k = 1; k <= extra; k++) {
      int c = buf[pos + k] & 0xff;
      if ((c & 0xc0) != 0x80) {
        throw bad("invalid UTF-8 continuation byte 0x" + Integer.toHexString(c));
      }
      cp = (cp << 6) | (c & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
      throw bad("invalid UTF-8 sequence");
    }
    pos += extra + 1;
    if (cp < 0x10000) {
      text[n] = (char) cp;
      return n + 1;
    }
    text[n] = Character.highSurrogate(cp);
    text[n + 1] = Character.lowSurrogate(cp);
    return n + 2;
  }

  private void skipWhitespace() {
    while (pos < end) {
      byte b = buf[pos];
      if (b != ' ' && b != '\t' && b != '\r' && b != '\n') {
        return;
      }
      pos++;
    }
  }

  private static String describe(byte b) {
    int v = b & 0xff;
    return v >= 0x20 && v < 0x7f ? "'" + (char) v + "'" : "0x" + Integer.toHexString(v);
  }

  private LineParser.Bad bad(String reason) {
    return new LineParser.Bad("not valid JSON: " + reason + " (column " + (pos - lineStart + 1) + ")");
  }
}
