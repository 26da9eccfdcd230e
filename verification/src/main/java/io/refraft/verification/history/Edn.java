package io.refraft.verification.history;

import us.bpsm.edn.EdnException;
import us.bpsm.edn.parser.Parser;
import us.bpsm.edn.parser.Parsers;

/** EDN text to and from the plain data of {@link Op}, e.g. for a command-line {@code --initial 0}. */
public final class Edn {
  private Edn() {}

  /**
   * Reads exactly one EDN value.
   *
   * @throws IllegalArgumentException saying what is wrong with {@code text}
   */
  public static Object read(String text) {
    LineParseable in = new LineParseable(text);
    if (in.skipBlank() == -1) {
      throw new IllegalArgumentException("empty EDN value");
    }
    Parser parser = Parsers.newParser(Parsers.defaultConfiguration());
    try {
      Object v = EdnValues.fromEdn(parser.nextValue(in));
      if (in.skipBlank() != -1) {
        throw new IllegalArgumentException("more than one EDN value in '" + text + "'");
      }
      return v;
    } catch (EdnException | EdnValues.Unsupported e) {
      throw new IllegalArgumentException("malformed EDN '" + text + "': " + e.getMessage(), e);
    }
  }

  /** Prints plain data as EDN, as Clojure would. */
  public static String print(Object value) {
    return EdnValues.toEdn(value);
  }
}
