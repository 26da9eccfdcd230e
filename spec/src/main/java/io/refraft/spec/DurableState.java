package io.refraft.spec;

import java.util.Objects;
import java.util.Optional;

/**
 * What a server keeps on stable storage before answering any RPC (Figure 2, "Persistent state on
 * all servers"): {@code currentTerm}, {@code votedFor} and the log.
 */
public record DurableState(long term, Optional<NodeId> votedFor, Log log) {
  public static final DurableState EMPTY = new DurableState(0, Optional.empty(), Log.EMPTY);

  public DurableState {
    if (term < 0) {
      throw new IllegalArgumentException("term must be >= 0, got " + term);
    }
    Objects.requireNonNull(votedFor, "votedFor");
    Objects.requireNonNull(log, "log");
    if (log.lastTerm() > term) {
      throw new IllegalArgumentException("log holds term " + log.lastTerm() + " beyond currentTerm " + term);
    }
  }

  /**
   * The writes that turn this durable state into {@code next}, in the order storage must make them:
   * the hard state when term or vote changed, a new snapshot, then the log from its first changed
   * index. Logs change only at their end (appends, and truncation of a conflicting suffix, §5.3), so
   * the first difference is found by walking back from the shorter end over the changed entries
   * only. A snapshot that did not match the log replaces the whole log, so the entries after it
   * are rewritten (an empty suffix: none).
   */
  public java.util.List<Output.Persist> writesTo(DurableState next) {
    java.util.List<Output.Persist> out = new java.util.ArrayList<>(2);
    if (next.term != term || !next.votedFor.equals(votedFor)) {
      out.add(new Output.HardState(next.term, next.votedFor));
    }
    addLogWrites(log, next.log, out);
    return out;
  }

  private static void addLogWrites(Log before, Log after, java.util.List<Output.Persist> out) {
    if (before == after) {
      return;
    }
    Snapshot snap = after.snapshot();
    long floor = before.snapshot().index();
    if (!snap.equals(before.snapshot())) {
      out.add(new Output.SaveSnapshot(snap));
      if (snap.index() < floor || !before.matches(snap.index(), snap.term())) {
        out.add(new Output.LogSuffix(snap.index() + 1, after.slice(snap.index() + 1, after.lastIndex() + 1)));
        return;
      }
      floor = snap.index();
    }
    long i = Math.min(before.lastIndex(), after.lastIndex());
    while (i > floor && !before.entry(i).equals(after.entry(i))) {
      i--;
    }
    long from = i + 1;
    if (from <= Math.max(before.lastIndex(), after.lastIndex())) {
      out.add(new Output.LogSuffix(from, after.slice(from, after.lastIndex() + 1)));
    }
  }
}
