package io.refraft.impl.storage;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * {@link Storage} in memory, for the deterministic simulator: the same contract and crash
 * semantics as {@link FileStorage} without a file system.
 *
 * <p>The "disk" outlives the node: the simulator calls {@link #crash()} when the node's process
 * dies, which drops every record appended and every metadata change saved since the last
 * {@link #sync()} (or {@link #truncateFrom}), and the restarted node calls {@link #load()} again.
 * Because truncation is durable at once, the durable log is always a prefix of the buffered one,
 * so a crash is a cut at {@code syncedCount}. A saved snapshot is durable at once, and the log then
 * holds only the records after it.
 */
public final class MemoryStorage implements Storage {

  private final List<LogRecord> log = new ArrayList<>();
  private int syncedCount;
  private Meta meta = Meta.INITIAL;
  private Meta durableMeta = Meta.INITIAL;
  /** Durable as soon as it is saved; the log then holds only records after it. */
  private StoredSnapshot snapshot;
  private boolean loaded;
  private boolean failed;
  private boolean failNextSync;

  @Override
  public Recovered load() {
    if (loaded) {
      throw new IllegalStateException("load() is called once per (re)start, first");
    }
    loaded = true;
    return new Recovered(durableMeta, Optional.ofNullable(snapshot), log);
  }

  @Override
  public void append(List<LogRecord> records) throws IOException {
    requireUsable();
    long next = !log.isEmpty() ? log.getLast().index() + 1 : snapshot != null ? snapshot.meta().index() + 1
        : records.isEmpty() ? 1 : records.getFirst().index();
    long term = !log.isEmpty() ? log.getLast().term() : snapshot != null ? snapshot.meta().term() : 0;
    for (LogRecord r : records) {
      if (r.index() != next || r.term() < term) {
        throw new IllegalArgumentException("append must continue the log at index " + next
            + " with a term of at least " + term + ", got " + r);
      }
      next++;
      term = r.term();
    }
    log.addAll(records);
  }

  @Override
  public void truncateFrom(long index) throws IOException {
    requireUsable();
    long floor = snapshot == null ? 1 : snapshot.meta().index() + 1;
    if (index < floor) {
      throw new IllegalArgumentException("index must be >= " + floor + ", was " + index);
    }
    if (!log.isEmpty() && index <= log.getLast().index()) {
      int keep = (int) Math.max(0, index - log.getFirst().index());
      log.subList(keep, log.size()).clear();
    }
    sync();
  }

  /** {@link Storage#saveSnapshot}: durable at once, after a {@link #sync()}; {@code body} is kept, not copied. */
  @Override
  public void saveSnapshot(SnapshotMeta meta, byte[] body) throws IOException {
    requireUsable();
    Objects.requireNonNull(body, "body");
    if (snapshot != null && meta.index() <= snapshot.meta().index()) {
      throw new IllegalArgumentException("a snapshot at index " + meta.index() + " is not newer than the one at "
          + snapshot.meta().index());
    }
    sync();
    int at = log.isEmpty() ? -1 : (int) (meta.index() - log.getFirst().index());
    boolean continues = at >= 0 && at < log.size() && log.get(at).term() == meta.term();
    log.subList(0, continues ? at + 1 : log.size()).clear(); // Figure 13 rule 6, or the whole log replaced
    syncedCount = log.size();
    snapshot = new StoredSnapshot(meta, body, Optional.empty());
  }

  @Override
  public void saveMeta(Meta newMeta) throws IOException {
    requireUsable();
    meta = Objects.requireNonNull(newMeta, "meta");
  }

  @Override
  public void sync() throws IOException {
    requireUsable();
    if (failNextSync) {
      failNextSync = false;
      failed = true;
      throw new IOException("injected fsync failure");
    }
    syncedCount = log.size();
    durableMeta = meta;
  }

  /** Same as {@link #crash()}: a stop without sync keeps only what was synced. */
  @Override
  public void close() {
    crash();
  }

  /** The node's process dies: everything not synced is lost; call {@link #load()} to restart. */
  public void crash() {
    log.subList(Math.min(syncedCount, log.size()), log.size()).clear();
    meta = durableMeta;
    loaded = false;
    failed = false;
    failNextSync = false;
  }

  /**
   * The machine loses power during a {@link #sync()} that has not returned: the metadata saved
   * since the last sync reached the disk (FileStorage replaces its meta file before it writes the
   * records) and so did the first {@code keep} of the records appended since, the rest did not (a
   * torn tail, which recovery cuts at the last whole record). Call {@link #load()} to restart.
   *
   * @param keep how many of the unsynced records survive, fewer than there are
   */
  public void crashTearing(int keep) {
    int unsynced = log.size() - syncedCount;
    if (keep < 0 || keep >= unsynced) {
      throw new IllegalArgumentException("keep must be in 0.." + (unsynced - 1) + " (unsynced records), was " + keep);
    }
    syncedCount += keep;
    durableMeta = meta;
    crash();
  }

  /** How many records were appended since the last sync. */
  public int unsyncedRecords() {
    return log.size() - syncedCount;
  }

  /** The next {@link #sync()} throws and leaves the storage failed, as a failing disk would. */
  public void failNextSync() {
    failNextSync = true;
  }

  private void requireUsable() throws IOException {
    if (!loaded) {
      throw new IllegalStateException("call load() first (after a crash too)");
    }
    if (failed) {
      throw new IOException("storage failed earlier; crash() and load() to recover");
    }
  }
}
