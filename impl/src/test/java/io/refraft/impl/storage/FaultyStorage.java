package io.refraft.impl.storage;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@link FileStorage} with injected disk faults, for tests: a failing fsync, and crashes that
 * lose or tear what was not synced. Test code only (FileStorage keeps two package-private hooks
 * for it, which is why it lives in the same package).
 *
 * <p>How a crash is simulated: the real files are the disk. After each {@link #sync()},
 * {@link #truncateFrom} and {@link #load()} this wrapper records every segment's size and the
 * meta file's bytes; that is what is known to be durable. A crash closes the storage without
 * syncing and then rewrites the files to a state the contract allows after a power loss
 * (segments cut back or deleted, meta restored). It can only lose more than a real crash would
 * (data the OS had written back on its own), never keep less than was synced.
 */
public final class FaultyStorage implements Storage {

  private final Path dir;
  private final FileStorage delegate;
  private Map<Path, Long> syncedSizes = Map.of();
  private byte[] syncedMeta;
  private Map<Path, Long> beforeLastAppend;
  private Map<Path, Long> afterLastAppend;
  private boolean failNextSync;
  private boolean failed;
  private boolean crashed;

  private FaultyStorage(Path dir, FileStorage delegate) {
    this.dir = dir;
    this.delegate = delegate;
  }

  public static FaultyStorage open(Path dir, FileStorage.Options options) throws IOException {
    return new FaultyStorage(dir, FileStorage.open(dir, options));
  }

  @Override
  public Recovered load() throws IOException {
    Recovered r = delegate.load();
    recordDurableState();
    return r;
  }

  @Override
  public void append(List<LogRecord> records) throws IOException {
    requireUsable();
    Map<Path, Long> before = delegate.logicalSizes();
    delegate.append(records);
    beforeLastAppend = before;
    afterLastAppend = delegate.logicalSizes();
  }

  @Override
  public void truncateFrom(long index) throws IOException {
    truncateFrom(index, () -> { });
  }

  @Override
  public void truncateFrom(long index, Runnable beforeVisible) throws IOException {
    requireUsable();
    delegate.truncateFrom(index, beforeVisible);
    recordDurableState();
  }

  /** Durable when it returns (snapshot files are never rewritten by a simulated crash). */
  @Override
  public void saveSnapshot(SnapshotMeta meta, byte[] body) throws IOException {
    requireUsable();
    delegate.saveSnapshot(meta, body);
    recordDurableState();
  }

  @Override
  public void saveMeta(Meta meta) throws IOException {
    requireUsable();
    delegate.saveMeta(meta);
  }

  @Override
  public void sync() throws IOException {
    sync(() -> { });
  }

  @Override
  public void sync(Runnable beforeVisible) throws IOException {
    requireUsable();
    if (failNextSync) {
      failNextSync = false;
      failed = true;
      throw new IOException("injected fsync failure in " + dir);
    }
    delegate.sync(beforeVisible);
    recordDurableState();
  }

  @Override
  public void close() throws IOException {
    delegate.close();
  }

  /** The next {@link #sync()} throws without syncing, and the storage fails (see {@link Storage}). */
  public void failNextSync() {
    failNextSync = true;
  }

  /** Power loss: everything since the last sync is lost. Reopen the directory to recover. */
  public void crashLosingUnsynced() throws IOException {
    crashed = true;
    delegate.close();
    for (Path p : segmentFiles()) {
      Long synced = syncedSizes.get(p);
      if (synced == null) {
        Files.delete(p);
      } else if (Files.size(p) > synced) {
        truncate(p, synced);
      }
    }
    Files.deleteIfExists(dir.resolve(MetaFile.TEMP_NAME));
    if (syncedMeta == null) {
      Files.deleteIfExists(dir.resolve(MetaFile.NAME));
    } else {
      Files.write(dir.resolve(MetaFile.NAME), syncedMeta);
    }
  }

  /**
   * Power loss in the middle of a sync, after its writes reached the page cache and the OS wrote
   * back all of them except the end of the last append:
   * of the bytes that append put into its last segment file (the frames, plus the header if the
   * append created that file), only the first {@code keptBytes} reach the disk. Earlier segment
   * files it filled are written whole first, as a sync writes them, so they stay whole. With no append
   * since the last sync, nothing is torn. Reopen the directory to recover.
   *
   * @return how many bytes were torn off
   */
  public long crashTearingLastAppend(long keptBytes) throws IOException {
    if (keptBytes < 0) {
      throw new IllegalArgumentException("keptBytes must be >= 0, was " + keptBytes);
    }
    crashed = true;
    if (!failed) {
      delegate.writeBufferForCrashSimulation();
    }
    delegate.close();
    if (afterLastAppend == null || afterLastAppend.isEmpty()) {
      return 0;
    }
    Path last = null;
    for (Path p : afterLastAppend.keySet()) {
      last = p;
    }
    long start = beforeLastAppend.getOrDefault(last, 0L);
    long end = afterLastAppend.get(last);
    long keep = Math.min(end, start + keptBytes);
    if (Files.size(last) > keep) {
      truncate(last, keep);
    }
    return end - keep;
  }

  private void recordDurableState() throws IOException {
    Map<Path, Long> sizes = new HashMap<>();
    for (Path p : segmentFiles()) {
      sizes.put(p, Files.size(p));
    }
    syncedSizes = sizes;
    Path meta = dir.resolve(MetaFile.NAME);
    syncedMeta = Files.exists(meta) ? Files.readAllBytes(meta) : null;
    beforeLastAppend = null;
    afterLastAppend = null;
  }

  private List<Path> segmentFiles() throws IOException {
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "wal-*.log")) {
      List<Path> out = new ArrayList<>();
      files.forEach(out::add);
      return out;
    }
  }

  private static void truncate(Path p, long size) throws IOException {
    try (FileChannel ch = FileChannel.open(p, StandardOpenOption.WRITE)) {
      ch.truncate(size);
    }
  }

  private void requireUsable() throws IOException {
    if (crashed) {
      throw new IllegalStateException("crashed; reopen " + dir);
    }
    if (failed) {
      throw new IOException("storage in " + dir + " failed earlier (injected fsync failure); crash and reopen");
    }
  }
}
