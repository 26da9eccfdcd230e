package io.refraft.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.refraft.impl.storage.FileStorage;
import io.refraft.impl.storage.LogRecord;
import io.refraft.impl.storage.Meta;
import io.refraft.impl.storage.SnapshotFile;
import io.refraft.impl.storage.SnapshotMeta;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code refraft node} on a data directory whose snapshot is corrupt: exit 2 with the file and byte
 * offset and the way out (--repair), no stack trace, nothing changed in the directory.
 */
class NodeCorruptDataTest {
  @TempDir Path dir;

  @Test
  void a_corrupt_snapshot_stops_the_start_naming_file_and_offset() throws Exception {
    Path data = dir.resolve("data");
    try (FileStorage s = FileStorage.open(data)) {
      s.load();
      s.saveMeta(new Meta(1, null));
      s.append(List.of(new LogRecord(1, 1, new byte[0]), new LogRecord(2, 1, new byte[0])));
      s.saveSnapshot(new SnapshotMeta(1, 1, 0), "{}".getBytes());
    }
    Path snapshot = data.resolve("snap-00000000000000000001.snap");
    byte[] bytes = Files.readAllBytes(snapshot);
    bytes[SnapshotFile.HEADER_BYTES] ^= 1;
    Files.write(snapshot, bytes);
    List<String> before;
    try (var files = Files.list(data)) {
      before = files.map(Path::toString).sorted().toList();
    }
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit = Main.run(new String[] {"node", "--id", "n1", "--peers", "n1=127.0.0.1:0", "--client", "127.0.0.1:0",
        "--data", data.toString()}, new PrintWriter(out, true), new PrintWriter(err, true));
    assertEquals(2, exit, err.toString());
    assertTrue(err.toString().contains(snapshot + " body fails its checksum"), err.toString());
    assertTrue(err.toString().contains("at byte offset " + SnapshotFile.HEADER_BYTES), err.toString());
    assertTrue(err.toString().contains("--repair"), err.toString());
    assertFalse(err.toString().contains("\tat "), "no stack trace: " + err);
    try (var files = Files.list(data)) {
      assertEquals(before, files.map(Path::toString).sorted().toList(), "nothing renamed or deleted");
    }
  }
}
