package io.refraft.impl.storage;

import java.io.IOException;
import java.util.List;
import java.util.Objects;

/**
 * A {@link Storage} that passes every call on to another: the base of wrappers that change one or
 * two calls (a trace hook, a planted bug) and must pass the rest on unchanged, the defaults of
 * {@link Storage} included (a wrapper that did not pass on {@link #syncCompletesLater} would hide a
 * flush still under way from the driver).
 */
public abstract class ForwardingStorage implements Storage {
  /** The storage calls are passed on to. */
  protected final Storage storage;

  protected ForwardingStorage(Storage storage) {
    this.storage = Objects.requireNonNull(storage, "storage");
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
  public void saveSnapshot(SnapshotMeta meta, byte[] body) throws IOException {
    storage.saveSnapshot(meta, body);
  }

  @Override
  public java.util.Optional<java.nio.file.Path> snapshotFile(long index) {
    return storage.snapshotFile(index);
  }

  @Override
  public void saveMeta(Meta meta) throws IOException {
    storage.saveMeta(meta);
  }

  @Override
  public void sync() throws IOException {
    storage.sync();
  }

  @Override
  public void sync(Runnable beforeVisible) throws IOException {
    storage.sync(beforeVisible);
  }

  @Override
  public boolean syncCompletesLater() {
    return storage.syncCompletesLater();
  }

  @Override
  public void close() throws IOException {
    storage.close();
  }
}
