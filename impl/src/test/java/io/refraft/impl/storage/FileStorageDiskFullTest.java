package io.refraft.impl.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A write-ahead log on a real file system that fills up (tmpfs): refused, kept usable, intact after. */
class FileStorageDiskFullTest {
  @TempDir
  Path tmp;

  @Test
  void a_full_disk_refuses_the_sync_keeps_the_buffer_and_the_retry_writes_it_whole() throws Exception {
    try (Tmpfs fs = Tmpfs.mount(tmp, 512)) {
      Path dir = fs.root().resolve("data");
      List<LogRecord> all = new ArrayList<>();
      try (FileStorage s = FileStorage.open(dir, FileStorage.Options.defaults().withSegmentBytes(64 * 1024))) {
        s.load();
        List<LogRecord> first = Records.range(1, 20, 1, 1000);
        s.append(first);
        s.sync();
        all.addAll(first);
        fs.fill();
        // more records than fit in what is left of the last page: the write meets ENOSPC part-way
        List<LogRecord> second = Records.range(21, 60, 2, 1000);
        s.saveMeta(new Meta(2, "n1"));
        s.append(second);
        DiskFullException full = assertThrows(DiskFullException.class, s::sync);
        assertTrue(full.getMessage().contains("No space left on device"), full.getMessage());
        // still usable: more appends join the buffer, and a second try fails the same way
        List<LogRecord> third = Records.range(61, 70, 2, 1000);
        s.append(third);
        assertThrows(DiskFullException.class, s::sync);
        fs.free();
        s.sync();
        all.addAll(second);
        all.addAll(third);
      }
      try (FileStorage s = FileStorage.open(dir)) {
        Recovered r = s.load();
        assertEquals(new Meta(2, "n1"), r.meta());
        assertEquals(all, r.records());
      }
    }
  }

  @Test
  void a_crash_while_the_disk_is_full_recovers_what_was_synced_before() throws Exception {
    try (Tmpfs fs = Tmpfs.mount(tmp, 512)) {
      Path dir = fs.root().resolve("data");
      List<LogRecord> first = Records.range(1, 30, 1, 1000);
      FileStorage s = FileStorage.open(dir);
      s.load();
      s.append(first);
      s.sync();
      fs.fill();
      s.append(Records.range(31, 80, 1, 1000));
      assertThrows(DiskFullException.class, s::sync);
      s.close(); // as a crash would leave it: a torn record may end the last segment
      fs.free();
      try (FileStorage again = FileStorage.open(dir)) {
        Recovered r = again.load();
        List<LogRecord> got = r.records();
        assertTrue(got.size() >= first.size(), "lost synced records: " + got.size());
        assertEquals(first, got.subList(0, first.size()));
      }
    }
  }
}
