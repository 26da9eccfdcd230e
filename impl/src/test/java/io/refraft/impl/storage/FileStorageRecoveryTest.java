package io.refraft.impl.storage;

import static io.refraft.impl.storage.Records.range;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Recovery: torn tails are cut, anything else is corruption named by file and offset. */
class FileStorageRecoveryTest {

  @TempDir
  Path tmp;

  private static final FileStorage.Options SMALL = FileStorage.Options.defaults().withSegmentBytes(256);

  /** Records 1..n with payload sizes 1, 11, 21, … so frames differ in length. */
  private static List<LogRecord> varied(int n) {
    List<LogRecord> out = new ArrayList<>();
    for (int i = 1; i <= n; i++) {
      out.add(Records.record(i, 1 + i / 3, 1 + 10 * (i - 1)));
    }
    return out;
  }

  private static void write(Path dir, FileStorage.Options options, List<LogRecord> records) throws IOException {
    try (FileStorage s = FileStorage.open(dir, options)) {
      s.load();
      s.append(records);
      s.sync();
    }
  }

  private static Recovered load(Path dir, FileStorage.Options options) throws IOException {
    try (FileStorage s = FileStorage.open(dir, options)) {
      return s.load();
    }
  }

  private static int frameOffset(List<LogRecord> records, int position) {
    int offset = WalFormat.HEADER_BYTES;
    for (int i = 0; i < position; i++) {
      offset += WalFormat.frameBytes(records.get(i));
    }
    return offset;
  }

  @Test
  void when_the_last_record_is_cut_at_any_byte_then_it_is_dropped_and_earlier_records_kept() throws IOException {
    List<LogRecord> records = varied(6);
    Path source = tmp.resolve("source");
    write(source, FileStorage.Options.defaults(), records);
    byte[] bytes = Files.readAllBytes(source.resolve(WalFormat.segmentName(1)));
    int lastFrame = frameOffset(records, 5);
    assertEquals(bytes.length, lastFrame + WalFormat.frameBytes(records.get(5)));
    for (int cut = lastFrame; cut < bytes.length; cut++) {
      for (boolean zeroFilled : new boolean[] {false, true}) {
        Path dir = tmp.resolve("cut-" + cut + "-" + zeroFilled);
        Files.createDirectories(dir);
        // A cut file, or one whose size survived but whose last bytes read back as zeros.
        byte[] damaged = zeroFilled ? bytes.clone() : Arrays.copyOf(bytes, cut);
        if (zeroFilled) {
          Arrays.fill(damaged, cut, damaged.length, (byte) 0);
        }
        Path segment = dir.resolve(WalFormat.segmentName(1));
        Files.write(segment, damaged);
        Recovered r = load(dir, FileStorage.Options.defaults());
        assertEquals(records.subList(0, 5), r.records(), "cut at " + cut + " zeroFilled " + zeroFilled);
        assertEquals(lastFrame, Files.size(segment), "torn tail truncated away");
        write(dir, FileStorage.Options.defaults(), records.subList(5, 6));
        assertEquals(records, load(dir, FileStorage.Options.defaults()).records(), "log usable after recovery");
      }
    }
  }

  @Test
  void when_a_new_segment_has_a_torn_header_or_first_record_then_it_is_deleted() throws IOException {
    List<LogRecord> records = range(1, 4, 1, 50); // 3 per segment: record 4 starts segment 2
    Path source = tmp.resolve("source");
    write(source, SMALL, records);
    Path second = source.resolve(WalFormat.segmentName(4));
    byte[] bytes = Files.readAllBytes(second);
    for (int cut = 0; cut < bytes.length; cut++) {
      Path dir = tmp.resolve("cut-" + cut);
      Files.createDirectories(dir);
      Files.copy(source.resolve(WalFormat.segmentName(1)), dir.resolve(WalFormat.segmentName(1)));
      Files.write(dir.resolve(WalFormat.segmentName(4)), Arrays.copyOf(bytes, cut));
      assertEquals(records.subList(0, 3), load(dir, SMALL).records(), "cut at " + cut);
      assertFalse(Files.exists(dir.resolve(WalFormat.segmentName(4))));
    }
  }

  @Test
  void when_a_middle_record_is_corrupt_then_load_fails_naming_file_and_offset() throws IOException {
    List<LogRecord> records = varied(10);
    write(tmp, FileStorage.Options.defaults(), records);
    Path segment = tmp.resolve(WalFormat.segmentName(1));
    int offset = frameOffset(records, 2);
    flip(segment, offset + WalFormat.FRAME_OVERHEAD); // first payload byte of record 3
    long size = Files.size(segment);
    StorageCorruptException e = assertThrows(StorageCorruptException.class,
        () -> load(tmp, FileStorage.Options.defaults()));
    assertEquals(segment, e.file());
    assertEquals(offset, e.offset());
    assertTrue(e.getMessage().contains(segment + " at byte offset " + offset + ": CRC32C mismatch"), e.getMessage());
    assertTrue(e.getMessage().contains("--repair"), e.getMessage());
    assertEquals(size, Files.size(segment), "nothing was truncated");
  }

  @Test
  void when_the_last_record_is_corrupt_but_a_later_one_is_intact_elsewhere_then_it_is_corruption() throws IOException {
    List<LogRecord> records = range(1, 5, 1, 50);
    write(tmp, SMALL, records);
    Path first = tmp.resolve(WalFormat.segmentName(1));
    Files.write(first, Arrays.copyOf(Files.readAllBytes(first), (int) Files.size(first) - 3));
    StorageCorruptException e = assertThrows(StorageCorruptException.class, () -> load(tmp, SMALL));
    assertEquals(first, e.file(), "a torn record in a non-last segment is corruption");
    assertEquals(frameOffset(records, 2), e.offset());
  }

  @Test
  void when_a_length_field_is_huge_then_it_is_reported_without_allocating() throws IOException {
    List<LogRecord> records = varied(5);
    write(tmp, FileStorage.Options.defaults(), records);
    Path segment = tmp.resolve(WalFormat.segmentName(1));
    byte[] bytes = Files.readAllBytes(segment);
    int offset = frameOffset(records, 1);
    bytes[offset] = 0x7f;
    Files.write(segment, bytes);
    StorageCorruptException e = assertThrows(StorageCorruptException.class,
        () -> load(tmp, FileStorage.Options.defaults()));
    assertEquals(offset, e.offset());
    assertTrue(e.getMessage().contains("impossible record length"), e.getMessage());
  }

  @Test
  void when_a_middle_segment_is_missing_then_the_gap_is_reported_at_the_next_segment() throws IOException {
    write(tmp, SMALL, range(1, 12, 1, 50));
    Files.delete(tmp.resolve(WalFormat.segmentName(4)));
    StorageCorruptException e = assertThrows(StorageCorruptException.class, () -> load(tmp, SMALL));
    assertEquals(tmp.resolve(WalFormat.segmentName(7)), e.file());
    assertEquals(0, e.offset());
    assertTrue(e.getMessage().contains("previous segment ends at index 3"), e.getMessage());
  }

  @Test
  void when_a_valid_frame_carries_the_wrong_index_then_it_is_corruption_even_at_the_tail() throws IOException {
    Path other = tmp.resolve("other");
    write(other, FileStorage.Options.defaults(), List.of(Records.record(1, 1, 8), Records.record(2, 1, 8)));
    byte[] frameOf2 = Arrays.copyOfRange(Files.readAllBytes(other.resolve(WalFormat.segmentName(1))),
        WalFormat.HEADER_BYTES + 32, WalFormat.HEADER_BYTES + 64);
    Path dir = tmp.resolve("dir");
    write(dir, FileStorage.Options.defaults(), range(1, 2, 1, 8));
    Path segment = dir.resolve(WalFormat.segmentName(1));
    Files.write(segment, frameOf2, java.nio.file.StandardOpenOption.APPEND); // index 2 again, as index 3
    StorageCorruptException e = assertThrows(StorageCorruptException.class,
        () -> load(dir, FileStorage.Options.defaults()));
    assertTrue(e.getMessage().contains("index gap: expected index 3, found 2"), e.getMessage());
  }

  @Test
  void when_repair_is_on_then_the_log_is_truncated_at_the_corruption_and_stays_clean() throws IOException {
    List<LogRecord> records = range(1, 15, 1, 50);
    write(tmp, SMALL, records);
    Path second = tmp.resolve(WalFormat.segmentName(4));
    flip(second, WalFormat.HEADER_BYTES + 74 + 30); // inside record 5
    assertThrows(StorageCorruptException.class, () -> load(tmp, SMALL));
    Recovered repaired = load(tmp, SMALL.withRepair(true));
    assertEquals(records.subList(0, 4), repaired.records());
    assertFalse(Files.exists(tmp.resolve(WalFormat.segmentName(7))), "later segments deleted");
    assertEquals(WalFormat.HEADER_BYTES + 74, Files.size(second));
    assertEquals(records.subList(0, 4), load(tmp, SMALL).records(), "clean without repair afterwards");
  }

  private static void flip(Path file, int offset) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    bytes[offset] ^= 0x10;
    Files.write(file, bytes);
  }
}
