package io.refraft.impl.storage;

import static io.refraft.impl.storage.Records.range;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code beforeVisible} hook of {@link FileStorage#sync(Runnable)} and
 * {@link FileStorage#truncateFrom(long, Runnable)}: when it runs, the slow meta preparation is done
 * and no file a killed process would leave behind has changed yet.
 */
class FileStorageVisibilityTest {

  @TempDir
  Path dir;

  /** What a process killed now would leave: every file but the meta temporary file, with its size. */
  private Map<String, Long> visibleFiles() throws IOException {
    Map<String, Long> out = new TreeMap<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path p : files.toList()) {
        String name = p.getFileName().toString();
        if (!name.equals(MetaFile.TEMP_NAME) && !name.equals(FileStorage.LOCK_NAME)) {
          out.put(name, Files.size(p));
        }
      }
    }
    return out;
  }

  /** Runs in the hook: records that the files are as {@code before} and the temp meta holds {@code next}. */
  private Runnable expectNothingVisible(Map<String, Long> before, Meta old, Meta next, List<String> calls) {
    return () -> {
      try {
        calls.add("hook");
        assertEquals(before, visibleFiles(), "no file a kill -9 would leave may change before the hook");
        assertEquals(old, MetaFile.read(dir), "the meta rename is visible, so it comes after the hook");
        if (!next.equals(old)) {
          Path temp = dir.resolve(MetaFile.TEMP_NAME);
          assertEquals(next, MetaFile.decode(Files.readAllBytes(temp), temp),
              "the slow part, the temp file's write and fsync, is done before the hook");
        }
      } catch (IOException e) {
        throw new AssertionError(e);
      }
    };
  }

  @Test
  void when_a_sync_carries_meta_and_records_then_the_hook_runs_after_the_temp_meta_and_before_any_visible_write()
      throws IOException {
    List<String> calls = new ArrayList<>();
    try (FileStorage s = FileStorage.open(dir)) {
      s.load();
      s.saveMeta(new Meta(1, null));
      s.append(range(1, 3, 1, 100));
      s.sync();
      Map<String, Long> before = visibleFiles();
      s.saveMeta(new Meta(2, "n2"));
      s.append(range(4, 6, 2, 100));
      s.sync(expectNothingVisible(before, new Meta(1, null), new Meta(2, "n2"), calls));
      assertEquals(List.of("hook"), calls);
      assertEquals(new Meta(2, "n2"), MetaFile.read(dir));
      assertNotEquals(before, visibleFiles(), "the sync wrote the records");
    }
  }

  @Test
  void when_nothing_is_buffered_then_the_hook_still_runs_exactly_once() throws IOException {
    List<String> calls = new ArrayList<>();
    try (FileStorage s = FileStorage.open(dir)) {
      s.load();
      s.sync(() -> calls.add("sync"));
      s.truncateFrom(5, () -> calls.add("truncate past the end"));
      s.append(range(1, 2, 1, 10));
      s.truncateFrom(1, () -> calls.add("truncate"));
    }
    assertEquals(List.of("sync", "truncate past the end", "truncate"), calls);
  }

  @Test
  void when_appends_outgrow_the_buffer_and_fill_segments_then_no_file_changes_before_the_hook() throws IOException {
    FileStorage.Options options = FileStorage.Options.defaults().withSegmentBytes(512 << 10);
    List<LogRecord> records = range(1, 48, 1, 64 << 10); // 3 MiB: beyond the 1 MiB buffer, over 6 segments
    List<String> calls = new ArrayList<>();
    try (FileStorage s = FileStorage.open(dir, options)) {
      s.load();
      s.append(records.subList(0, 1));
      s.sync();
      Map<String, Long> before = visibleFiles();
      s.append(records.subList(1, 24));
      s.append(records.subList(24, 48));
      assertEquals(before, visibleFiles(), "an append writes nothing");
      s.sync(expectNothingVisible(before, Meta.INITIAL, Meta.INITIAL, calls));
      assertTrue(visibleFiles().size() > 5, "the records fill several segments: " + visibleFiles());
    }
    assertEquals(List.of("hook"), calls);
    try (FileStorage s = FileStorage.open(dir, options)) {
      assertEquals(records, s.load().records());
    }
  }

  @Test
  void when_truncating_then_the_hook_runs_before_any_segment_is_written_cut_or_deleted() throws IOException {
    FileStorage.Options options = FileStorage.Options.defaults().withSegmentBytes(256);
    List<String> calls = new ArrayList<>();
    try (FileStorage s = FileStorage.open(dir, options)) {
      s.load();
      s.saveMeta(new Meta(1, null));
      s.append(range(1, 10, 1, 40));
      s.sync();
      Map<String, Long> before = visibleFiles();
      s.append(range(11, 14, 1, 40));
      s.saveMeta(new Meta(3, null));
      s.truncateFrom(4, expectNothingVisible(before, new Meta(1, null), new Meta(3, null), calls));
      assertEquals(List.of("hook"), calls);
    }
    try (FileStorage s = FileStorage.open(dir, options)) {
      Recovered r = s.load();
      assertEquals(new Meta(3, null), r.meta());
      assertEquals(range(1, 3, 1, 40), r.records());
    }
  }
}
