package io.refraft.spec.explore;

import io.refraft.spec.NodeState;
import io.refraft.spec.check.Cluster;
import io.refraft.spec.check.Event;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * "Recovery is always possible" (issue #23): from every state reachable within the bounds, with
 * faults switched off, some path reaches a recovered state — CTL's {@code AG EF recovered}, which
 * TLC users state as a temporal formula. Checked on the explored graph once safety holds.
 *
 * <p>A state is <b>recovered</b> when exactly one server is leader and every server's commitIndex
 * is at least the leader's last log index. A step is <b>fault-free</b> when it is no drop, no
 * duplicate and no restart ({@link #isFault}). Recovery paths may go {@link #EXTRA_TERMS} term and
 * {@link #EXTRA_ENTRIES} entry beyond the bounds: without that margin a state whose split vote
 * happened in the last term allowed could never elect anyone, and a leader whose log is full
 * could never commit an entry of its own term — failures of the bounds, not of the protocol.
 *
 * <p>While the search explores, every new state is logged with a dense id (in discovery order,
 * so breadth-first levels are id ranges) and every fault-free edge as a pair of fingerprints,
 * 16 bytes each, in segments of the {@link SpillStore}: nothing per state stays in memory. After
 * the search, the logs are read back into int arrays and {@link RecoveryGraph} finds the states
 * that can reach a recovered one.
 */
final class Recoverability {
  static final String PROPERTY = "Recovery";
  static final int EXTRA_TERMS = 1;
  static final int EXTRA_ENTRIES = 1;
  private static final int SEGMENT_BYTES = 1 << 20;

  private final SpillStore store;
  private final List<Long> stateSegments = new ArrayList<>();
  private final List<Long> edgeSegments = new ArrayList<>();
  private final AtomicLong ids = new AtomicLong();
  private final AtomicLong edges = new AtomicLong();
  private final AtomicLong beyond = new AtomicLong();
  /** The id of the first state of each breadth-first level (level 1, the initial state, first). */
  private final List<Long> levelStarts = new ArrayList<>(List.of(0L));

  Recoverability(SpillStore store) {
    this.store = store == null ? new MemoryStore() : store;
  }

  /** Drops, duplicates and restarts; every other event (timeouts, deliveries, proposals, writes) is not one. */
  static boolean isFault(Event e) {
    return switch (e) {
      case Event.Drop d -> true;
      case Event.Duplicate d -> true;
      case Event.Crash c -> true;
      case Event.Timeout t -> false;
      case Event.Heartbeat h -> false;
      case Event.Propose p -> false;
      case Event.Read r -> false;
      case Event.Persist p -> false;
      case Event.Deliver d -> false;
      case Event.TakeSnapshot t -> false;
      case Event.ChangeMembership m -> false; // an operator's request, not a fault
      case Event.Transfer t -> false;
    };
  }

  /** Exactly one leader, and every server has committed everything in the leader's log. */
  static boolean recovered(Cluster c) {
    NodeState leader = null;
    for (NodeState s : c.nodes()) {
      if (s.isLeader()) {
        if (leader != null) {
          return false;
        }
        leader = s;
      }
    }
    if (leader == null) {
      return false;
    }
    io.refraft.spec.Membership members = leader.membership(); // servers outside it need not follow
    for (NodeState s : c.nodes()) {
      if (members.contains(s.self()) && s.commitIndex() < leader.log().lastIndex()) {
        return false;
      }
    }
    return true;
  }

  /** Marks the start of the next breadth-first level: call when the search moves to a new level. */
  synchronized void level() {
    levelStarts.add(ids.get());
  }

  long statesBeyond() {
    return beyond.get();
  }

  long edges() {
    return edges.get();
  }

  /** One worker's logs, written to the store as they fill; {@link #close} writes the rest. */
  final class Buffer implements AutoCloseable {
    private final Bytes.Writer states = new Bytes.Writer(SEGMENT_BYTES + 16);
    private final Bytes.Writer pairs = new Bytes.Writer(SEGMENT_BYTES + 16);

    /** Logs a new state: {@code inside} when the bounds admit it (it must recover), else only a waypoint. */
    void state(long fp, boolean inside, boolean recovered) {
      long id = ids.getAndIncrement();
      if (!inside) {
        beyond.incrementAndGet();
      }
      states.fixed64(fp);
      states.fixed64(id << 2 | (inside ? 2 : 0) | (recovered ? 1 : 0));
      if (states.size() >= SEGMENT_BYTES) {
        flush(states, stateSegments);
      }
    }

    /** Logs a fault-free step between two states (self-loops are left out: they reach nothing new). */
    void edge(long from, long to) {
      if (from == to) {
        return;
      }
      edges.incrementAndGet();
      pairs.fixed64(from);
      pairs.fixed64(to);
      if (pairs.size() >= SEGMENT_BYTES) {
        flush(pairs, edgeSegments);
      }
    }

    @Override
    public void close() {
      flush(states, stateSegments);
      flush(pairs, edgeSegments);
    }

    private void flush(Bytes.Writer w, List<Long> segments) {
      if (w.size() == 0) {
        return;
      }
      long handle = store.write(w.array(), w.size());
      synchronized (segments) {
        segments.add(handle);
      }
      w.reset();
    }
  }

  Buffer buffer() {
    return new Buffer();
  }

  /**
   * What the analysis found: how many states within the bounds cannot recover, and the
   * fingerprint of one of the shallowest (the least fingerprint in the first level that has one).
   */
  record Verdict(long statesInside, long unrecoverable, long example) {}

  /** Reads the logs back and finds the states within the bounds from which no recovered state is reachable. */
  Verdict analyze() {
    long total = ids.get();
    long edgeCount = edges.get();
    if (total > Integer.MAX_VALUE - 8 || edgeCount > Integer.MAX_VALUE - 8) {
      throw new IllegalStateException("the recovery check holds at most 2^31 states and edges; got " + total
          + " states and " + edgeCount + " edges: lower the bounds or turn --recovery off");
    }
    int n = (int) total;
    FingerprintIds index = new FingerprintIds(n);
    BitSet goal = new BitSet(n);
    BitSet inside = new BitSet(n);
    for (long seg : stateSegments) {
      byte[] b = store.read(seg);
      Bytes.Reader r = new Bytes.Reader(b, 0, b.length);
      while (r.position() < b.length) {
        long fp = r.fixed64();
        long w = r.fixed64();
        int id = (int) (w >>> 2);
        index.put(fp, id);
        inside.set(id, (w & 2) != 0);
        goal.set(id, (w & 1) != 0);
      }
    }
    int[] src = new int[(int) edgeCount];
    int[] dst = new int[(int) edgeCount];
    int k = 0;
    for (long seg : edgeSegments) {
      byte[] b = store.read(seg);
      Bytes.Reader r = new Bytes.Reader(b, 0, b.length);
      while (r.position() < b.length) {
        src[k] = index.get(r.fixed64());
        dst[k] = index.get(r.fixed64());
        k++;
      }
      store.delete(seg);
    }
    index = null;
    BitSet reach = RecoveryGraph.canReach(n, src, dst, k, goal);
    src = null;
    dst = null;
    BitSet stuck = (BitSet) inside.clone();
    stuck.andNot(reach);
    long count = stuck.cardinality();
    long example = count == 0 ? 0 : shallowest(stuck);
    for (long seg : stateSegments) {
      store.delete(seg);
    }
    return new Verdict(inside.cardinality(), count, example);
  }

  /** The least fingerprint among the stuck states of the first level that has any (fixed whatever the workers did). */
  private long shallowest(BitSet stuck) {
    int first = stuck.nextSetBit(0);
    long lo = 0;
    long hi = Long.MAX_VALUE;
    for (long start : levelStarts) {
      if (start <= first) {
        lo = start;
      } else {
        hi = start;
        break;
      }
    }
    long best = 0;
    boolean any = false;
    for (long seg : stateSegments) {
      byte[] b = store.read(seg);
      Bytes.Reader r = new Bytes.Reader(b, 0, b.length);
      while (r.position() < b.length) {
        long fp = r.fixed64();
        long id = r.fixed64() >>> 2;
        if (id >= lo && id < hi && stuck.get((int) id) && (!any || Long.compareUnsigned(fp, best) < 0)) {
          best = fp;
          any = true;
        }
      }
    }
    return best;
  }

  /** Fingerprint to id, open addressing in primitive arrays: 12 bytes a slot, at most 2/3 full. */
  private static final class FingerprintIds {
    private final long[] keys;
    private final int[] values;
    private final int mask;

    FingerprintIds(int n) {
      int cap = Integer.highestOneBit(Math.max(4, n + n / 2)) << 1;
      keys = new long[cap];
      values = new int[cap];
      mask = cap - 1;
    }

    void put(long fp, int id) {
      long key = fp == 0 ? 1 : fp; // as the seen set keeps it: 0 marks an empty slot
      int i = (int) Fingerprint.mix(key) & mask;
      while (keys[i] != 0 && keys[i] != key) {
        i = (i + 1) & mask;
      }
      keys[i] = key;
      values[i] = id;
    }

    int get(long fp) {
      long key = fp == 0 ? 1 : fp;
      int i = (int) Fingerprint.mix(key) & mask;
      while (keys[i] != 0) {
        if (keys[i] == key) {
          return values[i];
        }
        i = (i + 1) & mask;
      }
      throw new IllegalStateException("recovery check: an edge names a state that was never logged: " + fp);
    }
  }

  /** Segments kept in memory, for runs without a spill directory (tests, small bounds). */
  private static final class MemoryStore implements SpillStore {
    private final Map<Long, byte[]> segments = new HashMap<>();
    private long next;

    @Override
    public synchronized long write(byte[] data, int length) {
      segments.put(++next, java.util.Arrays.copyOf(data, length));
      return next;
    }

    @Override
    public synchronized byte[] read(long handle) {
      return segments.get(handle);
    }

    @Override
    public synchronized void delete(long handle) {
      segments.remove(handle);
    }
  }
}
