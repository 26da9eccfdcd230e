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
 * before that can lose them. Everything else is the memory storage's, contract and crash semantics
 * included.
 */
final class SimDisk implements Storage {
  private final Storage disk;
  private final BooleanSupplier slowSync;
  private boolean syncPending;
  private boolean truncatedInTurn;

  /** @param slowSync called on each fsync: true when it takes time (the simulation then completes it later) */
  SimDisk(Storage disk, BooleanSupplier slowSync) {
    this.disk = disk;
    this.slowSync = slowSync;
  }

  @Override
  public Recovered load() throws IOException {
    return disk.load();
  }

  @Override
  public void append(List<LogRecord> records) throws IOException {
    disk.append(records);
  }

  /** Durable at once, as {@code FileStorage}'s truncation is (it deletes and cuts files in place). */
  @Override
  public void truncateFrom(long index) throws IOException {
    disk.truncateFrom(index);
    truncatedInTurn = true;
    slowSync.getAsBoolean();
  }

  @Override
  public void saveMeta(Meta meta) throws IOException {
    disk.saveMeta(meta);
  }

  @Override
  public void sync() throws IOException {
    if (slowSync.getAsBoolean()) {
      syncPending = true;
    } else {
      disk.sync();
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
    }
  }

  @Override
  public void close() throws IOException {
    disk.close();
  }
}
