package io.refraft.traces;

import io.refraft.spec.NodeId;
import java.util.Objects;

/**
 * A message's identity in a trace: {@code from/to/seq}, unique within one run (FORMAT.md §4). The
 * sender numbers what it sends; a receive names the id it got, so the validator can match it to
 * exactly one earlier send.
 *
 * @param seq ≥ 1; unique per (from, to), normally one counter per sender
 */
public record MessageId(NodeId from, NodeId to, long seq) {
  public MessageId {
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(to, "to");
    if (seq < 1) {
      throw new IllegalArgumentException("message seq must be >= 1, got " + seq);
    }
  }

  /** Parses {@code from/to/seq}; throws IllegalArgumentException naming what is wrong. */
  public static MessageId parse(String s) {
    int a = s.indexOf('/');
    int b = a < 0 ? -1 : s.indexOf('/', a + 1);
    if (a <= 0 || b <= a + 1 || b == s.length() - 1 || s.indexOf('/', b + 1) >= 0) {
      throw new IllegalArgumentException("message id '" + s + "' is not from/to/seq");
    }
    long seq;
    try {
      seq = Long.parseLong(s, b + 1, s.length(), 10);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("message id '" + s + "' has a seq that is not a number");
    }
    return new MessageId(NodeId.of(s.substring(0, a)), NodeId.of(s.substring(a + 1, b)), seq);
  }

  /** Spreads ids that differ only in seq and addressee (the record's default hash makes them collide). */
  @Override
  public int hashCode() {
    long h = seq * 0x9E3779B97F4A7C15L + from.hashCode() * 0xC2B2AE3D27D4EB4FL + to.hashCode();
    return (int) (h ^ (h >>> 32));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof MessageId m && m.seq == seq && m.from.equals(from) && m.to.equals(to);
  }

  @Override
  public String toString() {
    return from.name() + "/" + to.name() + "/" + seq;
  }
}
