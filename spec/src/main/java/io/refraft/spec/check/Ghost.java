package io.refraft.spec.check;

import io.refraft.spec.Entry;
import io.refraft.spec.NodeId;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * History the invariants need and no server keeps (raft.tla's {@code elections} and
 * {@code allLogs} play this part): every (term, leader) that ever was, every entry ever
 * committed with the term in which it first was, how many restarts happened (for the bound), and
 * every client read with what was committed when it arrived (for ReadLinearizable).
 * It lives in the cluster model, never in a server's state.
 *
 * @param leaders   every (term, leader) pair that ever held, in the order they arose
 * @param committed the committed prefix as first observed: entry i-1 is the entry at index i
 * @param restarts  restarts so far
 * @param reads     every read request, in arrival order
 */
public record Ghost(List<Elected> leaders, List<Committed> committed, int restarts, List<Read> reads) {
  public static final Ghost EMPTY = new Ghost(List.of(), List.of(), 0, List.of());

  public Ghost {
    leaders = List.copyOf(leaders);
    committed = List.copyOf(committed);
    reads = List.copyOf(reads);
  }

  /** A history without reads. */
  public Ghost(List<Elected> leaders, List<Committed> committed, int restarts) {
    this(leaders, committed, restarts, List.of());
  }

  /**
   * Read {@code requestId} (the i-th read, numbered from 1): how much was committed anywhere when
   * it arrived, how many answers it got, and the readIndex it was served at (0 unless served).
   */
  public record Read(long requestId, long committedBefore, int answers, long readIndex) {}

  /** A server that became leader of a term. */
  public record Elected(long term, NodeId leader) {
    public Elected {
      Objects.requireNonNull(leader, "leader");
    }
  }

  /** An entry at the next committed index and the term of the server that first committed it. */
  public record Committed(Entry entry, long inTerm) {
    public Committed {
      Objects.requireNonNull(entry, "entry");
    }
  }

  /**
   * The digest of the committed entries 1..{@code index} ({@link io.refraft.spec.Snapshot#digest}),
   * to compare a snapshot with the committed log it replaced; {@code index} at most the committed length.
   */
  public long digestThrough(long index) {
    long d = io.refraft.spec.Snapshot.EMPTY_DIGEST;
    for (int i = 0; i < index; i++) {
      d = io.refraft.spec.Snapshot.extend(d, committed.get(i).entry());
    }
    return d;
  }

  /**
   * Why {@code s} is not the committed prefix through its index (in term and digest), or empty when
   * it is; {@link io.refraft.spec.Snapshot#NONE} always is.
   */
  public java.util.Optional<String> snapshotDisagreement(io.refraft.spec.Snapshot s) {
    if (s.index() == 0) {
      return java.util.Optional.empty();
    }
    if (s.index() > committed.size()) {
      return java.util.Optional.of(s + " reaches beyond the committed prefix " + committed.size());
    }
    if (committed.get((int) s.index() - 1).entry().term() != s.term() || digestThrough(s.index()) != s.digest()) {
      return java.util.Optional.of(s + " differs from the committed entries 1.." + s.index() + " it replaced");
    }
    return java.util.Optional.empty();
  }

  Ghost withLeader(long term, NodeId leader) {
    Elected e = new Elected(term, leader);
    if (leaders.contains(e)) {
      return this;
    }
    List<Elected> l = new ArrayList<>(leaders.size() + 1);
    l.addAll(leaders);
    l.add(e);
    return new Ghost(l, committed, restarts, reads);
  }

  Ghost withCommitted(List<Entry> more, long inTerm) {
    if (more.isEmpty()) {
      return this;
    }
    List<Committed> c = new ArrayList<>(committed.size() + more.size());
    c.addAll(committed);
    for (Entry e : more) {
      c.add(new Committed(e, inTerm));
    }
    return new Ghost(leaders, c, restarts, reads);
  }

  Ghost withRestart() {
    return new Ghost(leaders, committed, restarts + 1, reads);
  }

  /** A new read arrives now; its id is its position. */
  Ghost withRead() {
    List<Read> r = new ArrayList<>(reads.size() + 1);
    r.addAll(reads);
    r.add(new Read(reads.size() + 1, committed.size(), 0, 0));
    return new Ghost(leaders, committed, restarts, r);
  }

  /** Read {@code requestId} answered: served at {@code readIndex}, or rejected when it is 0. */
  Ghost withAnswer(long requestId, long readIndex) {
    if (requestId < 1 || requestId > reads.size()) {
      return this; // not a read of the model (a scenario may name any id)
    }
    List<Read> r = new ArrayList<>(reads);
    Read was = r.get((int) requestId - 1);
    r.set((int) requestId - 1, new Read(requestId, was.committedBefore(), was.answers() + 1,
        readIndex > 0 ? readIndex : was.readIndex()));
    return new Ghost(leaders, committed, restarts, r);
  }
}
