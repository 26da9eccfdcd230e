package io.refraft.verification.history;

import java.util.AbstractList;
import java.util.RandomAccess;

/**
 * An EDN vector or list as {@link EdnReader} builds it: unmodifiable, may hold nulls (EDN's nil),
 * one array exactly sized. {@code List.of} rejects nulls, and {@code unmodifiableList(ArrayList)}
 * costs two more objects and an indirection per {@code get} for each of a history's micro-ops.
 */
final class EdnList extends AbstractList<Object> implements RandomAccess {
  private final Object[] elements;

  /** Takes ownership of {@code elements}. */
  EdnList(Object[] elements) {
    this.elements = elements;
  }

  @Override
  public Object get(int index) {
    return elements[index];
  }

  @Override
  public int size() {
    return elements.length;
  }
}
