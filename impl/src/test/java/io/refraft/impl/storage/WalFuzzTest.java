package io.refraft.impl.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Coverage-guided fuzzing of everything that reads storage bytes back: arbitrary bytes give a
 * clean result or a {@link StorageCorruptException}, never another exception, an out-of-memory
 * error or a hang.
 *
 * <p>Without {@code JAZZER_FUZZ} (every {@code mvn verify}) each target runs its regression
 * inputs from {@code src/test/resources/io/refraft/impl/storage/WalFuzzTestInputs/<target>/};
 * {@code impl/fuzz.sh} fuzzes each target for a bounded time.
 */
class WalFuzzTest {

  private static Path dir;

  /** {@code refraft.fuzz.tmpdir} may name a RAM-backed directory: recovery fsyncs, and a disk's fsyncs cap the rate. */
  @BeforeAll
  static void createDirectory() throws IOException {
    String parent = System.getProperty("refraft.fuzz.tmpdir", "");
    dir = parent.isEmpty() ? Files.createTempDirectory("wal-fuzz") : Files.createTempDirectory(Path.of(parent), "wal-fuzz");
  }

  @AfterAll
  static void deleteDirectory() throws IOException {
    clear();
    Files.deleteIfExists(dir);
  }

  /** The reader alone: whatever it accepts re-encodes to exactly the bytes it read. */
  @FuzzTest(maxDuration = "30s")
  void segmentReader(byte[] data) {
    SegmentReader.Scan scan = SegmentReader.scan(ByteBuffer.wrap(data), 1, 0);
    assertTrue(scan.validEnd() <= data.length);
    assertEquals(scan.records().size(), scan.offsets().length);
    if (scan.ending() instanceof SegmentReader.Clean) {
      assertEquals(data.length, scan.validEnd());
    }
    if (scan.records().isEmpty()) {
      return;
    }
    int size = WalFormat.HEADER_BYTES;
    for (LogRecord r : scan.records()) {
      size += WalFormat.frameBytes(r);
    }
    ByteBuffer encoded = ByteBuffer.allocate(size);
    WalFormat.putHeader(encoded, 1);
    for (LogRecord r : scan.records()) {
      WalFormat.putFrame(encoded, r);
    }
    assertEquals(size, scan.validEnd());
    assertArrayEquals(Arrays.copyOf(data, size), encoded.array());
  }

  /** Full recovery of a directory whose only segment holds the input; recovery is idempotent. */
  @FuzzTest(maxDuration = "30s")
  void recovery(byte[] data) throws IOException {
    clear();
    Path segment = dir.resolve(WalFormat.segmentName(1));
    Files.write(segment, data);
    List<LogRecord> first;
    try (FileStorage s = FileStorage.open(dir)) {
      first = s.load().records();
    } catch (StorageCorruptException e) {
      assertTrue(e.getMessage().contains(segment.toString()), e.getMessage());
      return;
    }
    try (FileStorage s = FileStorage.open(dir)) {
      assertEquals(first, s.load().records(), "a second recovery finds what the first left");
    }
  }

  /** The meta file decoder: what it accepts re-encodes to the same bytes. */
  @FuzzTest(maxDuration = "30s")
  void metaFile(byte[] data) {
    Meta meta;
    try {
      meta = MetaFile.decode(data, dir.resolve(MetaFile.NAME));
    } catch (StorageCorruptException e) {
      return;
    }
    assertArrayEquals(data, MetaFile.encode(meta));
  }

  private static void clear() throws IOException {
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
      for (Path p : files) {
        Files.delete(p);
      }
    }
  }
}
