package io.refraft.traces;

import java.util.Arrays;

/**
 * Values decoded from one buffer of trace lines, by their exact bytes, so that a later value with
 * the same bytes reuses the decoded object instead of decoding it again: a received message
 * repeats its send, followers print the same state and the same persisted entries, most steps the
 * same actions. Sound because decoding a value is a function of its bytes (and of the file's node
 * ids, which only grow) and the decoded values are immutable: equal bytes decode to an equal value
 * without error. A value whose bytes differ is decoded in full as before.
 *
 * <p>Looked up before the value's end is known: a JSON value whose bytes begin with all the bytes
 * of a complete value decoded without error is that value (the tokens are the same up to its
 * closing bracket). Direct-mapped on a hash of the first bytes: a slot keeps the last value that
 * hashed to it, so memory is fixed.
 *
 * @param <T> the decoded value's type
 */
final class Repeats<T> {
  private final byte[] buf;
  private final int prefix;
  private final int[] start;
  private final int[] end;
  private final Object[] value;
  private int matchedEnd;

  /**
   * @param buf    the bytes the parser reads, from offset 0
   * @param slots  a power of two
   * @param prefix how many first bytes choose the slot (for messages, enough to cover the unique id)
   */
  Repeats(byte[] buf, int slots, int prefix) {
    this.buf = buf;
    this.prefix = prefix;
    this.start = new int[slots];
    this.end = new int[slots];
    this.value = new Object[slots];
  }

  /** Keeps {@code v}, decoded from exactly the bytes {@code buf[from, to)}. */
  void put(int from, int to, T v) {
    int slot = slot(from, to);
    start[slot] = from;
    end[slot] = to;
    value[slot] = v;
  }

  /**
   * The value decoded from bytes that {@code buf} repeats from {@code from} on (within
   * {@code limit}), or null; {@link #matchedEnd} is then where they end.
   */
  @SuppressWarnings("unchecked")
  T prefixOf(int from, int limit) {
    int slot = slot(from, limit);
    Object v = value[slot];
    if (v == null) {
      return null;
    }
    int n = end[slot] - start[slot];
    if (from + n > limit || !Arrays.equals(buf, start[slot], end[slot], buf, from, from + n)) {
      return null;
    }
    matchedEnd = from + n;
    return (T) v;
  }

  /** Where the bytes {@link #prefixOf} matched last end. */
  int matchedEnd() {
    return matchedEnd;
  }

  private int slot(int from, int to) {
    int h = 0;
    for (int i = from, e = Math.min(to, from + prefix); i < e; i++) {
      h = 31 * h + buf[i];
    }
    return (h ^ (h >>> 16)) & (value.length - 1);
  }
}
