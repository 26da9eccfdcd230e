package io.refraft.impl.planted;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.refraft.impl.storage.LogRecord;
import io.refraft.impl.storage.MemoryStorage;
import io.refraft.impl.storage.Meta;
import io.refraft.impl.storage.Recovered;
import io.refraft.impl.storage.Storage;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class LoseSyncedTailTest {

  private static List<LogRecord> records(long from, long to, long term) {
    List<LogRecord> out = new ArrayList<>();
    for (long i = from; i <= to; i++) {
      out.add(new LogRecord(i, term, new byte[] {(byte) i}));
    }
    return out;
  }

  /** Writes term 2, a vote and records 1..4, syncs and crashes. */
  private static void crashedAfterSync(Storage wrapped, MemoryStorage disk) throws IOException {
    wrapped.load();
    wrapped.saveMeta(new Meta(2, "a"));
    wrapped.append(records(1, 4, 2));
    wrapped.sync();
    disk.crash();
  }

  @Test
  void when_the_bug_is_planted_then_a_restart_loses_the_last_synced_record_and_keeps_term_and_vote()
      throws IOException {
    MemoryStorage disk = new MemoryStorage();
    Firings firings = new Firings();
    Set<InjectedBug> bug = Set.of(InjectedBug.LOSE_SYNCED_TAIL);
    crashedAfterSync(InjectedBug.all(bug, firings).storage(disk), disk);
    assertEquals(0, firings.count(InjectedBug.LOSE_SYNCED_TAIL), "a first start has nothing to drop");
    Storage restarted = InjectedBug.all(bug, firings).storage(disk);
    Recovered r = restarted.load();
    assertEquals(new Meta(2, "a"), r.meta());
    assertEquals(records(1, 3, 2), r.records());
    assertEquals(1, firings.count(InjectedBug.LOSE_SYNCED_TAIL));
    // the disk was cut too: an append continues the shortened log (MemoryStorage refuses a gap or overlap)
    restarted.append(List.of(new LogRecord(4, 3, new byte[] {9})));
    restarted.sync();
    disk.crash();
    List<LogRecord> expected = new ArrayList<>(records(1, 3, 2));
    expected.add(new LogRecord(4, 3, new byte[] {9}));
    assertEquals(expected, disk.load().records());
  }

  @Test
  void without_the_bug_the_restart_recovers_every_synced_record() throws IOException {
    MemoryStorage disk = new MemoryStorage();
    crashedAfterSync(InjectedBug.all(Set.of()).storage(disk), disk);
    Recovered r = InjectedBug.all(Set.of()).storage(disk).load();
    assertEquals(new Meta(2, "a"), r.meta());
    assertEquals(records(1, 4, 2), r.records());
  }
}
