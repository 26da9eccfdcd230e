package io.refraft.verification.history;

/** EDN text to and from the plain data of {@link Op}, e.g. for a command-line {@code --initial 0}. */
public final class Edn {
  private Edn() {}

  /**
   * Reads exactly one EDN value.
   *
   * @throws IllegalArgumentException saying what is wrong with {@code text}
   */
  public static Object read(String text) {
    EdnReader in = new EdnReader(text);
    try {
      if (in.skipBlank() == -1) {
        throw new IllegalArgumentException("empty EDN value");
      }
      Object v = in.next();
      if (in.skipBlank() != -1) {
        throw new IllegalArgumentException("more than one EDN value in '" + text + "'");
      }
      return v;
    } catch (EdnReader.SyntaxError e) {
      throw new IllegalArgumentException("malformed EDN '" + text + "': " + e.getMessage(), e);
    }
  }

  /** Prints plain data as EDN, as Clojure would. */
  public static String print(Object value) {
    return EdnValues.toEdn(value);
  }
}
