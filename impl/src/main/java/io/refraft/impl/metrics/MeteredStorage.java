package io.refraft.impl.metrics;

import io.refraft.impl.storage.FileStorage;
import io.refraft.impl.storage.ForwardingStorage;
import io.refraft.impl.storage.LogRecord;
import io.refraft.impl.storage.Recovered;
import java.io.IOException;
import java.util.List;

/**
 * The write-ahead log as the driver uses it, counted: each {@code sync} and {@code truncateFrom} is one
 * group commit that ends in an fsync (of the segments written, the meta file when the term or vote
 * changed, the directory when files came or went), timed from the call to its return, with the
 * entries it made durable. Owned by the driver's thread like the storage it wraps; the bytes and
 * segments it reads from {@link FileStorage} are published through volatile fields for the scraper.
 */
final class MeteredStorage extends ForwardingStorage {
  private final FileStorage file;
  private final NodeMetrics.StorageCounters m;
  /** Entries appended since the last sync (driver's thread). */
  private long unsynced;
  private volatile long bytesWritten;
  private volatile int segments;

  MeteredStorage(FileStorage file, NodeMetrics.StorageCounters m) {
    super(file);
    this.file = file;
    this.m = m;
  }

  long bytesWritten() {
    return bytesWritten;
  }

  int segments() {
    return segments;
  }

  @Override
  public Recovered load() throws IOException {
    Recovered r = super.load();
    published();
    return r;
  }

  @Override
  public void append(List<LogRecord> records) throws IOException {
    super.append(records);
    unsynced += records.size();
  }

  @Override
  public void sync() throws IOException {
    long t0 = System.nanoTime();
    super.sync();
    synced(t0);
  }

  @Override
  public void sync(Runnable beforeVisible) throws IOException {
    long t0 = System.nanoTime();
    super.sync(beforeVisible);
    synced(t0);
  }

  @Override
  public void truncateFrom(long index) throws IOException {
    long t0 = System.nanoTime();
    super.truncateFrom(index);
    synced(t0);
  }

  @Override
  public void truncateFrom(long index, Runnable beforeVisible) throws IOException {
    long t0 = System.nanoTime();
    super.truncateFrom(index, beforeVisible);
    synced(t0);
  }

  private void synced(long startNanos) {
    m.fsyncSeconds().observe(System.nanoTime() - startNanos);
    m.fsyncs().increment();
    m.entriesPerFsync().observe(unsynced);
    m.entries().add(unsynced);
    unsynced = 0;
    published();
  }

  private void published() {
    bytesWritten = file.bytesWritten();
    segments = file.segmentCount();
  }
}
