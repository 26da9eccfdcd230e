package io.refraft.impl.planted;

import io.refraft.impl.storage.LogRecord;
import io.refraft.impl.storage.Meta;
import io.refraft.impl.storage.Recovered;
import io.refraft.impl.storage.Storage;
import java.io.IOException;
import java.util.List;

/**
 * The {@code skip-fsync} bug ({@link InjectedBug#SKIP_FSYNC}): a storage whose {@link #sync()}
 * returns as if everything were durable without passing the sync on, so a crash loses every write
 * the node promised since. The wrapped storage still sees every append and term/vote change (a
 * {@code MemoryStorage} keeps them as unsynced, a {@code FileStorage} in its process buffer), and a
 * truncation, durable by {@link Storage}'s contract, is passed on as it is.
 */
final class SkipFsync implements Storage {
  private final Storage storage;

  SkipFsync(Storage storage) {
    this.storage = storage;
  }

  @Override
  public void sync() {
    // reported durable; nothing was
  }

  @Override
  public void sync(Runnable beforeVisible) {
    beforeVisible.run();
  }

  @Override
  public Recovered load() throws IOException {
    return storage.load();
  }

  @Override
  public void append(List<LogRecord> records) throws IOException {
    storage.append(records);
  }

  @Override
  public void truncateFrom(long index) throws IOException {
    storage.truncateFrom(index);
  }

  @Override
  public void truncateFrom(long index, Runnable beforeVisible) throws IOException {
    storage.truncateFrom(index, beforeVisible);
  }

  @Override
  public void saveMeta(Meta meta) throws IOException {
    storage.saveMeta(meta);
  }

  @Override
  public void close() throws IOException {
    storage.close();
  }
}
