package io.refraft.impl.storage;

import static io.refraft.impl.storage.Records.range;
import static io.refraft.impl.storage.Records.record;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FaultyStorageTest {

  @TempDir
  Path dir;

  private static final FileStorage.Options SMALL = FileStorage.Options.defaults().withSegmentBytes(256);

  private FaultyStorage openLoaded() throws IOException {
    FaultyStorage s = FaultyStorage.open(dir, SMALL);
    s.load();
    return s;
  }

  private Recovered reopen() throws IOException {
    try (FileStorage s = FileStorage.open(dir, SMALL)) {
      return s.load();
    }
  }

  @Test
  void when_crashing_then_unsynced_records_and_meta_are_lost_and_synced_ones_kept() throws IOException {
    FaultyStorage s = openLoaded();
    s.saveMeta(new Meta(1, "a"));
    s.append(range(1, 5, 1, 50));
    s.sync();
    s.saveMeta(new Meta(2, "b"));
    s.append(range(6, 20, 2, 50)); // rolls into several new segments, never synced
    s.crashLosingUnsynced();
    Recovered r = reopen();
    assertEquals(range(1, 5, 1, 50), r.records());
    assertEquals(new Meta(1, "a"), r.meta());
  }

  @Test
  void when_truncation_returned_then_it_survives_a_crash() throws IOException {
    FaultyStorage s = openLoaded();
    s.append(range(1, 10, 1, 50));
    s.truncateFrom(5); // durable without sync, and so are records 1..4
    s.append(range(5, 6, 2, 50));
    s.crashLosingUnsynced();
    assertEquals(range(1, 4, 1, 50), reopen().records());
  }

  @Test
  void when_fsync_fails_then_the_storage_refuses_further_use_and_recovery_sees_the_last_sync() throws IOException {
    FaultyStorage s = openLoaded();
    s.append(range(1, 3, 1, 50));
    s.sync();
    s.append(range(4, 6, 1, 50));
    s.failNextSync();
    IOException e = assertThrows(IOException.class, s::sync);
    assertTrue(e.getMessage().contains("injected"), e.getMessage());
    assertThrows(IOException.class, () -> s.append(range(7, 7, 1, 50)));
    s.crashLosingUnsynced();
    assertEquals(range(1, 3, 1, 50), reopen().records());
  }

  @Test
  void when_the_last_append_is_torn_then_exactly_its_complete_records_survive() throws IOException {
    LogRecord last = record(4, 1, 40); // 64-byte frame into a 256-byte segment holding 1..3 (16 + 3 * 34)
    int frame = WalFormat.frameBytes(last);
    for (int kept = 0; kept <= frame; kept++) {
      Path d = dir.resolve("k" + kept);
      FaultyStorage s = FaultyStorage.open(d, SMALL);
      s.load();
      s.append(range(1, 3, 1, 10));
      s.sync();
      s.append(List.of(last));
      assertEquals(frame - kept, s.crashTearingLastAppend(kept));
      try (FileStorage f = FileStorage.open(d, SMALL)) {
        List<LogRecord> expected = new ArrayList<>(range(1, 3, 1, 10));
        if (kept == frame) {
          expected.add(last);
        }
        assertEquals(expected, f.load().records(), "kept " + kept);
      }
    }
  }

  @Test
  void when_unsynced_writes_reach_the_disk_then_a_newer_term_is_durable_before_its_entries() throws IOException {
    FaultyStorage s = openLoaded();
    s.saveMeta(new Meta(1, null));
    s.append(range(1, 2, 1, 50));
    s.sync();
    s.saveMeta(new Meta(5, "x"));
    s.append(range(3, 12, 5, 50)); // fills segments, all written back by the simulated crash but the last's tail
    s.crashTearingLastAppend(0);
    Recovered r = reopen();
    assertTrue(r.lastIndex() > 2, "the test needs entries of term 5 on disk, got " + r.lastIndex());
    assertEquals(new Meta(5, "x"), r.meta(), "entries of term 5 on disk imply term 5 is durable");
  }
}
