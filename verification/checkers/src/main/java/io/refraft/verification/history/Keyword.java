package io.refraft.verification.history;

/**
 * An EDN keyword such as {@code :ok} or {@code :append}, kept distinct from strings so that a
 * history written back as EDN says what it was read as.
 *
 * @param name the keyword without its leading colon; may contain one {@code /} for a namespace
 */
public record Keyword(String name) implements Comparable<Keyword> {
  public Keyword {
    if (name == null || name.isEmpty()) {
      throw new IllegalArgumentException("keyword name must be non-empty");
    }
  }

  public static Keyword of(String name) {
    return new Keyword(name);
  }

  @Override
  public int compareTo(Keyword o) {
    return name.compareTo(o.name);
  }

  @Override
  public String toString() {
    return ":" + name;
  }
}
