package io.refraft.traces;

import java.util.Arrays;

/**
 * The messages decoded from the {@code sent} lists of one buffer of trace lines, by their exact
 * bytes, so that a later receive of the same message (same id, same fields, so normally the same
 * bytes: a writer prints one message the same way twice) reuses the decoded object instead of
 * decoding it again. Sound because decoding is a function of the bytes (and of the file's node
 * ids, which only grow): equal bytes decode to an equal message without error. A receive whose
 * bytes differ (another writer's field order, an altered message) is decoded in full as before.
 *
 * <p>Direct-mapped on a hash of the bytes: a slot keeps the last message that hashed to it, so
 * memory is fixed; a message received long after its send may find its slot taken and is decoded.
 */
final class SentMessages {
  private static final int SLOTS = 1 << 10;

  private final byte[] buf;
  private final int[] start = new int[SLOTS];
  private final int[] end = new int[SLOTS];
  private final TracedMessage[] message = new TracedMessage[SLOTS];
  private int matchedEnd;

  /** @param buf the bytes the parser reads, from offset 0 */
  SentMessages(byte[] buf) {
    this.buf = buf;
  }

  void put(int from, int to, TracedMessage m) {
    int slot = slot(from, to);
    start[slot] = from;
    end[slot] = to;
    message[slot] = m;
  }

  /**
   * The message sent with bytes that {@code buf} repeats from {@code from} on (within {@code limit}),
   * or null; {@link #matchedEnd} is then where they end. A JSON value whose bytes begin with all the
   * bytes of a complete value decoded without error is that value: the tokens are the same up to
   * its closing brace.
   */
  TracedMessage prefixOf(int from, int limit) {
    int slot = slot(from, limit);
    TracedMessage m = message[slot];
    if (m == null) {
      return null;
    }
    int n = end[slot] - start[slot];
    if (from + n > limit || !Arrays.equals(buf, start[slot], end[slot], buf, from, from + n)) {
      return null;
    }
    matchedEnd = from + n;
    return m;
  }

  /** Where the bytes {@link #prefixOf} matched last end. */
  int matchedEnd() {
    return matchedEnd;
  }

  byte[] bytes() {
    return buf;
  }

  /**
   * A hash of the first 40 bytes (where the message id is): enough to spread messages, and known
   * before the end of a received message is.
   */
  private int slot(int from, int to) {
    int h = 0;
    for (int i = from, e = Math.min(to, from + 40); i < e; i++) {
      h = 31 * h + buf[i];
    }
    return (h ^ (h >>> 16)) & (SLOTS - 1);
  }
}
