package io.refraft.impl.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The snapshot file's layout, atomic write and verified read (impl/FORMATS.md, "Snapshot files"). */
class SnapshotFileTest {

  @TempDir
  Path dir;

  private static final SnapshotMeta META = new SnapshotMeta(1234, 7, 0x0123456789abcdefL);
  private static final byte[] BODY = Records.record(1, 1, 300).payload();

  private Path written() throws IOException {
    return SnapshotFile.publish(SnapshotFile.writeTemp(dir, META, BODY), dir, META.index());
  }

  @Test
  void when_written_then_it_reads_back_with_the_documented_header() throws IOException {
    Path file = written();
    assertEquals("snap-00000000000000001234.snap", file.getFileName().toString());
    assertFalse(Files.exists(dir.resolve(file.getFileName() + ".tmp")), "the temporary file was renamed");
    StoredSnapshot s = SnapshotFile.read(file);
    assertEquals(META, s.meta());
    assertArrayEquals(BODY, s.body());
    assertEquals(Optional.of(file), s.file());
    ByteBuffer h = ByteBuffer.wrap(Files.readAllBytes(file));
    assertEquals(SnapshotFile.HEADER_BYTES + BODY.length, h.limit());
    assertEquals(0x5246534E, h.getInt(0), "magic RFSN");
    assertEquals(1, h.getInt(4), "version");
    assertEquals(1234, h.getLong(8));
    assertEquals(7, h.getLong(16));
    assertEquals(0x0123456789abcdefL, h.getLong(24));
    assertEquals(BODY.length, h.getLong(32));
    java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
    crc.update(BODY);
    assertEquals((int) crc.getValue(), h.getInt(40));
  }

  @Test
  void when_the_file_is_cut_at_any_byte_then_read_names_the_file_and_where_it_ends() throws IOException {
    Path file = written();
    byte[] bytes = Files.readAllBytes(file);
    for (int cut = 0; cut < bytes.length; cut++) {
      Files.write(file, Arrays.copyOf(bytes, cut));
      StorageCorruptException e = assertThrows(StorageCorruptException.class, () -> SnapshotFile.read(file), "cut " + cut);
      assertEquals(file, e.file());
      assertEquals(cut, e.offset(), "cut " + cut + ": " + e.getMessage());
      assertTrue(e.getMessage().contains(file.toString()) && e.getMessage().contains("truncated")
          && e.getMessage().contains("byte offset " + cut), e.getMessage());
    }
  }

  @Test
  void when_any_byte_is_flipped_then_read_refuses_it_at_the_field_it_damaged() throws IOException {
    Path file = written();
    byte[] bytes = Files.readAllBytes(file);
    for (int i = 0; i < bytes.length; i++) {
      byte[] damaged = bytes.clone();
      damaged[i] ^= 0x10;
      Files.write(file, damaged);
      StorageCorruptException e = assertThrows(StorageCorruptException.class, () -> SnapshotFile.read(file), "byte " + i);
      long expected = i < 4 ? 0 : i < 8 ? 4 : i < 48 ? 44 : 48; // magic, version, header checksum, body checksum
      assertEquals(expected, e.offset(), "byte " + i + ": " + e.getMessage());
    }
  }

  @Test
  void when_bytes_follow_the_body_or_the_name_disagrees_then_read_refuses_it() throws IOException {
    Path file = written();
    byte[] bytes = Files.readAllBytes(file);
    Files.write(file, Arrays.copyOf(bytes, bytes.length + 3));
    assertEquals(bytes.length, assertThrows(StorageCorruptException.class, () -> SnapshotFile.read(file)).offset());
    Files.write(file, bytes);
    Path renamed = Files.move(file, dir.resolve(SnapshotFile.name(99)));
    StorageCorruptException e = assertThrows(StorageCorruptException.class, () -> SnapshotFile.read(renamed));
    assertEquals(8, e.offset());
    assertTrue(e.getMessage().contains("index 1234 but its name says 99"), e.getMessage());
  }

  @Test
  void when_a_name_is_parsed_then_only_snapshot_names_count() {
    assertEquals(Optional.of(5L), SnapshotFile.parseName("snap-00000000000000000005.snap"));
    assertEquals(Optional.empty(), SnapshotFile.parseName("snap-00000000000000000005.snap.tmp"));
    assertEquals(Optional.empty(), SnapshotFile.parseName("snap-00000000000000000000.snap"));
    assertEquals(Optional.empty(), SnapshotFile.parseName("snap-99999999999999999999.snap"));
    assertEquals(Optional.empty(), SnapshotFile.parseName("snap-5.snap"));
  }
}
