package io.refraft.verification.view;

import io.refraft.traces.MessageId;
import io.refraft.traces.TracedMessage;

/**
 * The messages the page holds as sent, by id, to link a receive to its send: per sender a table
 * indexed by the id's seq (a sender numbers its messages in order), so a lookup is two array reads
 * and no allocation. A slot reused by a later seq forgets the earlier message, as the validator
 * forgets the oldest in flight: its receive is then written with the message in full, which shows
 * the same thing without the arrow. So is a receive of a message whose fields hash differently from
 * the one sent with its id (altered in transit): the page shows what was received. A hash, not the
 * message: holding 100,000 messages from old arrays made each of them survive the young
 * collections, which cost generation more than the hashing does.
 */
final class Sends {
  private final int mask;
  /** Per sender: the seq + 1 held in each slot (0 empty), its recipient, its number, times received. */
  private final long[][] seq;
  private final int[][] to;
  private final int[][] number;
  private final int[][] received;
  private final int[][] hash;
  private int next;

  /** {@code remembered}: about how many messages to hold, over all {@code senders}. */
  Sends(int senders, int remembered) {
    int per = Integer.highestOneBit(Math.max(1024, remembered / Math.max(1, senders)) * 2 - 1);
    this.mask = per - 1;
    this.seq = new long[senders][per];
    this.to = new int[senders][per];
    this.number = new int[senders][per];
    this.received = new int[senders][per];
    this.hash = new int[senders][per];
  }

  /** Numbers the message sent with {@code id} (the next number, in send order) and returns it. */
  int add(TracedMessage m, int from, int recipient) {
    int n = next++;
    MessageId id = m.id();
    if (from >= 0) {
      int slot = (int) id.seq() & mask;
      hash[from][slot] = m.message().hashCode();
      seq[from][slot] = id.seq() + 1;
      to[from][slot] = recipient;
      number[from][slot] = n;
      received[from][slot] = 0;
    }
    return n;
  }

  /** Counts a receive: -1 when not held, else its number times two, plus one when it was received before. */
  long receive(TracedMessage m, int from, int recipient) {
    int slot = slot(m, from, recipient);
    if (slot < 0) {
      return -1;
    }
    return 2L * number[from][slot] + (received[from][slot]++ > 0 ? 1 : 0);
  }

  private int slot(TracedMessage m, int from, int recipient) {
    if (from < 0) {
      return -1;
    }
    MessageId id = m.id();
    int slot = (int) id.seq() & mask;
    return seq[from][slot] == id.seq() + 1 && to[from][slot] == recipient
        && hash[from][slot] == m.message().hashCode() ? slot : -1;
  }
}
