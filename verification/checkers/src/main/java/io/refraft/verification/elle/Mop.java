package io.refraft.verification.elle;

/**
 * One micro-operation of a transaction: {@code [:append k v]}, {@code [:w k v]} or {@code [:r k v]}.
 *
 * @param kind  what it does
 * @param key   the object it touches (any value with equals/hashCode, usually a Long)
 * @param value the element appended, the value written, or what was read (null when unknown)
 */
record Mop(Kind kind, Object key, Object value) {
  enum Kind {
    APPEND(":append"), WRITE(":w"), READ(":r");

    private final String edn;

    Kind(String edn) {
      this.edn = edn;
    }

    String edn() {
      return edn;
    }
  }

  Mop {
    java.util.Objects.requireNonNull(kind, "kind");
  }

  boolean isRead() {
    return kind == Kind.READ;
  }
}
