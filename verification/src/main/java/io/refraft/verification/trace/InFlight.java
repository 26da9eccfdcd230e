package io.refraft.verification.trace;

import io.refraft.spec.Message;
import io.refraft.traces.MessageId;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Messages sent and not yet (or, with duplicates, possibly again) received, by id, holding the
 * spec's own message object so the receiver replays exactly what the sender's replay produced
 * (and its log shares the sender's entries). Bounded: beyond {@code retention} messages the
 * oldest is forgotten, so a lossy run does not grow memory without limit; a later receive of a
 * forgotten id is reported with the retention named. Delivered ids are remembered, also bounded,
 * to tell "received twice" from "never sent".
 */
final class InFlight {
  private static final int DELIVERED_MEMORY = 1 << 14;

  private final int retention;
  private final boolean duplicates;
  private final LinkedHashMap<MessageId, Message> sent;
  private final LinkedHashMap<MessageId, Boolean> delivered;
  private final Map<io.refraft.spec.NodeId, Long> maxSeq = new java.util.HashMap<>();
  private long evicted;

  InFlight(int retention, boolean duplicates) {
    this.retention = retention;
    this.duplicates = duplicates;
    this.sent = new LinkedHashMap<>(1024, 0.75f, false) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<MessageId, Message> e) {
        if (size() > InFlight.this.retention) {
          evicted++;
          return true;
        }
        return false;
      }
    };
    this.delivered = new LinkedHashMap<>(1024, 0.75f, false) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<MessageId, Boolean> e) {
        return size() > DELIVERED_MEMORY;
      }
    };
  }

  boolean contains(MessageId id) {
    return sent.containsKey(id);
  }

  /**
   * True when {@code id} was seen before, as sent or as delivered. Senders normally number their
   * messages upwards, so an id above every earlier one from the same sender is new without a look-up.
   */
  boolean known(MessageId id) {
    Long max = maxSeq.get(id.from());
    if (max == null || id.seq() > max) {
      return false;
    }
    return sent.containsKey(id) || delivered.containsKey(id);
  }

  void send(MessageId id, Message m) {
    sent.put(id, m);
    maxSeq.merge(id.from(), id.seq(), Math::max);
  }

  /** The message sent as {@code id}, or null. */
  Message get(MessageId id) {
    return sent.get(id);
  }

  /** Marks {@code id} received: without duplicates it can never be received again. */
  void deliver(MessageId id) {
    if (!duplicates) {
      sent.remove(id);
      delivered.put(id, Boolean.TRUE);
    }
  }

  boolean wasDelivered(MessageId id) {
    return delivered.containsKey(id);
  }

  long evicted() {
    return evicted;
  }

  int retention() {
    return retention;
  }

  int size() {
    return sent.size();
  }

  Iterable<Message> messages() {
    return sent.values();
  }
}
