package io.refraft.verification.sim;

import io.refraft.impl.storage.LogRecord;
import io.refraft.impl.storage.Meta;
import io.refraft.impl.storage.Recovered;
import io.refraft.impl.storage.Storage;
import java.io.IOException;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * One incarnation's view of a node's {@code MemoryStorage} (wrapped by a planted bug, if any) that
 * tells the simulation when the driver fsyncs ({@link #sync()}, {@link #truncateFrom}), so a slow disk can hold the node's turn
 * for the fsync's duration. On a slow disk a sync is only <em>issued</em> when the driver calls it:
 * the writes become durable when the simulation completes it ({@link #completeSync()}), and a crash
 * before that can lose them. It also tells the node's {@link SyncedState} what returned, and has it
 * check every recovered state. Everything else is the memory storage's, contract and crash
 * semantics included.
 */
final class SimDisk implements Storage {
  private final Storage disk;
  private final BooleanSupplier slowSync;
  private final SyncedState synced;
  private boolean syncPending;
  private boolean truncatedInTurn;

  /**
   * @param slowSync called on each fsync: true when it takes time (the simulation then completes it later)
   * @param synced   what the simulation knows the node synced, across incarnations: told of every write,
   *     sync and truncation that returned, and checks what {@link #load()} recovers
   */
  SimDisk(Storage disk, BooleanSupplier slowSync, SyncedState synced) {
    this.disk = disk;
    this.slowSync = slowSync;
    this.synced = synced;
  }

  @Override
  public Recovered load() throws IOException {
    Recovered r = disk.load();
    synced.recovered(r);
    return r;
  }

  @Override
  public void append(List<LogRecord> records) throws IOException {
    disk.append(records);
    synced.appended(records);
  }

  /** Durable at once, as {@code FileStorage}'s truncation is (it deletes and cuts files in place). */
  @Override
  public void truncateFrom(long index) throws IOException {
    disk.truncateFrom(index);
    synced.truncated(index);
    truncatedInTurn = true;
    slowSync.getAsBoolean();
  }

  @Override
  public void saveMeta(Meta meta) throws IOException {
    disk.saveMeta(meta);
    synced.savedMeta(meta);
  }

  @Override
  public void sync() throws IOException {
    if (slowSync.getAsBoolean()) {
      syncPending = true;
    } else {
      disk.sync();
      synced.synced();
      truncatedInTurn = false;
    }
  }

  @Override
  public boolean syncCompletesLater() {
    return syncPending;
  }

  /** Whether a sync was issued and has not completed. */
  boolean syncPending() {
    return syncPending;
  }

  /** Whether the turn whose sync is pending truncated the log (durable at once, before its appends). */
  boolean truncatedInTurn() {
    return truncatedInTurn;
  }

  /** The slow fsync has finished: what it covered is durable. */
  void completeSync() throws IOException {
    if (syncPending) {
      syncPending = false;
      truncatedInTurn = false;
      disk.sync();
      synced.synced();
    }
  }

  @Override
  public void close() throws IOException {
    disk.close();
  }
}
