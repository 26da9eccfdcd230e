package io.refraft.impl.storage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fits the write-ahead log to the snapshot: {@link #compact} when a snapshot is saved, and
 * {@link #fit} at load, which finishes what a crash interrupted in {@link FileStorage#saveSnapshot}
 * (snapshot at index I, term T; log records F..L):
 *
 * <ul>
 *   <li>L &le; I: every record is covered by the snapshot (a compaction interrupted before it deleted
 *       them all); they are dropped and their segments deleted.</li>
 *   <li>F &le; I &lt; L and the record at I has term T: the records after I continue the snapshot and
 *       are kept; the segments holding only records &le; I are deleted.</li>
 *   <li>F &le; I &lt; L and the record at I has another term: the log does not continue the snapshot (an
 *       installed snapshot that replaces the log, interrupted before its segments were deleted); every
 *       record is dropped and every segment deleted.</li>
 *   <li>F = I + 1 with a term of at least T: kept as it is.</li>
 *   <li>Anything else (F &gt; I + 1, a hole between snapshot and log; or a first term below T) no crash
 *       explains, since segments are deleted only after the snapshot is durable and from the front:
 *       {@link StorageCorruptException} naming the first segment, unless repair drops the log.</li>
 * </ul>
 *
 * Without a snapshot the log is returned as it is, unless repair set a corrupt snapshot aside and
 * the log does not start at index 1: it is then dropped, since nothing covers the entries before it.
 */
final class SnapshotRecovery {

  private static final Logger LOG = LoggerFactory.getLogger(SnapshotRecovery.class);

  private final Path dir;
  private final boolean repair;

  SnapshotRecovery(Path dir, boolean repair) {
    this.dir = dir;
    this.repair = repair;
  }

  /**
   * The records that follow {@code snapshot}, deleting from {@code segments} (and disk) the
   * segments that hold none of them.
   */
  List<LogRecord> fit(Optional<SnapshotMeta> snapshot, boolean setAside, List<LogRecord> records,
      List<Segment> segments) throws IOException {
    if (records.isEmpty()) {
      return records;
    }
    long first = records.getFirst().index();
    long last = records.getLast().index();
    if (snapshot.isEmpty()) {
      if (setAside && first > 1) {
        LOG.warn("repair: the log starts at index {} and no snapshot is left to cover the entries before it; "
            + "dropping records {}..{} (this node fetches a snapshot from the leader)", first, first, last);
        return dropAll(segments);
      }
      return records;
    }
    SnapshotMeta s = snapshot.get();
    if (last <= s.index()) {
      LOG.info("records {}..{} are covered by the snapshot at index {}; deleting their segments (a compaction "
          + "a restart interrupted)", first, last, s.index());
      return dropAll(segments);
    }
    if (first <= s.index()) {
      if (records.get((int) (s.index() - first)).term() != s.term()) {
        LOG.info("the log does not continue the snapshot at index {} term {} (its record there has term {}); "
            + "deleting records {}..{} (an installed snapshot's log replacement a restart interrupted)",
            s.index(), s.term(), records.get((int) (s.index() - first)).term(), first, last);
        return dropAll(segments);
      }
      compact(dir, segments, s.index(), true, what -> { });
      return records.subList((int) (s.index() + 1 - first), records.size());
    }
    if (first == s.index() + 1 && records.getFirst().term() >= s.term()) {
      return records;
    }
    return hole(s, records, segments);
  }

  private List<LogRecord> hole(SnapshotMeta s, List<LogRecord> records, List<Segment> segments) throws IOException {
    LogRecord first = records.getFirst();
    String what = first.index() == s.index() + 1
        ? "its first record (index " + first.index() + ") has term " + first.term() + ", below the snapshot's term "
            + s.term()
        : "the log starts at index " + first.index() + " but the snapshot ends at index " + s.index()
            + ", leaving a hole";
    Path file = segments.getFirst().path;
    if (!repair) {
      throw new StorageCorruptException(file, WalFormat.HEADER_BYTES, "write-ahead log " + file + " does not "
          + "continue the snapshot at index " + s.index() + " (at byte offset " + WalFormat.HEADER_BYTES + "): "
          + what + ". A crash cannot explain this. Refusing to start; rerun with --repair to drop the log after "
          + "the snapshot (safe only if a quorum of other nodes holds it).");
    }
    LOG.warn("repair: {} in {}; dropping records {}..{}", what, file, first.index(), records.getLast().index());
    return dropAll(segments);
  }

  /** Deletes every segment, the last first (a crash part-way leaves a prefix, which this class drops again). */
  private List<LogRecord> dropAll(List<Segment> segments) throws IOException {
    compact(dir, segments, Long.MAX_VALUE, false, what -> { });
    return List.of();
  }

  private static void delete(Segment s) throws IOException {
    s.closeChannel();
    Files.delete(s.path);
  }

  /** Whether {@code segments} hold the record at {@code index} with {@code term}; every record is written. */
  static boolean holds(List<Segment> segments, long index, long term) throws IOException {
    for (Segment s : segments) {
      if (s.base <= index && index <= s.lastIndex()) {
        boolean closed = s.channel == null;
        long found = s.termAt(index);
        if (closed) {
          s.closeChannel();
        }
        return found == term;
      }
    }
    return false;
  }

  /**
   * Deletes the segments the snapshot at {@code index} made useless, each deletion made durable (a
   * directory fsync) before the next: after a power loss the file system could otherwise keep a later
   * deletion and lose an earlier one, leaving a hole between segments. When the log continues the
   * snapshot, those whose records are all at or below {@code index}, from the front, so a crash
   * part-way leaves a log that still reaches {@code index + 1}; otherwise all, from the back, so a
   * crash leaves a prefix that {@link #fit} again finds not continuing the snapshot. A snapshot
   * interval holds few segments (64 MiB each by default), so the fsyncs are few.
   */
  static void compact(Path dir, List<Segment> segments, long index, boolean continues,
      FileStorage.CrashPoint crashPoint) throws IOException {
    while (!segments.isEmpty() && (!continues || segments.getFirst().lastIndex() <= index)) {
      Segment s = continues ? segments.removeFirst() : segments.removeLast();
      delete(s);
      MetaFile.syncDirectory(dir);
      crashPoint.reached("deleted " + s.path.getFileName());
    }
  }
}
