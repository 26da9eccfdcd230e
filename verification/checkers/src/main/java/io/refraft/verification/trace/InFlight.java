package io.refraft.verification.trace;

import io.refraft.spec.Message;
import io.refraft.spec.NodeId;
import io.refraft.traces.MessageId;
import io.refraft.traces.TracedMessage;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * Messages sent and not yet (or, with duplicates, possibly again) received, by id, holding the
 * spec's own message object so the receiver replays exactly what the sender's replay produced
 * (and its log shares the sender's entries). Bounded: beyond {@code retention} messages the
 * oldest is forgotten, so a lossy run does not grow memory without limit; a later receive of a
 * forgotten id is reported with the retention named. Delivered ids are remembered, also bounded,
 * to tell "received twice" from "never sent".
 *
 * <p>Every step of a trace sends or receives here, so the tables are open-addressed arrays (no
 * entry objects) and the order of sends a queue of ids, where a delivered id is left behind and
 * skipped when it reaches the head: messages are mostly received in the order they were sent, so
 * the queue stays about as long as the number in flight, and it is compacted when it is not.
 */
final class InFlight {
  private static final int DELIVERED_MEMORY = 1 << 14;

  private final int retention;
  private final boolean duplicates;
  private final IdTable sent = new IdTable();
  private final Delivered delivered;
  /** Ids in the order sent, delivered ones included until they reach the head: {@code order[head, tail)} mod length. */
  private MessageId[] order = new MessageId[1024];
  private int head;
  private int tail;
  private NodeId[] senders = new NodeId[0];
  private long[] maxSeq = new long[0];
  /** With duplicates, per sender the highest seq received (a delivered id stays in flight there). */
  private long[] maxDelivered = new long[0];
  private long evicted;

  /** @param members the cluster's nodes: delivered ids are kept as their positions and a seq */
  InFlight(int retention, boolean duplicates, List<NodeId> members) {
    this.retention = retention;
    this.duplicates = duplicates;
    this.delivered = new Delivered(members);
  }

  boolean contains(MessageId id) {
    return sent.get(id) != null;
  }

  /**
   * True when {@code id} was seen before, as sent or as delivered. Senders normally number their
   * messages upwards, so an id above every earlier one from the same sender is new without a look-up.
   */
  boolean known(MessageId id) {
    int k = sender(id.from());
    if (k < 0 || id.seq() > maxSeq[k]) {
      return false;
    }
    return sent.get(id) != null || delivered.contains(id);
  }

  /**
   * Records a send of {@code m} as {@code id}; {@code traced} is the decoded message the trace showed
   * for it (equal to {@code m}), so that a receive decoded to that very object needs no comparison.
   */
  void send(MessageId id, Message m, TracedMessage traced) {
    sent.put(id, m, traced);
    int k = sender(id.from());
    if (k < 0) {
      senders = Arrays.copyOf(senders, senders.length + 1);
      maxSeq = Arrays.copyOf(maxSeq, maxSeq.length + 1);
      maxDelivered = Arrays.copyOf(maxDelivered, maxDelivered.length + 1);
      maxDelivered[maxDelivered.length - 1] = Long.MIN_VALUE;
      k = senders.length - 1;
      senders[k] = id.from();
    }
    maxSeq[k] = Math.max(maxSeq[k], id.seq());
    enqueue(id);
    while (sent.size() > retention) {
      MessageId oldest = dequeue();
      if (sent.remove(oldest)) {
        evicted++;
      }
    }
    while (head != tail && sent.get(order[head]) == null) {
      dequeue();
    }
    if (queued() > 2 * sent.size() + 1024) {
      compact();
    }
  }

  /** The message sent as {@code id}, or null. */
  Message get(MessageId id) {
    return (Message) sent.get(id);
  }

  /** The decoded message the trace showed when {@code id} was sent, or null. */
  TracedMessage traced(MessageId id) {
    return sent.aux(id);
  }

  /** Marks {@code id} received: without duplicates it can never be received again. */
  void deliver(MessageId id) {
    if (duplicates) {
      int k = sender(id.from());
      maxDelivered[k] = Math.max(maxDelivered[k], id.seq());
      return;
    }
    sent.remove(id);
    delivered.add(id);
  }

  /**
   * True when {@code id} was sent, is still retained and was certainly never received: without
   * duplicates a delivered id leaves the table; with them it stays, and an id is taken as possibly
   * received when its sender had a message of its seq or higher received (senders number their
   * messages upwards, so this errs only towards "received").
   */
  boolean unreceived(MessageId id) {
    if (sent.get(id) == null) {
      return false;
    }
    return !duplicates || id.seq() > maxDelivered[sender(id.from())];
  }

  /**
   * Forgets {@code id} as if it had never been sent: its step was lost in a crash before the
   * message left (traces/FORMAT.md §5.4), so a later receive of it is of a message never sent.
   */
  void forget(MessageId id) {
    sent.remove(id);
  }

  boolean wasDelivered(MessageId id) {
    return delivered.contains(id);
  }

  long evicted() {
    return evicted;
  }

  int retention() {
    return retention;
  }

  private int sender(NodeId from) {
    for (int k = 0; k < senders.length; k++) {
      if (senders[k] == from || senders[k].equals(from)) {
        return k;
      }
    }
    return -1;
  }

  private int queued() {
    return (tail - head) & (order.length - 1);
  }

  private void enqueue(MessageId id) {
    if (queued() == order.length - 1) {
      MessageId[] bigger = new MessageId[order.length * 2];
      int n = queued();
      for (int k = 0; k < n; k++) {
        bigger[k] = order[(head + k) & (order.length - 1)];
      }
      order = bigger;
      head = 0;
      tail = n;
    }
    order[tail] = id;
    tail = (tail + 1) & (order.length - 1);
  }

  private MessageId dequeue() {
    MessageId id = order[head];
    order[head] = null;
    head = (head + 1) & (order.length - 1);
    return id;
  }

  /** Drops the delivered ids from the queue of sends, keeping the order of the others. */
  private void compact() {
    int n = queued();
    int kept = 0;
    MessageId[] out = new MessageId[order.length];
    for (int k = 0; k < n; k++) {
      MessageId id = order[(head + k) & (order.length - 1)];
      if (sent.get(id) != null) {
        out[kept++] = id;
      }
    }
    order = out;
    head = 0;
    tail = kept;
  }

  /**
   * The last {@link #DELIVERED_MEMORY} ids delivered, each packed in a long (the sender's and the
   * addressee's positions among the members, 8 bits each, and the seq, 48 bits) in an
   * open-addressed table of longs, so that remembering and forgetting one touches a cache line or
   * two; an id that does not pack (a seq of 2^48 or more) goes to a set of its own, also bounded.
   */
  private static final class Delivered {
    private final NodeId[] members;
    private final long[] table = new long[2 * DELIVERED_MEMORY];
    private final long[] order = new long[DELIVERED_MEMORY];
    private long count;
    private final LinkedHashSet<MessageId> unpacked = new LinkedHashSet<>();

    Delivered(List<NodeId> members) {
      this.members = members.toArray(NodeId[]::new);
    }

    void add(MessageId id) {
      long key = pack(id);
      if (key == 0) {
        unpacked.add(id);
        if (unpacked.size() > DELIVERED_MEMORY) {
          unpacked.remove(unpacked.iterator().next());
        }
        return;
      }
      int k = (int) (count++ & (DELIVERED_MEMORY - 1));
      if (order[k] != 0) {
        remove(order[k]);
      }
      order[k] = key;
      int i = slot(key);
      table[i] = key;
    }

    boolean contains(MessageId id) {
      long key = pack(id);
      return key == 0 ? unpacked.contains(id) : table[slot(key)] == key;
    }

    private long pack(MessageId id) {
      int f = position(id.from());
      int t = position(id.to());
      if (f < 0 || t < 0 || f > 255 || t > 255 || id.seq() >= 1L << 48) {
        return 0;
      }
      return ((long) f << 56) | ((long) t << 48) | id.seq();
    }

    private int position(NodeId n) {
      for (int k = 0; k < members.length; k++) {
        if (members[k] == n) {
          return k;
        }
      }
      for (int k = 0; k < members.length; k++) {
        if (members[k].equals(n)) {
          return k;
        }
      }
      return -1;
    }

    private static int home(long key, int mask) {
      long h = key * 0x9E3779B97F4A7C15L;
      return (int) (h >>> 32) & mask;
    }

    /** The slot holding {@code key}, or the empty slot where it would go. */
    private int slot(long key) {
      int mask = table.length - 1;
      int i = home(key, mask);
      while (table[i] != 0 && table[i] != key) {
        i = (i + 1) & mask;
      }
      return i;
    }

    /** Removes {@code key} (present), shifting the entries after it back as {@link IdTable#remove} does. */
    private void remove(long key) {
      int mask = table.length - 1;
      int i = slot(key);
      if (table[i] == 0) {
        return;
      }
      int j = i;
      while (true) {
        j = (j + 1) & mask;
        if (table[j] == 0) {
          break;
        }
        int home = home(table[j], mask);
        boolean stays = i <= j ? (i < home && home <= j) : (i < home || home <= j);
        if (!stays) {
          table[i] = table[j];
          i = j;
        }
      }
      table[i] = 0;
    }
  }

  /**
   * Message ids to values (and an optional decoded message), open-addressed with linear probing on
   * a Fibonacci-mixed hash kept beside each key (so probing and moving entries do not visit the
   * key objects, nor the key itself when it is the object looked up: a receive's id is mostly the
   * very object decoded for its send); removal shifts the following entries back (Knuth, TAOCP vol. 3, §6.4,
   * Algorithm R), so there are no tombstones.
   */
  private static final class IdTable {
    private int[] hashes = new int[1024];
    private MessageId[] keys = new MessageId[1024];
    private Object[] values = new Object[1024];
    private TracedMessage[] aux = new TracedMessage[1024];
    private int size;

    int size() {
      return size;
    }

    private static int hash(MessageId id) {
      int h = id.hashCode() * 0x9E3779B9;
      return h ^ (h >>> 16);
    }

    private int slot(MessageId id, int h) {
      int mask = keys.length - 1;
      int i = h & mask;
      while (keys[i] != null && keys[i] != id && (hashes[i] != h || !keys[i].equals(id))) {
        i = (i + 1) & mask;
      }
      return i;
    }

    Object get(MessageId id) {
      return values[slot(id, hash(id))];
    }

    TracedMessage aux(MessageId id) {
      return aux[slot(id, hash(id))];
    }

    void put(MessageId id, Object value, TracedMessage traced) {
      if (2 * (size + 1) > keys.length) {
        grow();
      }
      int h = hash(id);
      int i = slot(id, h);
      if (keys[i] == null) {
        size++;
        keys[i] = id;
        hashes[i] = h;
      }
      values[i] = value;
      aux[i] = traced;
    }

    boolean remove(MessageId id) {
      int mask = keys.length - 1;
      int i = slot(id, hash(id));
      if (keys[i] == null) {
        return false;
      }
      size--;
      int j = i;
      while (true) {
        j = (j + 1) & mask;
        if (keys[j] == null) {
          break;
        }
        int home = hashes[j] & mask;
        // keys[j] may move to the hole at i unless its home lies cyclically in (i, j]
        boolean stays = i <= j ? (i < home && home <= j) : (i < home || home <= j);
        if (!stays) {
          keys[i] = keys[j];
          hashes[i] = hashes[j];
          values[i] = values[j];
          aux[i] = aux[j];
          i = j;
        }
      }
      keys[i] = null;
      values[i] = null;
      aux[i] = null;
      return true;
    }

    private void grow() {
      MessageId[] ks = keys;
      Object[] vs = values;
      TracedMessage[] as = aux;
      keys = new MessageId[ks.length * 2];
      values = new Object[ks.length * 2];
      aux = new TracedMessage[ks.length * 2];
      int[] hs = hashes;
      hashes = new int[ks.length * 2];
      int mask = keys.length - 1;
      for (int k = 0; k < ks.length; k++) {
        if (ks[k] != null) {
          // the keys are distinct: each goes to the first free slot from its home, by its kept hash
          int i = hs[k] & mask;
          while (keys[i] != null) {
            i = (i + 1) & mask;
          }
          keys[i] = ks[k];
          hashes[i] = hs[k];
          values[i] = vs[k];
          aux[i] = as[k];
        }
      }
    }
  }
}
