package io.refraft.impl.storage;

import static io.refraft.impl.storage.Records.range;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Snapshots in a {@link FileStorage}: atomic files, retention, compaction, recovery and repair. */
class FileStorageSnapshotTest {

  @TempDir
  Path dir;

  /** About 8 records of 10 bytes per segment. */
  static final FileStorage.Options SMALL = FileStorage.Options.defaults().withSegmentBytes(256);

  static byte[] body(long index) {
    return Records.record(index, 0, 100).payload();
  }

  private Recovered reopen(FileStorage.Options options) throws IOException {
    try (FileStorage s = FileStorage.open(dir, options)) {
      return s.load();
    }
  }

  static List<String> names(Path dir, String prefix) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(prefix)).sorted().toList();
    }
  }

  /** Log 1..40 (term 1 up to 20, term 2 after), meta term 2, synced. */
  static FileStorage withLog(Path dir) throws IOException {
    FileStorage s = FileStorage.open(dir, SMALL);
    s.load();
    s.saveMeta(new Meta(2, "n1"));
    s.append(range(1, 20, 1, 10));
    s.append(range(21, 40, 2, 10));
    s.sync();
    return s;
  }

  @Test
  void when_a_snapshot_is_saved_then_segments_it_covers_are_deleted_and_load_returns_it_with_the_records_after() throws IOException {
    try (FileStorage s = withLog(dir)) {
      int before = s.segmentCount();
      s.saveSnapshot(new SnapshotMeta(25, 2, 99), body(25));
      assertTrue(s.segmentCount() < before, before + " segments, then " + s.segmentCount());
      assertEquals(Optional.of(dir.resolve(SnapshotFile.name(25))), s.snapshotFile());
      s.append(range(41, 42, 3, 10));
      s.sync();
    }
    Recovered r = reopen(SMALL);
    assertEquals(new SnapshotMeta(25, 2, 99), r.snapshot().orElseThrow().meta());
    assertArrayEquals(body(25), r.snapshot().orElseThrow().body());
    List<LogRecord> expected = new ArrayList<>(range(26, 40, 2, 10));
    expected.addAll(range(41, 42, 3, 10));
    assertEquals(expected, r.records());
    assertEquals(new Meta(2, "n1"), r.meta());
    assertTrue(names(dir, "wal-").getFirst().compareTo(WalFormat.segmentName(26)) <= 0, names(dir, "wal-").toString());
    assertEquals(names(dir, "wal-"), reopenNames(), "a second load deletes nothing more");
  }

  private List<String> reopenNames() throws IOException {
    reopen(SMALL);
    return names(dir, "wal-");
  }

  @Test
  void when_snapshots_follow_each_other_then_the_newest_and_one_older_are_kept() throws IOException {
    try (FileStorage s = withLog(dir)) {
      for (long i : new long[] {5, 10, 15, 20}) {
        s.saveSnapshot(new SnapshotMeta(i, 1, i), body(i));
      }
      assertThrows(IllegalArgumentException.class, () -> s.saveSnapshot(new SnapshotMeta(20, 1, 0), body(20)),
          "not newer than the current one");
    }
    assertEquals(List.of(SnapshotFile.name(15), SnapshotFile.name(20)), names(dir, "snap-"));
    assertEquals(20, reopen(SMALL).snapshotIndex());
  }

  @Test
  void when_the_log_does_not_hold_the_snapshots_entry_then_it_is_replaced_and_appends_start_after_the_snapshot() throws IOException {
    try (FileStorage s = withLog(dir)) {
      s.saveSnapshot(new SnapshotMeta(30, 1, 7), body(30)); // the log has term 2 at 30: a leader's other history
      assertEquals(0, s.segmentCount());
      assertThrows(IllegalArgumentException.class, () -> s.append(range(32, 32, 2, 10)));
      assertThrows(IllegalArgumentException.class, () -> s.truncateFrom(30), "below the snapshot");
      s.append(range(31, 33, 1, 10));
      s.sync();
    }
    Recovered r = reopen(SMALL);
    assertEquals(30, r.snapshotIndex());
    assertEquals(range(31, 33, 1, 10), r.records());
  }

  @Test
  void when_an_installed_snapshot_is_beyond_the_log_then_the_log_is_dropped() throws IOException {
    try (FileStorage s = withLog(dir)) {
      s.saveSnapshot(new SnapshotMeta(100, 2, 7), body(100));
      assertEquals(0, s.segmentCount());
    }
    Recovered r = reopen(SMALL);
    assertEquals(List.of(), r.records());
    assertEquals(100, r.lastIndex());
    assertEquals(101, r.firstIndex());
  }

  @Test
  void when_a_saved_term_precedes_the_snapshot_then_both_are_durable_in_that_order() throws IOException {
    try (FileStorage s = withLog(dir)) {
      s.saveMeta(new Meta(5, null)); // a leader of term 5 installs its snapshot: the term is written first
      s.saveSnapshot(new SnapshotMeta(50, 5, 7), body(50));
    }
    Recovered r = reopen(SMALL);
    assertEquals(new Meta(5, null), r.meta());
    assertEquals(50, r.snapshotIndex());
  }

  @Test
  void when_the_snapshot_is_corrupt_then_load_names_the_file_and_offset_and_changes_nothing() throws IOException {
    try (FileStorage s = withLog(dir)) {
      s.saveSnapshot(new SnapshotMeta(25, 2, 7), body(25));
    }
    Path file = dir.resolve(SnapshotFile.name(25));
    byte[] bytes = Files.readAllBytes(file);
    bytes[SnapshotFile.HEADER_BYTES + 10] ^= 1;
    Files.write(file, bytes);
    List<String> before = names(dir, "");
    StorageCorruptException e = assertThrows(StorageCorruptException.class, () -> reopen(SMALL));
    assertEquals(file, e.file());
    assertEquals(SnapshotFile.HEADER_BYTES, e.offset());
    assertTrue(e.getMessage().contains(file.toString()) && e.getMessage().contains("--repair"), e.getMessage());
    assertEquals(before, names(dir, ""), "nothing renamed or deleted without repair");
  }

  @Test
  void when_the_snapshot_is_corrupt_under_repair_then_it_is_set_aside_and_the_log_it_leaves_unconnected_is_dropped() throws IOException {
    try (FileStorage s = withLog(dir)) {
      s.saveSnapshot(new SnapshotMeta(10, 1, 1), body(10));
      s.saveSnapshot(new SnapshotMeta(25, 2, 2), body(25));
    }
    Path file = dir.resolve(SnapshotFile.name(25));
    Files.write(file, new byte[] {1, 2, 3});
    Recovered r = reopen(SMALL.withRepair(true));
    assertTrue(Files.exists(dir.resolve(SnapshotFile.name(25) + ".corrupt")), "set aside, not deleted");
    assertFalse(Files.exists(file));
    assertEquals(10, r.snapshotIndex(), "the older snapshot is used");
    assertEquals(List.of(), r.records(), "records from 26 on do not connect to index 10: dropped");
    Files.write(dir.resolve(SnapshotFile.name(10)), new byte[0]);
    Recovered none = reopen(SMALL.withRepair(true));
    assertEquals(Optional.empty(), none.snapshot());
    assertTrue(Files.exists(dir.resolve(SnapshotFile.name(10) + ".corrupt")));
  }

  @Test
  void when_the_snapshots_term_is_above_the_saved_term_then_load_refuses_it() throws IOException {
    try (FileStorage s = withLog(dir)) {
      s.saveSnapshot(new SnapshotMeta(25, 2, 7), body(25));
    }
    Files.write(dir.resolve(MetaFile.NAME), MetaFile.encode(new Meta(1, null)));
    StorageCorruptException e = assertThrows(StorageCorruptException.class, () -> reopen(SMALL));
    assertTrue(e.getMessage().contains("above the saved current term 1"), e.getMessage());
  }

  @Test
  void when_the_log_leaves_a_hole_after_the_snapshot_then_load_refuses_it_unless_repair() throws IOException {
    try (FileStorage s = withLog(dir)) {
      s.saveSnapshot(new SnapshotMeta(10, 1, 7), body(10));
    }
    List<String> segments = names(dir, "wal-");
    Files.delete(dir.resolve(segments.getFirst())); // the segment holding 11 is gone
    StorageCorruptException e = assertThrows(StorageCorruptException.class, () -> reopen(SMALL));
    assertEquals(dir.resolve(segments.get(1)), e.file());
    assertTrue(e.getMessage().contains("hole"), e.getMessage());
    Recovered repaired = reopen(SMALL.withRepair(true));
    assertEquals(10, repaired.snapshotIndex());
    assertEquals(List.of(), repaired.records());
    assertEquals(List.of(), names(dir, "wal-"));
  }

  @Test
  void when_a_snapshot_write_was_left_unfinished_then_load_deletes_the_temporary_file() throws IOException {
    try (FileStorage s = withLog(dir)) {
      s.saveSnapshot(new SnapshotMeta(10, 1, 7), body(10));
    }
    SnapshotFile.writeTemp(dir, new SnapshotMeta(20, 1, 8), body(20));
    assertEquals(2, names(dir, "snap-").size());
    Recovered r = reopen(SMALL);
    assertEquals(10, r.snapshotIndex());
    assertEquals(List.of(SnapshotFile.name(10)), names(dir, "snap-"));
  }
}
