package io.refraft.spec.check;

import io.refraft.spec.Message;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The messages in flight: a bag (multiset), as in raft.tla, so a message can be delivered in any
 * order, more than once when duplicated, or never when dropped.
 *
 * <p>Invariants: (1) every count is ≥ 1; (2) {@code size} is the sum of the counts (duplicates
 * counted, the bound TLC's baseline uses); (3) iteration follows insertion order, so exploring
 * the same path always enumerates events in the same order.
 */
public record Network(Map<Message, Integer> inFlight, int size) {
  public static final Network EMPTY = new Network(Map.of(), 0);

  public Network {
    int total = 0;
    for (Map.Entry<Message, Integer> e : inFlight.entrySet()) {
      if (e.getValue() < 1) {
        throw new IllegalArgumentException("count " + e.getValue() + " for " + e.getKey());
      }
      total += e.getValue();
    }
    if (total != size) {
      throw new IllegalArgumentException("size " + size + " but " + total + " messages in flight");
    }
  }

  public int count(Message m) {
    return inFlight.getOrDefault(m, 0);
  }

  /** This bag with one more copy of each message in {@code ms}. */
  public Network plus(List<Message> ms) {
    if (ms.isEmpty()) {
      return this;
    }
    Map<Message, Integer> copy = new LinkedHashMap<>(inFlight);
    for (Message m : ms) {
      copy.merge(m, 1, Integer::sum);
    }
    return new Network(Collections.unmodifiableMap(copy), size + ms.size());
  }

  /** This bag with one copy of {@code m} less; {@code m} must be in flight. */
  public Network minus(Message m) {
    int c = count(m);
    if (c == 0) {
      throw new IllegalArgumentException("not in flight: " + m);
    }
    Map<Message, Integer> copy = new LinkedHashMap<>(inFlight);
    if (c == 1) {
      copy.remove(m);
    } else {
      copy.put(m, c - 1);
    }
    return new Network(Collections.unmodifiableMap(copy), size - 1);
  }
}
