package io.refraft.impl.planted;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.refraft.impl.storage.LogRecord;
import io.refraft.impl.storage.MemoryStorage;
import io.refraft.impl.storage.Meta;
import io.refraft.impl.storage.Recovered;
import io.refraft.impl.storage.Storage;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SkipFsyncTest {

  private static List<LogRecord> records(long from, long to, long term) {
    List<LogRecord> out = new ArrayList<>();
    for (long i = from; i <= to; i++) {
      out.add(new LogRecord(i, term, new byte[8]));
    }
    return out;
  }

  @Test
  void when_fsync_is_skipped_by_the_planted_bug_then_a_crash_loses_what_sync_reported_durable() throws IOException {
    MemoryStorage disk = new MemoryStorage();
    Storage s = InjectedBug.SKIP_FSYNC.storage(disk);
    s.load();
    s.saveMeta(new Meta(2, "a"));
    s.append(records(1, 4, 2));
    s.sync();
    boolean[] hookRan = {false};
    s.sync(() -> hookRan[0] = true);
    assertTrue(hookRan[0], "a sync still runs its beforeVisible hook (the trace is written there)");
    disk.crash();
    Recovered r = disk.load();
    assertEquals(Meta.INITIAL, r.meta());
    assertEquals(List.of(), r.records());
  }

  @Test
  void without_the_bug_the_same_writes_survive_the_crash() throws IOException {
    MemoryStorage disk = new MemoryStorage();
    Storage s = InjectedBug.all(java.util.Set.of()).storage(disk);
    s.load();
    s.saveMeta(new Meta(2, "a"));
    s.append(records(1, 4, 2));
    s.sync();
    disk.crash();
    Recovered r = disk.load();
    assertEquals(new Meta(2, "a"), r.meta());
    assertEquals(4, r.records().size());
  }
}
