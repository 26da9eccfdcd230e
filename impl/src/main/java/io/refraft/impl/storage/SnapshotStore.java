package io.refraft.impl.storage;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The snapshot files of a data directory ({@link SnapshotFile}): written atomically, the newest and
 * at most one older kept (a leader may still be streaming the older one to a follower when the next
 * is taken), the rest deleted once a newer one is durable. Owned by {@link FileStorage}'s thread.
 */
final class SnapshotStore {

  private static final Logger LOG = LoggerFactory.getLogger(SnapshotStore.class);
  /** Snapshots kept: the newest and one older. */
  static final int KEEP = 2;
  static final String SET_ASIDE_SUFFIX = ".corrupt";

  private final Path dir;
  private final boolean repair;
  private boolean setAside;

  SnapshotStore(Path dir, boolean repair) {
    this.dir = dir;
    this.repair = repair;
  }

  /**
   * Deletes leftover temporary files (writes that never finished; the snapshots before them are
   * intact) and reads the newest snapshot, verified. A corrupt newest snapshot stops the load, unless
   * repair is on: then it is renamed aside (never deleted) and the next older one is tried.
   *
   * @throws StorageCorruptException naming the file and byte offset, without repair
   */
  Optional<StoredSnapshot> load() throws IOException {
    TreeMap<Long, Path> files = list(true);
    for (Path file : files.descendingMap().values()) {
      try {
        return Optional.of(SnapshotFile.read(file));
      } catch (StorageCorruptException e) {
        if (!repair) {
          throw new StorageCorruptException(e.file(), e.offset(), e.getMessage() + ". Its checksum protects "
              + "it and it is replaced only by renaming a verified file, so a crash cannot explain this. Refusing "
              + "to start; rerun with --repair to set it aside (renamed, not deleted) and start without it: "
              + "the node then fetches a fresh snapshot from the leader.");
        }
        Path aside = setAside(file);
        LOG.warn("repair: {}; set aside as {} (not deleted); starting without it, so this node fetches a fresh "
            + "snapshot from the leader", e.getMessage(), aside);
      }
    }
    return Optional.empty();
  }

  /** Whether {@link #load()} set a corrupt snapshot aside. */
  boolean setAsideAny() {
    return setAside;
  }

  /** Writes a snapshot atomically (temporary file, fsync, rename, directory fsync); returns its file. */
  Path save(SnapshotMeta meta, byte[] body) throws IOException {
    Path temp = SnapshotFile.writeTemp(dir, meta, body);
    return SnapshotFile.publish(temp, dir, meta.index());
  }

  /** Deletes every snapshot but the newest {@link #KEEP}; the directory is fsynced when one was deleted. */
  void prune() throws IOException {
    List<Path> all = new ArrayList<>(list(false).descendingMap().values());
    boolean deleted = false;
    for (Path old : all.subList(Math.min(KEEP, all.size()), all.size())) {
      deleted |= Files.deleteIfExists(old);
    }
    if (deleted) {
      MetaFile.syncDirectory(dir);
    }
  }

  /** Snapshot files by index; {@code cleanTemps} deletes leftover temporary files on the way. */
  private TreeMap<Long, Path> list(boolean cleanTemps) throws IOException {
    TreeMap<Long, Path> byIndex = new TreeMap<>();
    boolean deleted = false;
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "snap-*")) {
      for (Path p : files) {
        String name = p.getFileName().toString();
        Optional<Long> index = SnapshotFile.parseName(name);
        if (index.isPresent()) {
          byIndex.put(index.get(), p);
        } else if (cleanTemps && name.endsWith(SnapshotFile.TEMP_SUFFIX)) {
          LOG.info("deleting {}: a snapshot write that never finished", p);
          deleted |= Files.deleteIfExists(p);
        }
      }
    }
    if (deleted) {
      MetaFile.syncDirectory(dir);
    }
    return byIndex;
  }

  private Path setAside(Path file) throws IOException {
    Path aside = file.resolveSibling(file.getFileName() + SET_ASIDE_SUFFIX);
    for (int n = 2; Files.exists(aside); n++) {
      aside = file.resolveSibling(file.getFileName() + SET_ASIDE_SUFFIX + "-" + n);
    }
    Files.move(file, aside, StandardCopyOption.ATOMIC_MOVE);
    MetaFile.syncDirectory(dir);
    setAside = true;
    return aside;
  }
}
