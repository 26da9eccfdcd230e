package io.refraft.spec;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A server's log: a {@link Snapshot} of a prefix (thesis §5.1; none until the server compacts)
 * followed by a persistent (immutable, structurally shared) vector of {@link Entry}, indexed from
 * 1 as in the paper (index 0 is the empty prefix, of term 0). Entries 1..{@code snapshot.index} are
 * compacted: only their last term and their digest remain; asking for one is a bug and throws.
 *
 * <p>A 32-way trie with a tail, as in Bagwell's hash array mapped tries and Clojure's vectors:
 * {@link #append} and {@link #truncateAfter} copy O(log32 n) nodes, never the whole log, and two
 * versions share every untouched node and every entry by reference. A log of a million entries
 * is three levels deep.
 *
 * <p>Invariants: (1) {@code size >= 0} entries follow the snapshot, at indexes
 * {@code snapshot.index + 1 ..}; (2) the trie holds exactly {@code tailOffset(size)} of them and
 * {@code tail} the remaining {@code size - tailOffset(size)} (1 to 32 when size > 0); (3) no node is
 * ever mutated after construction; (4) the first entry's term is at least the snapshot's.
 */
public final class Log {
  private static final int BITS = 5;
  private static final int WIDTH = 1 << BITS;
  private static final int MASK = WIDTH - 1;
  private static final Object[] EMPTY_NODE = new Object[0];
  private static final Entry[] EMPTY_TAIL = new Entry[0];
  private static final long[] NO_CONFS = new long[0];

  /** The empty log. */
  public static final Log EMPTY = new Log(Snapshot.NONE, 0, BITS, EMPTY_NODE, EMPTY_TAIL, NO_CONFS);

  private final Snapshot snapshot;
  private final int size;
  private final int shift;
  private final Object[] root;
  private final Entry[] tail;
  /** Indexes of the configuration entries held after the snapshot, ascending; never mutated. */
  private final long[] confs;

  private Log(Snapshot snapshot, int size, int shift, Object[] root, Entry[] tail, long[] confs) {
    this.snapshot = snapshot;
    this.size = size;
    this.shift = shift;
    this.root = root;
    this.tail = tail;
    this.confs = confs;
  }

  /** A log holding {@code entries} at indexes 1..n. */
  public static Log of(List<Entry> entries) {
    return EMPTY.appendAll(entries);
  }

  /**
   * A log that starts with {@code snapshot} and holds {@code after} at indexes
   * {@code snapshot.index + 1 ..}: what a server recovers from a snapshot and the entries written
   * after it.
   */
  public static Log restored(Snapshot snapshot, List<Entry> after) {
    Objects.requireNonNull(snapshot, "snapshot");
    if (!after.isEmpty() && after.get(0).term() < snapshot.term()) {
      throw new IllegalArgumentException("entry of term " + after.get(0).term() + " after " + snapshot);
    }
    return new Log(snapshot, 0, BITS, EMPTY_NODE, EMPTY_TAIL, NO_CONFS).appendAll(after);
  }

  /** The snapshot this log starts with; {@link Snapshot#NONE} when nothing is compacted. */
  public Snapshot snapshot() {
    return snapshot;
  }

  /** Index of the first entry the log holds (not compacted): {@code snapshot().index() + 1}. */
  public long firstIndex() {
    return snapshot.index() + 1;
  }

  /** Entries held after the snapshot. */
  public int entryCount() {
    return size;
  }

  /** Index of the last entry, 0 when empty; the snapshot's index when it holds no entry after it. */
  public long lastIndex() {
    return snapshot.index() + size;
  }

  /** Term of the last entry, 0 when empty. */
  public long lastTerm() {
    return size == 0 ? snapshot.term() : tail[tail.length - 1].term();
  }

  /** Whether the log has no entry at all, compacted or not. */
  public boolean isEmpty() {
    return lastIndex() == 0;
  }

  /** Whether the term at {@code index} is known: the snapshot's last index, or an entry held. */
  public boolean hasTerm(long index) {
    return index >= snapshot.index() && index <= lastIndex();
  }

  /** The entry at {@code index} (1-based), which must be held: after the snapshot, at most the last. */
  public Entry entry(long index) {
    if (index <= snapshot.index() || index > lastIndex()) {
      throw new IndexOutOfBoundsException("log index " + index + " outside " + firstIndex() + ".." + lastIndex()
          + (index >= 1 && index <= snapshot.index() ? " (compacted into " + snapshot + ")" : ""));
    }
    int i = (int) (index - firstIndex());
    if (i >= tailOffset(size)) {
      return tail[i & MASK];
    }
    Object[] node = root;
    for (int level = shift; level > 0; level -= BITS) {
      node = (Object[]) node[(i >>> level) & MASK];
    }
    return (Entry) node[i & MASK];
  }

  /**
   * Term of the entry at {@code index}; 0 for index 0, the snapshot's term at its index.
   *
   * @throws IndexOutOfBoundsException when {@code index} is compacted (below the snapshot's) or beyond the last
   */
  public long term(long index) {
    return index == snapshot.index() ? snapshot.term() : entry(index).term();
  }

  /**
   * True when the log has an entry at {@code index} of term {@code term} (index 0 matches term 0,
   * the snapshot's index its term). An index below the snapshot's is not known here and matches
   * nothing: callers that can meet one decide what a compacted (committed) entry means to them.
   */
  public boolean matches(long index, long term) {
    return hasTerm(index) && term(index) == term;
  }

  /** The digest of entries 1..{@code index} ({@link Snapshot#digest}); {@code index} not compacted. */
  public long digestThrough(long index) {
    if (index < snapshot.index() || index > lastIndex()) {
      throw new IndexOutOfBoundsException("digest through " + index + " outside " + snapshot.index() + ".." + lastIndex());
    }
    long d = snapshot.digest();
    for (long i = firstIndex(); i <= index; i++) {
      d = Snapshot.extend(d, entry(i));
    }
    return d;
  }

  /**
   * This log compacted through {@code index}: a snapshot of entries 1..index (its digest computed
   * here) and the entries after it. {@code index} must not be below the current snapshot's.
   */
  public Log compact(long index) {
    if (index == snapshot.index()) {
      return this;
    }
    return compactTo(new Snapshot(index, term(index), digestThrough(index), membershipAt(index)));
  }

  /**
   * This log with {@code s} in place of its entries through {@code s.index()}, keeping the entries
   * after it (thesis §5.1, Figure 5.3 step 6: "if existing log entry has same index and term as
   * snapshot's last included entry, retain log entries following it"). The log must hold an entry
   * (or its snapshot's last) at {@code s.index()} of {@code s.term()}.
   */
  public Log compactTo(Snapshot s) {
    if (!matches(s.index(), s.term())) {
      throw new IllegalArgumentException(s + " does not match " + this);
    }
    if (s.equals(snapshot)) {
      return this;
    }
    return restored(s, slice(s.index() + 1, lastIndex() + 1));
  }

  /**
   * The first index holding an entry of {@code term}, or 0 when there is none. Terms never
   * decrease along a log (§5.3), so this is a binary search. When the term began before the
   * snapshot, the snapshot's index: the earliest index of it the log still knows.
   */
  public long firstIndexOfTerm(long term) {
    if (snapshot.index() > 0 && snapshot.term() == term) {
      return snapshot.index();
    }
    long lo = firstIndex();
    long hi = lastIndex();
    long found = 0;
    while (lo <= hi) {
      long mid = (lo + hi) >>> 1;
      long t = entry(mid).term();
      if (t >= term) {
        if (t == term) {
          found = mid;
        }
        hi = mid - 1;
      } else {
        lo = mid + 1;
      }
    }
    return found;
  }

  /**
   * The last index holding an entry of {@code term}, or 0 when there is none (binary search); the
   * snapshot's index when the term ends there.
   */
  public long lastIndexOfTerm(long term) {
    long lo = firstIndex();
    long hi = lastIndex();
    long found = snapshot.index() > 0 && snapshot.term() == term ? snapshot.index() : 0;
    while (lo <= hi) {
      long mid = (lo + hi) >>> 1;
      long t = entry(mid).term();
      if (t <= term) {
        if (t == term) {
          found = mid;
        }
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return found;
  }

  /**
   * The entries at indexes {@code from} (inclusive) to {@code to} (exclusive), as an unmodifiable
   * list. Every caller puts the slice in a message or an output, whose record copies it with
   * {@code List.copyOf}: an immutable list of the JDK's own passes that copy as is, where a view
   * was copied twice (to an array, then defensively), which the simulator's profile showed.
   */
  public List<Entry> slice(long from, long to) {
    if (from < firstIndex() || to < from || to > lastIndex() + 1) {
      throw new IndexOutOfBoundsException("slice [" + from + ", " + to + ") outside " + firstIndex() + ".." + lastIndex());
    }
    int n = (int) (to - from);
    return switch (n) {
      case 0 -> List.of();
      case 1 -> List.of(entry(from));
      case 2 -> List.of(entry(from), entry(from + 1));
      default -> {
        Entry[] es = new Entry[n];
        for (int i = 0; i < n; i++) {
          es[i] = entry(from + i);
        }
        yield List.of(es);
      }
    };
  }

  /** This log with {@code e} appended at index {@code lastIndex() + 1}. */
  public Log append(Entry e) {
    Objects.requireNonNull(e, "entry");
    if (size == Integer.MAX_VALUE) {
      throw new IllegalStateException("log full");
    }
    long[] newConfs = confs;
    if (e.payload() instanceof Payload.Configuration) {
      newConfs = Arrays.copyOf(confs, confs.length + 1);
      newConfs[confs.length] = lastIndex() + 1;
    }
    if (size - tailOffset(size) < WIDTH) {
      Entry[] newTail = Arrays.copyOf(tail, tail.length + 1);
      newTail[tail.length] = e;
      return new Log(snapshot, size + 1, shift, root, newTail, newConfs);
    }
    // The tail is full: push it into the trie, growing a level when the root is full.
    Object[] newRoot;
    int newShift = shift;
    if ((size >>> BITS) > (1 << shift)) {
      newRoot = new Object[] {root, newPath(shift, tail)};
      newShift += BITS;
    } else {
      newRoot = pushTail(size, shift, root, tail);
    }
    return new Log(snapshot, size + 1, newShift, newRoot, new Entry[] {e}, newConfs);
  }

  /** This log with {@code entries} appended in order. */
  public Log appendAll(List<Entry> entries) {
    Log log = this;
    for (Entry e : entries) {
      log = log.append(e);
    }
    return log;
  }

  /**
   * The prefix of this log up to and including {@code index} (0 gives the empty log; the
   * snapshot's index, the snapshot alone).
   */
  public Log truncateAfter(long index) {
    if (index < snapshot.index() || index > lastIndex()) {
      throw new IndexOutOfBoundsException("truncate after " + index + " outside " + snapshot.index() + ".." + lastIndex());
    }
    int n = (int) (index - snapshot.index());
    if (n == size) {
      return this;
    }
    if (n == 0) {
      return snapshot.index() == 0 ? EMPTY : new Log(snapshot, 0, BITS, EMPTY_NODE, EMPTY_TAIL, NO_CONFS);
    }
    long[] newConfs = confsThrough(index);
    int newTailOffset = tailOffset(n);
    if (newTailOffset == tailOffset(size)) {
      return new Log(snapshot, n, shift, root, Arrays.copyOf(tail, n - newTailOffset), newConfs);
    }
    Entry[] leaf = leafFor(n - 1);
    Entry[] newTail = Arrays.copyOf(leaf, n - newTailOffset);
    if (newTailOffset == 0) {
      return new Log(snapshot, n, BITS, EMPTY_NODE, newTail, newConfs);
    }
    Object[] newRoot = trim(root, shift, newTailOffset);
    int newShift = shift;
    while (newShift > BITS && newRoot.length == 1) {
      newRoot = (Object[]) newRoot[0];
      newShift -= BITS;
    }
    return new Log(snapshot, n, newShift, newRoot, newTail, newConfs);
  }

  /** {@link #confs} without the indexes above {@code index}. */
  private long[] confsThrough(long index) {
    int k = confs.length;
    while (k > 0 && confs[k - 1] > index) {
      k--;
    }
    return k == confs.length ? confs : Arrays.copyOf(confs, k);
  }

  /**
   * The index of the last configuration entry at or below {@code index} that this log holds after
   * its snapshot; 0 when there is none (the snapshot's configuration, if any, then holds there).
   */
  public long lastConfigIndex(long index) {
    for (int k = confs.length - 1; k >= 0; k--) {
      if (confs[k] <= index) {
        return confs[k];
      }
    }
    return 0;
  }

  /**
   * The configuration in effect at {@code index} by this log: that of its last configuration entry
   * at or below {@code index}, else the snapshot's (also for an index the snapshot compacted); empty
   * when neither holds one (the cluster's initial configuration then holds).
   */
  public java.util.Optional<Membership> membershipAt(long index) {
    long at = lastConfigIndex(index);
    if (at > 0) {
      return java.util.Optional.of(((Payload.Configuration) entry(at).payload()).membership());
    }
    return snapshot.membership();
  }

  /** How many configuration entries this log holds after index {@code index}. */
  public int configEntriesAfter(long index) {
    int n = 0;
    for (int k = confs.length - 1; k >= 0 && confs[k] > index; k--) {
      n++;
    }
    return n;
  }

  private static int tailOffset(int size) {
    return size < WIDTH ? 0 : ((size - 1) >>> BITS) << BITS;
  }

  private Entry[] leafFor(int i) {
    Object[] node = root;
    for (int level = shift; level > 0; level -= BITS) {
      node = (Object[]) node[(i >>> level) & MASK];
    }
    Entry[] leaf = new Entry[node.length];
    for (int k = 0; k < node.length; k++) {
      leaf[k] = (Entry) node[k];
    }
    return leaf;
  }

  private static Object[] newPath(int level, Entry[] leaf) {
    if (level == 0) {
      return Arrays.copyOf(leaf, leaf.length, Object[].class);
    }
    return new Object[] {newPath(level - BITS, leaf)};
  }

  /** Copies the path to the slot of the {@code count}-th trie entry and places {@code leaf} there. */
  private static Object[] pushTail(int count, int level, Object[] parent, Entry[] leaf) {
    int sub = ((count - 1) >>> level) & MASK;
    Object[] copy = Arrays.copyOf(parent, Math.max(parent.length, sub + 1));
    if (level == BITS) {
      copy[sub] = Arrays.copyOf(leaf, leaf.length, Object[].class);
    } else {
      Object[] child = sub < parent.length ? (Object[]) parent[sub] : null;
      copy[sub] = child == null ? newPath(level - BITS, leaf) : pushTail(count, level - BITS, child, leaf);
    }
    return copy;
  }

  /** The subtrie holding exactly the first {@code count} entries ({@code count} a positive multiple of 32). */
  private static Object[] trim(Object[] node, int level, int count) {
    int last = ((count - 1) >>> level) & MASK;
    Object[] copy = Arrays.copyOf(node, last + 1);
    if (level > BITS) {
      copy[last] = trim((Object[]) node[last], level - BITS, count);
    }
    return copy;
  }

  /**
   * The first index where this log and {@code other} hold unequal entries; {@code min(lastIndex) + 1}
   * when one is a prefix of the other. Exact, and cheap for two versions of one log: subtries and
   * leaves shared by reference are skipped without looking at their entries, so comparing a log
   * with its successor after an append or a truncation costs O(log32 n + 32), not O(n).
   *
   * <p>Logs that start with different snapshots are compared through the later snapshot: when the
   * other log's entries up to it have its term and digest, the comparison goes on after it; when
   * they do not, or the compacted prefixes cannot be told apart (one log is shorter than the other's
   * snapshot, or both snapshots end at one index), the answer is the first index after the earlier
   * snapshot: where the two may first differ, as far as this log can tell.
   */
  public long firstDifference(Log other) {
    if (this == other) {
      return lastIndex() + 1;
    }
    if (!snapshot.equals(other.snapshot)) {
      return firstDifferenceAcrossSnapshots(other);
    }
    return snapshot.index() + firstDifferenceOfEntries(other);
  }

  private long firstDifferenceAcrossSnapshots(Log other) {
    Log lo = snapshot.index() <= other.snapshot.index() ? this : other;
    Log hi = lo == this ? other : this;
    Snapshot s = hi.snapshot;
    if (lo.snapshot.index() == s.index() || !lo.matches(s.index(), s.term()) || lo.digestThrough(s.index()) != s.digest()) {
      return lo.snapshot.index() == s.index() ? 1 : lo.snapshot.index() + 1;
    }
    long n = Math.min(lastIndex(), other.lastIndex());
    for (long i = s.index() + 1; i <= n; i++) {
      if (!lo.entry(i).equals(hi.entry(i))) {
        return i;
      }
    }
    return n + 1;
  }

  /** {@link #firstDifference} for logs with one snapshot, counted from the first entry after it (1). */
  private long firstDifferenceOfEntries(Log other) {
    int n = Math.min(size, other.size);
    int trie = Math.min(tailOffset(size), tailOffset(other.size));
    int from = 0;
    if (shift == other.shift) {
      int r = sharedPrefix(root, other.root, shift, 0, trie);
      from = r < 0 ? trie : r;
    }
    for (int block = from & ~MASK; block < n; block += WIDTH) {
      Object[] a = leafArray(block);
      Object[] b = other.leafArray(block);
      int end = Math.min(n - block, WIDTH);
      if (a == b && end <= a.length) {
        continue;
      }
      for (int k = 0; k < end; k++) {
        if (a[k] != b[k] && !a[k].equals(b[k])) {
          return block + k + 1L;
        }
      }
    }
    return n + 1L;
  }

  /**
   * The first 0-based index below {@code limit} in a leaf that {@code a} and {@code b} (trie nodes
   * of {@code level}, covering indexes from {@code base}) do not share by reference; -1 when they
   * share every leaf below it.
   */
  private static int sharedPrefix(Object[] a, Object[] b, int level, int base, int limit) {
    for (int k = 0; k < WIDTH; k++) {
      int childBase = base + (k << level);
      if (childBase >= limit) {
        return -1;
      }
      if (k >= a.length || k >= b.length) {
        return childBase;
      }
      if (a[k] != b[k]) {
        int r = level == BITS ? childBase : sharedPrefix((Object[]) a[k], (Object[]) b[k], level - BITS, childBase, limit);
        if (r >= 0) {
          return r;
        }
      }
    }
    return -1;
  }

  /** The array holding the entry at 0-based {@code i}: a trie leaf or the tail. */
  private Object[] leafArray(int i) {
    if (i >= tailOffset(size)) {
      return tail;
    }
    Object[] node = root;
    for (int level = shift; level > 0; level -= BITS) {
      node = (Object[]) node[(i >>> level) & MASK];
    }
    return node;
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    return o instanceof Log other && other.size == size && other.snapshot.equals(snapshot)
        && firstDifference(other) > lastIndex();
  }

  @Override
  public int hashCode() {
    int h = snapshot.index() == 0 ? 1 : snapshot.hashCode();
    for (long i = firstIndex(); i <= lastIndex(); i++) {
      h = 31 * h + entry(i).hashCode();
    }
    return h;
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("[");
    if (snapshot.index() > 0) {
      sb.append(snapshot).append(size > 0 ? " |" : "");
    }
    for (long i = firstIndex(); i <= lastIndex(); i++) {
      if (i > 1) {
        sb.append(' ');
      }
      sb.append(entry(i));
    }
    return sb.append(']').toString();
  }
}
