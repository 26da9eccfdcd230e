package io.refraft.spec.explore;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * One breadth-first level of states waiting to be expanded, as chunks of encoded states (each
 * state its 64-bit fingerprint then its {@link StateCodec} bytes). While the bytes in memory, over
 * every level sharing one {@link AtomicLong}, exceed the budget, the most recently added chunks
 * are written to the {@link SpillStore} as one segment and read back when their turn comes, as
 * TLC keeps its queue on disk. Chunks come out in the order they went in, so one worker explores
 * states in a fixed order.
 *
 * <p>Thread-safe: workers add and poll concurrently.
 */
final class Frontier {
  /** States per chunk: the unit of work a worker claims (and of the order that picks a counterexample). */
  static final int CHUNK_STATES = 64;
  private static final long SEGMENT_BYTES = 8L << 20;

  /** Encoded states: {@code count} of them in {@code data}. */
  record Chunk(byte[] data, int count) {}

  /** A chunk handed to a worker, with its position among the level's chunks. */
  record Claimed(Chunk chunk, long ordinal) {}

  /** Chunks written to the store as one segment. */
  private record Spilled(long handle, int chunks, long states) {}

  private final ArrayDeque<Object> entries = new ArrayDeque<>(); // Chunk or Spilled, in order
  private final AtomicLong inMemory;
  private final LongSupplier budget;
  private final SpillStore store;
  private long states;
  private long memBytes;
  private long sinceSpill;
  private int spilledEntries;
  private long spilledBytes;
  private long claimed;

  /**
   * @param inMemory bytes of chunks held in memory, shared by the levels of one run
   * @param budget   how many bytes the levels may hold in memory now
   * @param store    where chunks beyond the budget go; null to keep everything in memory
   */
  Frontier(AtomicLong inMemory, LongSupplier budget, SpillStore store) {
    this.inMemory = inMemory;
    this.budget = budget;
    this.store = store;
  }

  synchronized void add(Chunk c) {
    entries.addLast(c);
    states += c.count();
    memBytes += c.data().length;
    sinceSpill += c.data().length;
    long limit = budget.getAsLong();
    if (inMemory.addAndGet(c.data().length) > limit && store != null) {
      // the newest chunks since the last segment (all of the level's when none is on disk)
      long tail = spilledEntries == 0 ? memBytes : sinceSpill;
      if (tail >= Math.min(SEGMENT_BYTES, Math.max(64 << 10, limit / 8))) {
        spillTail();
      }
    }
  }

  /** The next chunk, or null when the level is exhausted. */
  synchronized Claimed poll() {
    while (!entries.isEmpty()) {
      Object head = entries.pollFirst();
      switch (head) {
        case Chunk c -> {
          inMemory.addAndGet(-c.data().length);
          memBytes -= c.data().length;
          states -= c.count();
          return new Claimed(c, claimed++);
        }
        case Spilled s -> {
          byte[] segment = store.read(s.handle());
          store.delete(s.handle());
          spilledBytes -= segment.length;
          spilledEntries--;
          List<Chunk> chunks = parse(segment);
          for (int i = chunks.size() - 1; i >= 0; i--) {
            entries.addFirst(chunks.get(i));
            inMemory.addAndGet(chunks.get(i).data().length);
            memBytes += chunks.get(i).data().length;
          }
        }
        default -> throw new IllegalStateException("unknown frontier entry " + head);
      }
    }
    return null;
  }

  synchronized long states() {
    return states;
  }

  synchronized long spilledBytes() {
    return spilledBytes;
  }

  synchronized boolean isEmpty() {
    return states == 0;
  }

  /** Every chunk still queued, in order, those on disk read without being consumed (for a checkpoint). */
  synchronized List<Chunk> snapshot() {
    List<Chunk> out = new ArrayList<>();
    for (Object e : entries) {
      switch (e) {
        case Chunk c -> out.add(c);
        case Spilled s -> out.addAll(parse(store.read(s.handle())));
        default -> throw new IllegalStateException("unknown frontier entry " + e);
      }
    }
    return out;
  }

  /** Drops every chunk, deleting the segments on disk (a run that stops early). */
  synchronized void clear() {
    for (Object e : entries) {
      switch (e) {
        case Chunk c -> inMemory.addAndGet(-c.data().length);
        case Spilled s -> store.delete(s.handle());
        default -> throw new IllegalStateException("unknown frontier entry " + e);
      }
    }
    entries.clear();
    states = 0;
    memBytes = 0;
    sinceSpill = 0;
    spilledEntries = 0;
    spilledBytes = 0;
  }

  /** Writes the newest in-memory chunks (they are read last) as one segment of about {@link #SEGMENT_BYTES}. */
  private void spillTail() {
    List<Chunk> tail = new ArrayList<>();
    long bytes = 0;
    while (!entries.isEmpty() && entries.peekLast() instanceof Chunk c && bytes < SEGMENT_BYTES) {
      entries.pollLast();
      tail.add(0, c);
      bytes += c.data().length;
    }
    if (tail.isEmpty()) {
      return;
    }
    Bytes.Writer w = new Bytes.Writer((int) bytes + 16 * tail.size());
    long n = 0;
    for (Chunk c : tail) {
      w.varint(c.count());
      w.varint(c.data().length);
      w.putBytes(c.data(), 0, c.data().length);
      n += c.count();
    }
    long handle = store.write(w.array(), w.size());
    spilledBytes += w.size();
    spilledEntries++;
    sinceSpill = 0;
    memBytes -= bytes;
    inMemory.addAndGet(-bytes);
    entries.addLast(new Spilled(handle, tail.size(), n));
  }

  static List<Chunk> parse(byte[] segment) {
    Bytes.Reader r = new Bytes.Reader(segment, 0, segment.length);
    List<Chunk> out = new ArrayList<>();
    while (r.hasMore()) {
      int count = r.int32();
      out.add(new Chunk(r.bytes(r.int32()), count));
    }
    return out;
  }
}
