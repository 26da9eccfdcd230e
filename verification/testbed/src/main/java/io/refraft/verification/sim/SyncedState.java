package io.refraft.verification.sim;

import io.refraft.impl.storage.LogRecord;
import io.refraft.impl.storage.Meta;
import io.refraft.impl.storage.Recovered;
import io.refraft.impl.storage.SnapshotMeta;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What the simulator itself knows reached one node's disk, kept across the node's incarnations from
 * the calls the driver made to its storage ({@link SimDisk} reports them): the term, vote, snapshot
 * and log as of the last {@code sync()}, {@code truncateFrom()} or {@code saveSnapshot()} that
 * returned. At every restart the whole
 * recovered durable state is checked against it ({@link #recovered}): storage's crash semantics
 * (the {@code Storage} contract) allow a restart to lose only what was not yet synced.
 *
 * <p>Independent of the trace: the trace validator re-derives what a crash may lose from the steps,
 * and accepts a lost step nobody observed (FORMAT §5.4), so a log that lost synced records whose
 * acknowledgements were dropped passes it; this check does not ask who saw what. Its failure names
 * the node and the first index that differs ({@code RecoveredState: ...}).
 */
final class SyncedState {
  private final String node;
  /** The durable log, in index order (consecutive indexes). */
  private final List<LogRecord> log = new ArrayList<>();
  private Meta meta = Meta.INITIAL;
  /** The durable snapshot's index (0: none); the log holds only records after it. */
  private long snapshotIndex;
  /** Written and not yet synced: records appended, and the last term/vote saved (null: none). */
  private final List<LogRecord> pendingRecords = new ArrayList<>();
  private Meta pendingMeta;
  private Optional<String> violation = Optional.empty();

  SyncedState(String node) {
    this.node = Objects.requireNonNull(node, "node");
  }

  /** The driver buffered {@code records} (durable at the next sync). */
  void appended(List<LogRecord> records) {
    pendingRecords.addAll(records);
  }

  /** The driver buffered a new term and vote (durable at the next sync). */
  void savedMeta(Meta m) {
    pendingMeta = m;
  }

  /** A sync returned: everything buffered since the previous one is durable. */
  void synced() {
    for (LogRecord r : pendingRecords) {
      cut(r.index());
      log.add(r);
    }
    pendingRecords.clear();
    if (pendingMeta != null) {
      meta = pendingMeta;
      pendingMeta = null;
    }
  }

  /** A truncation from {@code index} returned: durable at once, with everything buffered before it. */
  void truncated(long index) {
    synced();
    cut(index);
  }

  /**
   * A snapshot save returned: everything buffered before it is durable, then the snapshot, and the
   * log is compacted: the records after it are kept when the log holds its last entry (Figure 13,
   * rule 6), else none.
   */
  void savedSnapshot(SnapshotMeta m) {
    synced();
    boolean continues = log.stream().anyMatch(r -> r.index() == m.index() && r.term() == m.term());
    log.removeIf(r -> !continues || r.index() <= m.index());
    snapshotIndex = m.index();
  }

  /** Drops the durable records at {@code index} and after. */
  private void cut(long index) {
    while (!log.isEmpty() && log.getLast().index() >= index) {
      log.removeLast();
    }
  }

  /**
   * The node restarted and its storage recovered {@code r}: the recovered term is at least the
   * synced one, with the synced vote when the term is the same, the recovered snapshot is at least
   * the saved one, and the recovered log holds every synced record the snapshot does not cover,
   * entry by entry (index, term and payload). It may hold more (a crash may keep a
   * prefix of the unsynced records, or the metadata saved in the sync it tore), so {@code r}
   * becomes the known durable state from here on. The first failure is kept ({@link #violation}).
   */
  void recovered(Recovered r) {
    pendingRecords.clear();
    pendingMeta = null;
    Optional<String> v = check(r);
    if (violation.isEmpty()) {
      violation = v;
    }
    log.clear();
    log.addAll(r.records());
    meta = r.meta();
    snapshotIndex = r.snapshotIndex();
  }

  private Optional<String> check(Recovered r) {
    Meta m = r.meta();
    if (m.term() < meta.term()) {
      return fail("recovered term " + m.term() + ", but term " + meta.term() + " was synced");
    }
    if (m.term() == meta.term() && meta.votedFor() != null && !meta.votedFor().equals(m.votedFor())) {
      return fail("recovered the vote " + (m.votedFor() == null ? "for nobody" : "for " + m.votedFor()) + " in term "
          + m.term() + ", but the vote for " + meta.votedFor() + " was synced");
    }
    if (r.snapshotIndex() < snapshotIndex) {
      return fail("recovered " + (r.snapshotIndex() == 0 ? "no snapshot" : "the snapshot at " + r.snapshotIndex())
          + ", but the snapshot at " + snapshotIndex + " was saved");
    }
    for (LogRecord s : log) {
      long i = s.index();
      if (i <= r.snapshotIndex()) {
        continue; // a synced record the recovered snapshot covers
      }
      if (i < r.firstIndex() || i > r.lastIndex()) {
        return fail("recovered a log of indexes " + r.firstIndex() + ".." + r.lastIndex() + " without the synced entry "
            + i + " (term " + s.term() + ")");
      }
      LogRecord got = r.records().get((int) (i - r.firstIndex()));
      if (!got.equals(s)) {
        return fail("recovered " + got + " at index " + i + ", but " + s + " was synced there");
      }
    }
    return Optional.empty();
  }

  private Optional<String> fail(String what) {
    return Optional.of("RecoveredState: " + node + " " + what);
  }

  /** The first restart that recovered less than was synced, described. */
  Optional<String> violation() {
    return violation;
  }
}
