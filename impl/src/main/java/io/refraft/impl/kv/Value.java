package io.refraft.impl.kv;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What a key holds: a register (one string) or a list (strings in append order). A key holds one
 * kind at a time; an operation of the other kind on it is a type error, never a silent conversion.
 */
public sealed interface Value permits Value.Register, Value.Items {

  /** A register's value. */
  record Register(String value) implements Value {
    public Register {
      Objects.requireNonNull(value, "value");
    }
  }

  /** A list's elements, oldest first. */
  record Items(List<String> elements) implements Value {
    public static final Items EMPTY = new Items(List.of());

    public Items {
      elements = List.copyOf(elements);
    }

    /** This list with {@code element} appended. Copies: lists are values (snapshots share nothing mutable). */
    public Items plus(String element) {
      List<String> more = new ArrayList<>(elements.size() + 1);
      more.addAll(elements);
      more.add(element);
      return new Items(more);
    }
  }
}
