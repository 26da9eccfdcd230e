package io.refraft.impl.planted;

import io.refraft.impl.storage.ForwardingStorage;
import io.refraft.impl.storage.LogRecord;
import io.refraft.impl.storage.Meta;
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
final class SkipFsync extends ForwardingStorage {
  private final InjectedBug.Fired fired;
  /** Writes since the last sync: a sync skipped with none pending loses nothing, and is not a firing. */
  private volatile boolean pending;

  SkipFsync(Storage storage, InjectedBug.Fired fired) {
    super(storage);
    this.fired = fired;
  }

  @Override
  public void sync() {
    skipped(); // reported durable; nothing was
  }

  @Override
  public void sync(Runnable beforeVisible) {
    skipped();
    beforeVisible.run();
  }

  private void skipped() {
    if (pending) {
      pending = false;
      fired.once();
    }
  }

  @Override
  public void append(List<LogRecord> records) throws IOException {
    pending = true;
    storage.append(records);
  }

  @Override
  public void saveMeta(Meta meta) throws IOException {
    pending = true;
    storage.saveMeta(meta);
  }
}
