package io.refraft.impl.storage;

import static io.refraft.impl.storage.FileStorageSnapshotTest.SMALL;
import static io.refraft.impl.storage.FileStorageSnapshotTest.body;
import static io.refraft.impl.storage.Records.range;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A crash at every point of {@link FileStorage#saveSnapshot} where the files differ: the data
 * directory is copied as it is at each point (real files, every step fsynced, so a copy is what a
 * kill -9 or a power loss right after that step leaves), and each copy must load as either the state
 * before the snapshot or the snapshot with the records after it that continue it, and stay usable.
 */
class SnapshotCrashTest {

  @TempDir
  Path tmp;

  /** Runs {@code save} on a log 1..40 (snapshot at 10 first when {@code older}), copying the directory at each crash point. */
  private List<Path> crashCopies(Path dir, SnapshotMeta snapshot, boolean older) throws IOException {
    List<Path> copies = new ArrayList<>();
    try (FileStorage s = FileStorageSnapshotTest.withLog(dir)) {
      if (older) {
        s.saveSnapshot(new SnapshotMeta(5, 1, 5), body(5));
        s.saveSnapshot(new SnapshotMeta(10, 1, 10), body(10));
      }
      copies.add(copy(dir, "before"));
      s.crashPoints(what -> {
        copies.add(copy(dir, copies.size() + " " + what));
        if (what.startsWith("snapshot written")) {
          Path torn = copy(dir, copies.size() + " torn temp file");
          try (Stream<Path> files = Files.list(torn)) {
            Path temp = files.filter(p -> p.toString().endsWith(".tmp")).findFirst().orElseThrow();
            Files.write(temp, java.util.Arrays.copyOf(Files.readAllBytes(temp), 30));
          }
          copies.add(torn);
        }
      });
      s.saveSnapshot(snapshot, body(snapshot.index()));
    }
    copies.add(copy(dir, "after"));
    return copies;
  }

  private Path copy(Path dir, String name) throws IOException {
    Path to = tmp.resolve("crash").resolve(name.replaceAll("[^A-Za-z0-9.-]", "_"));
    Files.createDirectories(to);
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : files.toList()) {
        Files.copy(f, to.resolve(f.getFileName()), StandardCopyOption.COPY_ATTRIBUTES);
      }
    }
    return to;
  }

  /** Loads {@code copy}: the old state (log 1..40 after {@code oldSnapshot}) or the new one; then appends and loads again. */
  private void check(Path copy, SnapshotMeta snapshot, long oldSnapshot, List<LogRecord> after) throws IOException {
    List<LogRecord> full = new ArrayList<>(range(1, 20, 1, 10));
    full.addAll(range(21, 40, 2, 10));
    Recovered r;
    try (FileStorage s = FileStorage.open(copy, SMALL)) {
      r = s.load();
      if (r.snapshotIndex() == snapshot.index()) {
        assertEquals(snapshot, r.snapshot().orElseThrow().meta(), copy.toString());
        assertArrayEquals(body(snapshot.index()), r.snapshot().orElseThrow().body());
        assertEquals(after, r.records(), copy + ": the records that continue the snapshot");
      } else {
        assertEquals(oldSnapshot, r.snapshotIndex(), copy + ": the snapshot before");
        assertEquals(full.subList((int) oldSnapshot, full.size()), r.records(), copy + ": the log before");
      }
      assertEquals(new Meta(2, "n1"), r.meta());
      s.append(List.of(Records.record(r.lastIndex() + 1, 3, 10)));
      s.sync();
    }
    try (FileStorage s = FileStorage.open(copy, SMALL)) {
      Recovered again = s.load();
      assertEquals(r.snapshot().map(StoredSnapshot::meta), again.snapshot().map(StoredSnapshot::meta));
      assertEquals(r.lastIndex() + 1, again.lastIndex(), copy + ": usable after recovery");
      try (Stream<Path> files = Files.list(copy)) {
        assertTrue(files.noneMatch(p -> p.toString().endsWith(".tmp")), copy + ": temporary files deleted");
      }
    }
  }

  private void crashEverywhere(String name, SnapshotMeta snapshot, boolean older, List<LogRecord> after) throws IOException {
    List<Path> copies = crashCopies(tmp.resolve(name), snapshot, older);
    assertTrue(copies.size() >= 5, copies.toString());
    for (Path copy : copies) {
      check(copy, snapshot, older ? 10 : 0, after);
    }
  }

  @Test
  void when_a_snapshot_the_log_continues_is_interrupted_anywhere_then_recovery_is_old_or_new() throws IOException {
    crashEverywhere("continues", new SnapshotMeta(27, 2, 1), false, range(28, 40, 2, 10));
  }

  @Test
  void when_a_later_snapshot_replaces_older_ones_and_is_interrupted_anywhere_then_recovery_is_old_or_new() throws IOException {
    crashEverywhere("older", new SnapshotMeta(33, 2, 1), true, range(34, 40, 2, 10));
  }

  @Test
  void when_a_snapshot_that_replaces_the_log_is_interrupted_anywhere_then_recovery_never_mixes_them() throws IOException {
    crashEverywhere("replaces", new SnapshotMeta(30, 1, 1), false, List.of());
  }

  @Test
  void when_a_snapshot_beyond_the_log_is_interrupted_anywhere_then_recovery_is_old_or_new() throws IOException {
    crashEverywhere("beyond", new SnapshotMeta(70, 2, 1), true, List.of());
  }

  @Test
  void when_the_snapshot_is_at_the_last_index_then_every_segment_goes_and_appends_continue() throws IOException {
    crashEverywhere("last", new SnapshotMeta(40, 2, 1), false, List.of());
  }
}
