package io.refraft.verification.sim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.refraft.impl.storage.LogRecord;
import io.refraft.impl.storage.MemoryStorage;
import io.refraft.impl.storage.Recovered;
import io.refraft.impl.storage.SnapshotFile;
import io.refraft.impl.storage.SnapshotMeta;
import io.refraft.impl.storage.StoredSnapshot;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SimDiskTest {
  @TempDir
  Path folder;

  private final MemoryStorage memory = new MemoryStorage();
  private final SyncedState synced = new SyncedState("n1");

  private SimDisk disk() {
    return new SimDisk(memory, () -> false, synced, folder);
  }

  private static List<LogRecord> records(long from, long to) {
    List<LogRecord> out = new ArrayList<>();
    for (long i = from; i <= to; i++) {
      out.add(new LogRecord(i, 1, new byte[] {(byte) i}));
    }
    return out;
  }

  @Test
  void a_kept_snapshot_is_shipped_as_a_file_in_the_snapshot_layout_and_only_the_newest_two_are_kept()
      throws IOException {
    SimDisk d = disk();
    d.load();
    d.append(records(1, 6));
    d.sync();
    for (long at = 3; at <= 5; at++) {
      d.saveSnapshot(new SnapshotMeta(at, 1, 40 + at), new byte[] {1, 2, (byte) at});
    }
    Path file = d.snapshotFile(4).orElseThrow();
    StoredSnapshot s = SnapshotFile.read(file);
    assertEquals(new SnapshotMeta(4, 1, 44), s.meta());
    assertArrayEquals(new byte[] {1, 2, 4}, s.body());
    assertTrue(d.snapshotFile(5).isPresent());
    assertEquals(Optional.empty(), d.snapshotFile(3), "a third snapshot replaced the oldest");
  }

  @Test
  void a_restart_recovers_the_snapshot_and_the_records_after_it_and_clears_the_old_files() throws IOException {
    SimDisk d = disk();
    d.load();
    d.append(records(1, 6));
    d.sync();
    d.saveSnapshot(new SnapshotMeta(4, 1, 44), new byte[] {4});
    Path old = d.snapshotFile(4).orElseThrow();
    memory.crash();
    Recovered r = disk().load();
    assertEquals(4, r.snapshotIndex());
    assertEquals(records(5, 6), r.records());
    assertEquals(Optional.empty(), synced.violation());
    assertFalse(Files.exists(old), "the new incarnation writes its own files");
  }
}
