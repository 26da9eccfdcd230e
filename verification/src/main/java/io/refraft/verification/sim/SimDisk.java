package io.refraft.verification.sim;

import io.refraft.impl.storage.LogRecord;
import io.refraft.impl.storage.MemoryStorage;
import io.refraft.impl.storage.Meta;
import io.refraft.impl.storage.Recovered;
import io.refraft.impl.storage.Storage;
import java.io.IOException;
import java.util.List;

/**
 * One incarnation's view of a node's {@link MemoryStorage} that tells the simulation when the
 * driver fsyncs ({@link #sync()}, {@link #truncateFrom}), so a slow disk can hold the node's turn
 * for the fsync's duration. Everything else is the memory storage's, contract and crash semantics
 * included.
 */
final class SimDisk implements Storage {
  private final MemoryStorage disk;
  private final Runnable onSync;

  SimDisk(MemoryStorage disk, Runnable onSync) {
    this.disk = disk;
    this.onSync = onSync;
  }

  @Override
  public Recovered load() {
    return disk.load();
  }

  @Override
  public void append(List<LogRecord> records) throws IOException {
    disk.append(records);
  }

  @Override
  public void truncateFrom(long index) throws IOException {
    disk.truncateFrom(index);
    onSync.run();
  }

  @Override
  public void saveMeta(Meta meta) throws IOException {
    disk.saveMeta(meta);
  }

  @Override
  public void sync() throws IOException {
    disk.sync();
    onSync.run();
  }

  @Override
  public void close() {
    disk.close();
  }
}
