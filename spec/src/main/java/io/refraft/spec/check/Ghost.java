package io.refraft.spec.check;

import io.refraft.spec.Entry;
import io.refraft.spec.NodeId;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * History the invariants need and no server keeps (raft.tla's {@code elections} and
 * {@code allLogs} play this part): every (term, leader) that ever was, every entry ever
 * committed with the term in which it first was, and how many restarts happened (for the bound).
 * It lives in the cluster model, never in a server's state.
 *
 * @param leaders   every (term, leader) pair that ever held, in the order they arose
 * @param committed the committed prefix as first observed: entry i-1 is the entry at index i
 * @param restarts  restarts so far
 */
public record Ghost(List<Elected> leaders, List<Committed> committed, int restarts) {
  public static final Ghost EMPTY = new Ghost(List.of(), List.of(), 0);

  public Ghost {
    leaders = List.copyOf(leaders);
    committed = List.copyOf(committed);
  }

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

  Ghost withLeader(long term, NodeId leader) {
    Elected e = new Elected(term, leader);
    if (leaders.contains(e)) {
      return this;
    }
    List<Elected> l = new ArrayList<>(leaders.size() + 1);
    l.addAll(leaders);
    l.add(e);
    return new Ghost(l, committed, restarts);
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
    return new Ghost(leaders, c, restarts);
  }

  Ghost withRestart() {
    return new Ghost(leaders, committed, restarts + 1);
  }
}
