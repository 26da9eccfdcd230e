package io.refraft.impl.storage;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * A node's durable state: the Raft log and the term/vote metadata (paper Figure 2, "Persistent
 * state on all servers").
 *
 * <p>Obligations of every implementation:
 * <ol>
 *   <li>Single owner: never called concurrently; all calls come from the node's one thread
 *       (docs/ARCHITECTURE.md#the-node), so implementations do no locking of their own.</li>
 *   <li>Group commit: {@link #append} and {@link #saveMeta} only buffer; one {@link #sync()}
 *       makes everything buffered since the previous sync durable at once.</li>
 *   <li>Crash semantics: after a crash, {@link #load()} returns exactly the state as of the last
 *       {@code sync()} or {@code truncateFrom()} that returned, possibly plus a prefix of the
 *       records appended after it, and never anything else. Metadata saved but not synced may be
 *       lost.</li>
 *   <li>Term order: a record never becomes durable before a {@code saveMeta} that preceded it,
 *       so a recovered log never holds an entry whose term exceeds the recovered term unless
 *       that term was saved (Figure 2 requires {@code currentTerm} ≥ every entry's term).</li>
 *   <li>Poisoning: once any call has thrown an {@link IOException}, every later call except
 *       {@link #close()} throws too. After a failed fsync the kernel may have dropped the dirty
 *       pages and reported the error once only (PostgreSQL "fsyncgate", 2018), so nothing
 *       buffered can be trusted; the owner must close, and recover with a fresh {@code load()}.
 *       The one exception: a {@link DiskFullException} from {@code sync()} (a write found no
 *       space) leaves the storage usable; the buffer stays, and a later {@code sync()} retries.
 *       </li>
 * </ol>
 */
public interface Storage extends AutoCloseable {

  /**
   * Recovers the durable state. Called exactly once, before any other method.
   *
   * @throws StorageCorruptException when the state is damaged beyond what a crash explains; the
   *     message names the file and byte offset
   */
  Recovered load() throws IOException;

  /**
   * Buffers records at the end of the log; not durable until {@link #sync()} returns.
   *
   * <p>Records must be consecutive, with non-decreasing terms; the first must follow the
   * current last index, or may start anywhere when the log is empty. Violations throw
   * {@link IllegalArgumentException} and change nothing.
   */
  void append(List<LogRecord> records) throws IOException;

  /**
   * Removes the record at {@code index} and every record after it (Raft §5.3: a conflicting
   * entry and all that follow it are deleted). A no-op for the log's contents when
   * {@code index} is past the last record. {@code index} must be above the snapshot's index: a
   * snapshot holds committed entries only.
   *
   * <p>Durable when it returns, together with everything appended or saved before it: it
   * implies {@link #sync()}. Otherwise a record appended later over the same bytes could reach
   * the disk while the truncation has not, and a crash would leave an old entry followed by a
   * new one, a log that breaks Log Matching (§5.3).
   */
  void truncateFrom(long index) throws IOException;

  /**
   * {@link #truncateFrom(long)}, running {@code beforeVisible} on the way as {@link #sync(Runnable)}
   * does.
   */
  default void truncateFrom(long index, Runnable beforeVisible) throws IOException {
    beforeVisible.run();
    truncateFrom(index);
  }

  /**
   * Makes a snapshot durable and compacts the log (Raft §7): durable when it returns, together with
   * everything appended or saved before it, which becomes durable first (it implies {@link #sync()}).
   * So a snapshot never reaches the disk ahead of the term and vote that preceded it: etcd #5664 saved
   * a snapshot before its hard state and could not restart ("commit out of range").
   *
   * <p>Then the log is compacted. When it holds the snapshot's last entry (same index and term), the
   * records up to {@code meta.index()} may be deleted and the later ones are kept (Figure 13, rule 6);
   * otherwise the log does not continue the snapshot and every record is deleted. Appends then
   * continue the log's last record, or start at {@code meta.index() + 1} when none is left. At most
   * one older snapshot is kept.
   *
   * <p>Crash semantics: {@link #load()} after a crash inside this call returns either the state before
   * it or the snapshot with the records after it that continue it, never a mix.
   *
   * @throws IllegalArgumentException when {@code meta.index()} is not above the current snapshot's
   * @throws UnsupportedOperationException from a storage that keeps no snapshots
   */
  default void saveSnapshot(SnapshotMeta meta, byte[] body) throws IOException {
    throw new UnsupportedOperationException(getClass().getSimpleName() + " keeps no snapshots");
  }

  /**
   * The file of the durable snapshot at {@code index}, when this storage keeps files and still has
   * it (the newest and one older are kept): what a leader streams to a follower.
   */
  default Optional<Path> snapshotFile(long index) {
    return Optional.empty();
  }

  /** Buffers a new term and vote; durable when {@link #sync()} returns. Idempotent. */
  void saveMeta(Meta meta) throws IOException;

  /**
   * Makes everything buffered since the last sync durable with one flush of each touched file
   * (group commit). Metadata is made durable before log records. Idempotent: a sync with
   * nothing buffered does no I/O.
   */
  void sync() throws IOException;

  /**
   * {@link #sync()}, running {@code beforeVisible} exactly once on the way: after the preparation a
   * killed process leaves no trace of (a new term or vote written to a temporary file and fsynced),
   * and immediately before the first change that a process killed at that moment would leave
   * behind (what reached the OS survives a kill -9: the page cache is the kernel's). It runs even
   * when there is nothing to write; a call that throws may not have run it. This default runs it
   * before everything, which is always allowed; {@link FileStorage} runs it as late as it may.
   *
   * <p>Why: a node writing a trace writes the turn's lines here ({@code impl.server.TraceFirstStorage}),
   * so that after a kill -9 neither the trace nor the disk is a turn ahead of the other.
   */
  default void sync(Runnable beforeVisible) throws IOException {
    beforeVisible.run();
    sync();
  }

  /**
   * Whether the last {@link #sync()} only started the flush, which completes later: a simulated slow
   * disk. The driver then tells the spec what is durable once told the flush completed
   * ({@code Driver.synced()}), not at once. Real storage answers false: its sync returns when the
   * writes are durable.
   */
  default boolean syncCompletesLater() {
    return false;
  }

  /** Releases files and locks without syncing. Idempotent; safe after a failure. */
  @Override
  void close() throws IOException;
}
