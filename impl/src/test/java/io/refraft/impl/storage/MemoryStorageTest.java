package io.refraft.impl.storage;

import static io.refraft.impl.storage.Records.range;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import org.junit.jupiter.api.Test;

class MemoryStorageTest {

  @Test
  void when_crashing_then_only_synced_state_is_recovered() throws IOException {
    MemoryStorage s = new MemoryStorage();
    s.load();
    s.saveMeta(new Meta(2, "a"));
    s.append(range(1, 4, 2, 8));
    s.sync();
    s.saveMeta(new Meta(3, "b"));
    s.append(range(5, 9, 3, 8));
    s.crash();
    Recovered r = s.load();
    assertEquals(new Meta(2, "a"), r.meta());
    assertEquals(range(1, 4, 2, 8), r.records());
    s.append(range(5, 5, 4, 8)); // the log continues after the durable prefix
    s.sync();
    s.crash();
    java.util.List<LogRecord> expected = new java.util.ArrayList<>(range(1, 4, 2, 8));
    expected.addAll(range(5, 5, 4, 8));
    assertEquals(expected, s.load().records());
  }

  @Test
  void when_power_fails_inside_a_sync_then_the_meta_and_a_prefix_of_the_records_survive() throws IOException {
    MemoryStorage s = new MemoryStorage();
    s.load();
    s.append(range(1, 2, 1, 8));
    s.sync(); // then a turn that adopts term 3 and appends four entries, torn by a power loss
    s.saveMeta(new Meta(3, null));
    s.append(range(3, 6, 3, 8));
    assertEquals(4, s.unsyncedRecords());
    assertThrows(IllegalArgumentException.class, () -> s.crashTearing(4), "all of them is a completed sync");
    s.crashTearing(1);
    Recovered r = s.load();
    assertEquals(new Meta(3, null), r.meta());
    java.util.List<LogRecord> expected = new java.util.ArrayList<>(range(1, 2, 1, 8));
    expected.addAll(range(3, 3, 3, 8)); // the first of the four unsynced records
    assertEquals(expected, r.records());
    assertEquals(0, s.unsyncedRecords());
  }

  @Test
  void when_truncating_then_it_is_durable_at_once() throws IOException {
    MemoryStorage s = new MemoryStorage();
    s.load();
    s.append(range(3, 10, 1, 8));
    s.truncateFrom(6);
    s.crash();
    assertEquals(range(3, 5, 1, 8), s.load().records());
    s.truncateFrom(1);
    s.crash();
    assertEquals(0, s.load().lastIndex());
  }

  @Test
  void when_fsync_fails_then_calls_throw_until_crash_and_load() throws IOException {
    MemoryStorage s = new MemoryStorage();
    s.load();
    s.append(range(1, 2, 1, 8));
    s.failNextSync();
    assertThrows(IOException.class, s::sync);
    assertThrows(IOException.class, () -> s.append(range(3, 3, 1, 8)));
    s.crash();
    assertEquals(0, s.load().lastIndex());
  }

  @Test
  void when_used_before_load_then_refused() {
    MemoryStorage s = new MemoryStorage();
    assertThrows(IllegalStateException.class, () -> s.append(range(1, 1, 1, 1)));
  }

  @Test
  void when_a_snapshot_is_saved_then_it_is_durable_with_what_preceded_it_and_the_log_keeps_what_continues_it() throws IOException {
    MemoryStorage s = new MemoryStorage();
    s.load();
    s.append(range(1, 6, 1, 8));
    s.saveMeta(new Meta(2, null));
    s.saveSnapshot(new SnapshotMeta(4, 1, 42), new byte[] {7});
    s.append(range(7, 7, 2, 8)); // not synced: lost
    s.crash();
    Recovered r = s.load();
    assertEquals(new Meta(2, null), r.meta(), "the term saved before the snapshot is durable with it");
    assertEquals(new SnapshotMeta(4, 1, 42), r.snapshot().orElseThrow().meta());
    assertEquals(range(5, 6, 1, 8), r.records());
    assertThrows(IllegalArgumentException.class, () -> s.truncateFrom(4));
    assertThrows(IllegalArgumentException.class, () -> s.saveSnapshot(new SnapshotMeta(4, 1, 0), new byte[0]));
    s.saveSnapshot(new SnapshotMeta(9, 2, 43), new byte[] {8}); // beyond the log: the log is replaced
    s.crash();
    Recovered beyond = s.load();
    assertEquals(java.util.List.of(), beyond.records());
    assertEquals(9, beyond.lastIndex());
    assertThrows(IllegalArgumentException.class, () -> s.append(range(11, 11, 2, 8)));
    s.append(range(10, 10, 2, 8));
  }
}
