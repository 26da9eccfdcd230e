package io.refraft.spec;

/**
 * A server's identity in the cluster, e.g. {@code n1}.
 *
 * @param name non-empty, no whitespace, no {@code /} (message ids are {@code from/to/seq})
 */
public record NodeId(String name) implements Comparable<NodeId> {
  public NodeId {
    if (name == null || name.isEmpty()) {
      throw new IllegalArgumentException("node id must be non-empty");
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (Character.isWhitespace(c) || c == '/' || c == ',' || c == '=') {
        throw new IllegalArgumentException("node id '" + name + "' contains '" + c + "'");
      }
    }
  }

  public static NodeId of(String name) {
    return new NodeId(name);
  }

  /** The record's equality, written out (identity first: ids are mostly shared objects). */
  @Override
  public boolean equals(Object o) {
    return o == this || (o instanceof NodeId n && name.equals(n.name));
  }

  /** The value a record's generated hashCode gives for one component. */
  @Override
  public int hashCode() {
    return name.hashCode();
  }

  @Override
  public int compareTo(NodeId o) {
    return name.compareTo(o.name);
  }

  @Override
  public String toString() {
    return name;
  }
}
