package io.refraft.impl.codec;

import io.refraft.spec.NodeId;

/**
 * The node ids decoded lately, so that decoding a message returns the same {@link NodeId} object
 * for the same name instead of a new string each time: every message names two nodes, and the spec
 * hashes and compares them (progress maps, vote sets) on each step, where a fresh string must
 * compute its hash anew. A cluster has a handful of names, so a small direct-mapped table holds
 * them all.
 *
 * <p>Shared by every thread without locks: a slot holds a reference to an immutable record, so a
 * racing reader sees either the old or the new id, both of which it checks against the bytes.
 */
final class RecentNodeIds {
  private static final int SLOTS = 64;
  private static final NodeId[] TABLE = new NodeId[SLOTS];

  private RecentNodeIds() {}

  /** The remembered id whose name is the ASCII {@code bytes[from, from + n)}, or null. */
  static NodeId lookup(byte[] bytes, int from, int n) {
    if (n == 0) {
      return null;
    }
    NodeId id = TABLE[slot(n, bytes[from + n - 1], bytes[from])];
    if (id == null) {
      return null;
    }
    String name = id.name();
    if (name.length() != n) {
      return null;
    }
    for (int i = 0; i < n; i++) {
      if (name.charAt(i) != bytes[from + i]) {
        return null;
      }
    }
    return id;
  }

  /** Remembers {@code id}, whose name is ASCII and non-empty. */
  static void remember(NodeId id) {
    String name = id.name();
    int n = name.length();
    TABLE[slot(n, (byte) name.charAt(n - 1), (byte) name.charAt(0))] = id;
  }

  private static int slot(int n, byte last, byte first) {
    return (n * 31 + last * 7 + first) & (SLOTS - 1);
  }
}
