package io.refraft.impl.storage;

import static io.refraft.impl.storage.Records.range;
import static io.refraft.impl.storage.Records.record;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileStorageTest {

  @TempDir
  Path dir;

  private static final FileStorage.Options SMALL = FileStorage.Options.defaults().withSegmentBytes(256);

  private Recovered reopen(FileStorage.Options options) throws IOException {
    try (FileStorage s = FileStorage.open(dir, options)) {
      return s.load();
    }
  }

  private List<String> segmentNames() throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("wal-")).sorted().toList();
    }
  }

  @Test
  void when_new_directory_then_load_is_empty_with_initial_meta() throws IOException {
    Recovered r = reopen(FileStorage.Options.defaults());
    assertEquals(Meta.INITIAL, r.meta());
    assertEquals(List.of(), r.records());
    assertEquals(0, r.lastIndex());
  }

  @Test
  void when_synced_then_records_and_meta_survive_reopen() throws IOException {
    List<LogRecord> records = new ArrayList<>(range(1, 5, 1, 10));
    records.addAll(range(6, 9, 3, 1000));
    try (FileStorage s = FileStorage.open(dir)) {
      s.load();
      s.saveMeta(new Meta(3, "n2"));
      s.append(records.subList(0, 5));
      s.append(records.subList(5, 9));
      s.sync();
    }
    Recovered r = reopen(FileStorage.Options.defaults());
    assertEquals(new Meta(3, "n2"), r.meta());
    assertEquals(records, r.records());
    assertEquals(1, r.firstIndex());
    assertEquals(9, r.lastIndex());
  }

  @Test
  void when_segments_fill_then_log_rolls_and_reads_back_across_them() throws IOException {
    List<LogRecord> records = range(1, 100, 2, 50); // 74-byte frames: 3 per 256-byte segment
    try (FileStorage s = FileStorage.open(dir, SMALL)) {
      s.load();
      for (int i = 0; i < 100; i += 7) {
        s.append(records.subList(i, Math.min(100, i + 7)));
      }
      s.sync();
    }
    List<String> names = segmentNames();
    assertEquals(34, names.size());
    assertEquals(WalFormat.segmentName(1), names.get(0));
    assertEquals(WalFormat.segmentName(4), names.get(1));
    assertEquals(records, reopen(SMALL).records());
  }

  @Test
  void when_record_exceeds_segment_size_then_it_gets_a_segment_of_its_own() throws IOException {
    List<LogRecord> records = List.of(record(1, 1, 10), record(2, 1, 1000), record(3, 1, 10));
    try (FileStorage s = FileStorage.open(dir, SMALL)) {
      s.load();
      s.append(records);
      s.sync();
    }
    assertEquals(List.of(WalFormat.segmentName(1), WalFormat.segmentName(2), WalFormat.segmentName(3)), segmentNames());
    assertEquals(records, reopen(SMALL).records());
  }

  @Test
  void when_truncating_across_segments_then_later_segments_are_deleted_and_the_log_continues() throws IOException {
    List<LogRecord> records = range(1, 100, 1, 50);
    try (FileStorage s = FileStorage.open(dir, SMALL)) {
      s.load();
      s.append(records);
      s.sync();
      s.truncateFrom(38); // segment 37..39 keeps 37
      assertEquals(WalFormat.segmentName(37), segmentNames().getLast());
      s.append(range(38, 45, 2, 50));
      s.sync();
    }
    List<LogRecord> expected = new ArrayList<>(records.subList(0, 37));
    expected.addAll(range(38, 45, 2, 50));
    assertEquals(expected, reopen(SMALL).records());
  }

  @Test
  void when_truncating_at_a_segment_base_then_that_segment_is_deleted() throws IOException {
    try (FileStorage s = FileStorage.open(dir, SMALL)) {
      s.load();
      s.append(range(1, 30, 1, 50));
      s.sync();
      s.truncateFrom(28);
    }
    assertEquals(WalFormat.segmentName(25), segmentNames().getLast());
    assertEquals(range(1, 27, 1, 50), reopen(SMALL).records());
  }

  @Test
  void when_truncating_everything_then_the_log_may_restart_at_any_index() throws IOException {
    try (FileStorage s = FileStorage.open(dir, SMALL)) {
      s.load();
      s.append(range(5, 20, 1, 50));
      s.sync();
      s.truncateFrom(1);
      assertEquals(List.of(), segmentNames());
      s.append(range(3, 4, 2, 8));
      s.sync();
    }
    assertEquals(range(3, 4, 2, 8), reopen(SMALL).records());
  }

  @Test
  void when_truncating_past_the_end_then_nothing_changes() throws IOException {
    try (FileStorage s = FileStorage.open(dir, SMALL)) {
      s.load();
      s.append(range(1, 5, 1, 50));
      s.truncateFrom(6);
    }
    assertEquals(range(1, 5, 1, 50), reopen(SMALL).records(), "truncateFrom also synced the earlier append");
  }

  @Test
  void when_append_breaks_continuity_or_term_order_then_it_is_rejected_and_nothing_changes() throws IOException {
    try (FileStorage s = FileStorage.open(dir)) {
      s.load();
      s.append(range(1, 3, 2, 10));
      IllegalArgumentException gap = assertThrows(IllegalArgumentException.class, () -> s.append(range(5, 6, 2, 10)));
      assertTrue(gap.getMessage().contains("index 4"), gap.getMessage());
      assertThrows(IllegalArgumentException.class, () -> s.append(List.of(record(4, 2, 1), record(5, 1, 1))));
      s.append(range(4, 4, 2, 10));
      s.sync();
    }
    assertEquals(range(1, 4, 2, 10), reopen(FileStorage.Options.defaults()).records());
  }

  @Test
  void when_data_directory_is_a_file_then_open_names_the_path() throws IOException {
    Path file = Files.writeString(dir.resolve("plain"), "x");
    FileSystemException e = assertThrows(FileSystemException.class, () -> FileStorage.open(file));
    assertTrue(e.getMessage().contains(file.toString()) && e.getMessage().contains("not a directory"), e.getMessage());
    FileSystemException below = assertThrows(FileSystemException.class, () -> FileStorage.open(file.resolve("data")));
    assertTrue(below.getMessage().contains(file.resolve("data").toString()), below.getMessage());
  }

  @Test
  void when_directory_is_already_open_then_a_second_open_is_refused() throws IOException {
    try (FileStorage s = FileStorage.open(dir)) {
      FileSystemException e = assertThrows(FileSystemException.class, () -> FileStorage.open(s.directory()));
      assertTrue(e.getMessage().contains(dir.toString()), e.getMessage());
    }
    FileStorage.open(dir).close(); // the lock is released on close
  }

  @Test
  void when_not_loaded_or_loaded_twice_then_calls_are_refused() throws IOException {
    try (FileStorage s = FileStorage.open(dir)) {
      assertThrows(IllegalStateException.class, () -> s.append(range(1, 1, 1, 1)));
      s.load();
      assertThrows(IllegalStateException.class, s::load);
    }
  }

  @Test
  void when_meta_is_saved_repeatedly_then_the_last_synced_value_wins_and_no_temp_file_remains() throws IOException {
    try (FileStorage s = FileStorage.open(dir)) {
      s.load();
      for (int t = 1; t <= 5; t++) {
        s.saveMeta(new Meta(t, t % 2 == 0 ? null : "node-" + t));
        s.sync();
      }
      s.saveMeta(new Meta(9, "unsynced"));
    }
    assertEquals(new Meta(5, "node-5"), reopen(FileStorage.Options.defaults()).meta());
    assertFalse(Files.exists(dir.resolve(MetaFile.TEMP_NAME)));
  }

  @Test
  void when_a_replacement_was_interrupted_then_the_old_meta_is_kept_and_the_temp_file_removed() throws IOException {
    try (FileStorage s = FileStorage.open(dir)) {
      s.load();
      s.saveMeta(new Meta(4, "a"));
      s.sync();
    }
    Files.write(dir.resolve(MetaFile.TEMP_NAME), new byte[] {1, 2, 3}); // crash between write and rename
    assertEquals(new Meta(4, "a"), reopen(FileStorage.Options.defaults()).meta());
    assertFalse(Files.exists(dir.resolve(MetaFile.TEMP_NAME)));
  }

  @Test
  void when_meta_file_is_corrupt_then_load_fails_naming_it() throws IOException {
    try (FileStorage s = FileStorage.open(dir)) {
      s.load();
      s.saveMeta(new Meta(4, "a"));
      s.sync();
    }
    Path meta = dir.resolve(MetaFile.NAME);
    byte[] bytes = Files.readAllBytes(meta);
    bytes[10] ^= 1;
    Files.write(meta, bytes);
    StorageCorruptException e = assertThrows(StorageCorruptException.class,
        () -> reopen(FileStorage.Options.defaults().withRepair(true)));
    assertTrue(e.getMessage().contains(meta.toString()) && e.getMessage().contains("CRC32C"), e.getMessage());
  }

  @Test
  void meta_encoding_round_trips() throws IOException {
    for (Meta m : List.of(Meta.INITIAL, new Meta(Long.MAX_VALUE, "ü-node"), new Meta(7, "x".repeat(1024)))) {
      assertEquals(m, MetaFile.decode(MetaFile.encode(m), dir));
    }
  }
}
