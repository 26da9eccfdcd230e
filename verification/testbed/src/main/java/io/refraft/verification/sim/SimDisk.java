package io.refraft.verification.sim;

import io.refraft.impl.storage.LogRecord;
import io.refraft.impl.storage.Meta;
import io.refraft.impl.storage.Recovered;
import io.refraft.impl.storage.SnapshotFile;
import io.refraft.impl.storage.SnapshotMeta;
import io.refraft.impl.storage.Storage;
import io.refraft.impl.storage.StoredSnapshot;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * One incarnation's view of a node's {@code MemoryStorage} (wrapped by a planted bug, if any) that
 * tells the simulation when the driver fsyncs ({@link #sync()}, {@link #truncateFrom}), so a slow disk can hold the node's turn
 * for the fsync's duration. On a slow disk a sync is only <em>issued</em> when the driver calls it:
 * the writes become durable when the simulation completes it ({@link #completeSync()}), and a crash
 * before that can lose them. It also tells the node's {@link SyncedState} what returned, and has it
 * check every recovered state. Everything else is the memory storage's, contract and crash
 * semantics included: a saved snapshot is durable at once, with everything written before it, and
 * the log is compacted in the same step (a crash leaves the state before the save or after it).
 *
 * <p>A leader ships its snapshot as a file ({@code Storage.snapshotFile}), so this view keeps the
 * newest durable snapshot and the one before it, as {@code FileStorage} does, and writes a kept one
 * in the snapshot file layout to the node's folder when asked for it.
 */
final class SimDisk implements Storage {
  private final Storage disk;
  private final BooleanSupplier slowSync;
  private final SyncedState synced;
  /** Where the files a leader ships are written; one folder per node. */
  private final Path folder;
  /** The newest durable snapshots, oldest first: at most two. */
  private final List<StoredSnapshot> kept = new ArrayList<>(2);
  private boolean syncPending;
  private boolean truncatedInTurn;

  /**
   * @param slowSync called on each fsync: true when it takes time (the simulation then completes it later)
   * @param synced   what the simulation knows the node synced, across incarnations: told of every write,
   *     sync and truncation that returned, and checks what {@link #load()} recovers
   * @param folder   where {@link #snapshotFile} writes the files a leader ships
   */
  SimDisk(Storage disk, BooleanSupplier slowSync, SyncedState synced, Path folder) {
    this.disk = disk;
    this.slowSync = slowSync;
    this.synced = synced;
    this.folder = folder;
  }

  @Override
  public Recovered load() throws IOException {
    Recovered r = disk.load();
    synced.recovered(r);
    r.snapshot().ifPresent(kept::add);
    try (var old = Files.list(folder)) { // an earlier incarnation's files: this one writes its own
      for (Path f : old.toList()) {
        Files.delete(f);
      }
    }
    return r;
  }

  /**
   * Durable at once like {@link #truncateFrom} (the memory storage syncs first, then compacts), and
   * like it on a slow disk: the node's turn waits for the fsync's duration, and a crash in that time
   * completes the turn's fsync first (the save returned, so it is on the disk). A crash inside the
   * save is a crash before the turn's step that took the snapshot: the state before it.
   */
  @Override
  public void saveSnapshot(SnapshotMeta meta, byte[] body) throws IOException {
    disk.saveSnapshot(meta, body);
    synced.savedSnapshot(meta);
    kept.add(new StoredSnapshot(meta, body, Optional.empty()));
    if (kept.size() > 2) {
      Files.deleteIfExists(file(kept.removeFirst().meta().index()));
    }
    truncatedInTurn = true;
    slowSync.getAsBoolean();
  }

  /** The file of a kept snapshot, written in the snapshot file layout the first time it is asked for. */
  @Override
  public Optional<Path> snapshotFile(long index) {
    for (StoredSnapshot s : kept) {
      if (s.meta().index() == index) {
        Path f = file(index);
        if (!Files.exists(f)) {
          write(f, s);
        }
        return Optional.of(f);
      }
    }
    return Optional.empty();
  }

  private Path file(long index) {
    return folder.resolve("snapshot-" + index);
  }

  private static void write(Path f, StoredSnapshot s) {
    try (OutputStream out = Files.newOutputStream(f)) {
      out.write(SnapshotFile.header(s.meta(), s.body()));
      out.write(s.body());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException("simulator error: cannot write " + f, e);
    }
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

  /**
   * Whether the turn whose sync is pending truncated the log or saved a snapshot (durable at once,
   * before its appends: the storage contract says so, and the trace validator holds it to that).
   */
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
