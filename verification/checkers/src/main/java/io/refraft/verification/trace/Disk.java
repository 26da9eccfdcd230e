package io.refraft.verification.trace;

import io.refraft.spec.DurableState;
import io.refraft.spec.Log;
import io.refraft.spec.NodeId;
import io.refraft.spec.Output;
import io.refraft.traces.Persisted;
import io.refraft.traces.TraceInput;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One node's storage as a trace with asynchronous persistence shows it (traces/FORMAT.md §5.4,
 * version 2): what storage has confirmed durable, and the writes the node's steps handed it since.
 * Term and vote, and the log, are two streams, each completed in order (storage may make a new
 * term durable before entries written earlier, as a meta file beside the log does; the spec holds
 * every reply until both are confirmed, so nobody can tell). A {@code Persisted} step confirms a
 * prefix of each; a crash keeps the confirmed state and any prefix of the rest, the log's last
 * write possibly torn (a prefix of its entries, as a power loss leaves them). A snapshot is one
 * write in the log's stream, whole or not at all (a file renamed into place). Nothing else is
 * lost, and nothing that was never written comes back.
 */
final class Disk {
  private Output.HardState hard;
  private Log log;
  private final List<Output.HardState> pendingHard = new ArrayList<>();
  /** Log writes in order: {@link Output.SaveSnapshot} and {@link Output.LogSuffix}. */
  private final List<Output.Persist> pendingLog = new ArrayList<>();

  Disk(DurableState durable) {
    restarted(durable);
  }

  /** A step handed {@code w} to storage. */
  void wrote(Persisted w) {
    w.hardState().ifPresent(pendingHard::add);
    w.snapshot().ifPresent(pendingLog::add);
    w.log().ifPresent(pendingLog::add);
  }

  /**
   * Storage reports {@code p} durable: the latest term and vote, and the latest log, the writes
   * pass through that it describes become durable, and the writes they include are dropped. Empty
   * when it describes none (storage claims durable what the node never wrote); the reason then.
   */
  Optional<String> confirm(TraceInput.Persisted p) {
    int h = hardIndex(p.term(), p.vote());
    LogState l = logIndex(p.lastIndex(), p.lastTerm());
    if (h < 0 || l == null) {
      return Optional.of("storage reports term " + p.term() + ", vote " + p.vote().map(NodeId::name).orElse("null")
          + " and the log through " + p.lastIndex() + "/" + p.lastTerm() + " durable, but the node's writes since "
          + "the last Persisted never pass through " + (h < 0 ? "that term and vote" : "that log"));
    }
    if (h > 0) {
      hard = pendingHard.get(h - 1);
      pendingHard.subList(0, h).clear();
    }
    log = l.log();
    pendingLog.subList(0, l.writes()).clear();
    if (l.kept() >= 0) {
      Output.LogSuffix w = (Output.LogSuffix) pendingLog.get(0); // only a suffix is torn
      pendingLog.set(0, new Output.LogSuffix(w.firstIndex() + l.kept(), w.entries().subList(l.kept(), w.entries().size())));
    }
    return Optional.empty();
  }

  /**
   * The durable state a crash leaves that the restart's {@code term}, {@code vote} and last log
   * entry describe, the latest such log first; empty when there is none.
   */
  Optional<DurableState> afterCrash(long term, Optional<NodeId> vote, long lastIndex, long lastTerm) {
    LogState l = logIndex(lastIndex, lastTerm);
    if (hardIndex(term, vote) < 0 || l == null) {
      return Optional.empty();
    }
    return Optional.of(new DurableState(term, vote, l.log()));
  }

  /** The states a crash may leave, in words, for a report. */
  String crashStates() {
    StringBuilder sb = new StringBuilder("term and vote one of: ");
    for (int k = 0; k <= pendingHard.size(); k++) {
      Output.HardState h = k == 0 ? hard : pendingHard.get(k - 1);
      sb.append(k == 0 ? "" : ", ").append(h.term()).append('/').append(h.votedFor().map(NodeId::name).orElse("null"));
    }
    sb.append("; last log entry one of: ");
    List<LogState> logs = logs();
    for (int k = 0; k < logs.size() && sb.length() < 400; k++) {
      Log l = logs.get(k).log();
      sb.append(k == 0 ? "" : ", ").append(l.lastIndex()).append('/').append(l.lastTerm());
    }
    return sb.toString();
  }

  /** The node restarted from {@code d}: everything not on disk is gone. */
  void restarted(DurableState d) {
    hard = new Output.HardState(d.term(), d.votedFor());
    log = d.log();
    pendingHard.clear();
    pendingLog.clear();
  }

  /** 0 when the durable term and vote are these, k when the k-th pending ones (the latest), else -1. */
  private int hardIndex(long term, Optional<NodeId> vote) {
    for (int k = pendingHard.size(); k > 0; k--) {
      Output.HardState h = pendingHard.get(k - 1);
      if (h.term() == term && h.votedFor().equals(vote)) {
        return k;
      }
    }
    return hard.term() == term && hard.votedFor().equals(vote) ? 0 : -1;
  }

  /** The latest log the writes pass through that ends with entry {@code lastIndex} of {@code lastTerm}, or null. */
  private LogState logIndex(long lastIndex, long lastTerm) {
    List<LogState> logs = logs();
    for (int k = logs.size() - 1; k >= 0; k--) {
      Log l = logs.get(k).log();
      if (l.lastIndex() == lastIndex && l.lastTerm() == lastTerm) {
        return logs.get(k);
      }
    }
    return null;
  }

  /**
   * A log the writes pass through: after the first {@code writes} whole, and, when {@code kept} is
   * not negative, the next one's first {@code kept} entries.
   */
  private record LogState(Log log, int writes, int kept) {}

  /** Every log the pending writes pass through, oldest first. */
  private List<LogState> logs() {
    List<LogState> out = new ArrayList<>();
    Log l = log;
    out.add(new LogState(l, 0, -1));
    for (int k = 0; k < pendingLog.size(); k++) {
      if (pendingLog.get(k) instanceof Output.SaveSnapshot(io.refraft.spec.Snapshot snap)) {
        l = l.matches(snap.index(), snap.term()) ? l.compactTo(snap) : Log.restored(snap, List.of());
        out.add(new LogState(l, k + 1, -1));
        continue;
      }
      Output.LogSuffix w = (Output.LogSuffix) pendingLog.get(k);
      Log base = l.truncateAfter(Math.min(l.lastIndex(), w.firstIndex() - 1));
      for (int m = 0; m < w.entries().size(); m++) {
        out.add(new LogState(base.appendAll(w.entries().subList(0, m)), k, m));
      }
      l = base.appendAll(w.entries());
      out.add(new LogState(l, k + 1, -1));
    }
    return out;
  }
}
