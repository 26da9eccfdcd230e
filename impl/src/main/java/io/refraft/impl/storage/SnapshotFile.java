package io.refraft.impl.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32C;

/**
 * The byte layout of a snapshot file (impl/FORMATS.md, "Snapshot files"), its atomic write and its
 * verified read. All integers are big-endian.
 *
 * <pre>
 * file   = header body
 * header = magic u32 ("RFSN") | version u32 (1) | index u64 | term u64 | digest u64
 *          | bodyLength u64 | bodyCrc u32 (CRC32C of the body) | headerCrc u32 (CRC32C of the 44 bytes before it)
 * body   = bodyLength bytes: the state machine's snapshot
 * </pre>
 *
 * <p>The header has its own checksum: a flipped bit in the index or term would otherwise pass the
 * body's check and install a snapshot at the wrong place in the log.
 */
public final class SnapshotFile {

  static final int MAGIC = 0x5246534E; // "RFSN"
  static final int VERSION = 1;
  /** Bytes before the body. */
  public static final int HEADER_BYTES = 48;
  /** The largest body: it is restored from one array. */
  public static final long MAX_BODY_BYTES = Integer.MAX_VALUE - 8 - HEADER_BYTES;

  private static final Pattern NAME = Pattern.compile("snap-(\\d{20})\\.snap");
  static final String TEMP_SUFFIX = ".tmp";

  private SnapshotFile() {}

  /** The file name of the snapshot at {@code index}. */
  static String name(long index) {
    return String.format("snap-%020d.snap", index);
  }

  /** The index a snapshot file name encodes, if it is one. */
  static Optional<Long> parseName(String name) {
    Matcher m = NAME.matcher(name);
    if (!m.matches()) {
      return Optional.empty();
    }
    try {
      long index = Long.parseLong(m.group(1));
      return index >= 1 ? Optional.of(index) : Optional.empty();
    } catch (NumberFormatException e) { // 20 digits can exceed Long.MAX_VALUE
      return Optional.empty();
    }
  }

  /**
   * The header of a snapshot with {@code meta} and {@code body}; public for the deterministic
   * simulator, whose in-memory disk writes the files a leader ships in this layout.
   */
  public static byte[] header(SnapshotMeta meta, byte[] body) {
    CRC32C bodyCrc = new CRC32C();
    bodyCrc.update(body);
    ByteBuffer b = ByteBuffer.allocate(HEADER_BYTES);
    b.putInt(MAGIC).putInt(VERSION).putLong(meta.index()).putLong(meta.term()).putLong(meta.digest())
        .putLong(body.length).putInt((int) bodyCrc.getValue());
    CRC32C headerCrc = new CRC32C();
    headerCrc.update(b.array(), 0, HEADER_BYTES - 4);
    b.putInt((int) headerCrc.getValue());
    return b.array();
  }

  /**
   * First half of an atomic write, invisible to {@link SnapshotStore}: header and body written to
   * {@code snap-<index>.snap.tmp} in {@code dir} and fsynced. Returns the temporary file.
   */
  static Path writeTemp(Path dir, SnapshotMeta meta, byte[] body) throws IOException {
    Path temp = dir.resolve(name(meta.index()) + TEMP_SUFFIX);
    try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING)) {
      for (ByteBuffer b : new ByteBuffer[] {ByteBuffer.wrap(header(meta, body)), ByteBuffer.wrap(body)}) {
        while (b.hasRemaining()) {
          ch.write(b);
        }
      }
      try {
        ch.force(true);
      } catch (IOException e) {
        throw new IOException(temp + ": fsync failed: " + e.getMessage(), e);
      }
    }
    return temp;
  }

  /**
   * Second half: renames a verified temporary (or received) file to the snapshot's name in
   * {@code dir} and fsyncs the directory, after which the snapshot survives a power loss.
   */
  static Path publish(Path temp, Path dir, long index) throws IOException {
    Path target = dir.resolve(name(index));
    Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
    MetaFile.syncDirectory(dir);
    return target;
  }

  /**
   * Reads and verifies a snapshot file: magic, version, header checksum, the index its name says
   * (when it has a snapshot name), length and body checksum.
   *
   * @throws StorageCorruptException naming the file and the byte offset of the first problem
   */
  public static StoredSnapshot read(Path file) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = ch.size();
      ByteBuffer h = ByteBuffer.allocate(HEADER_BYTES);
      readFully(ch, h, 0);
      if (h.position() < HEADER_BYTES) {
        throw corrupt(file, h.position(), "is truncated: " + size + " bytes, shorter than the " + HEADER_BYTES
            + "-byte header");
      }
      SnapshotMeta meta = parseHeader(file, h.flip());
      long length = h.getLong(32);
      if (size < HEADER_BYTES + length) {
        throw corrupt(file, size, "is truncated: the header says " + length + " body bytes, the file ends after "
            + (size - HEADER_BYTES));
      }
      if (size > HEADER_BYTES + length) {
        throw corrupt(file, HEADER_BYTES + length, "has " + (size - HEADER_BYTES - length)
            + " bytes after the body the header describes");
      }
      ByteBuffer body = ByteBuffer.allocate((int) length);
      readFully(ch, body, HEADER_BYTES);
      CRC32C crc = new CRC32C();
      crc.update(body.array());
      if ((int) crc.getValue() != h.getInt(40)) {
        throw corrupt(file, HEADER_BYTES, String.format("body fails its checksum (CRC32C stored 0x%08x, computed "
            + "0x%08x over bytes %d..%d)", h.getInt(40), (int) crc.getValue(), HEADER_BYTES, size));
      }
      return new StoredSnapshot(meta, body.array(), Optional.of(file));
    }
  }

  private static SnapshotMeta parseHeader(Path file, ByteBuffer h) throws StorageCorruptException {
    if (h.getInt(0) != MAGIC) {
      throw corrupt(file, 0, String.format("is not a snapshot file (magic 0x%08x, expected 0x%08x \"RFSN\")",
          h.getInt(0), MAGIC));
    }
    if (h.getInt(4) != VERSION) {
      throw corrupt(file, 4, "has format version " + h.getInt(4) + "; this node reads version " + VERSION);
    }
    CRC32C crc = new CRC32C();
    crc.update(h.array(), 0, HEADER_BYTES - 4);
    if ((int) crc.getValue() != h.getInt(44)) {
      throw corrupt(file, 44, String.format("header fails its checksum (CRC32C stored 0x%08x, computed 0x%08x)",
          h.getInt(44), (int) crc.getValue()));
    }
    long index = h.getLong(8);
    long term = h.getLong(16);
    long length = h.getLong(32);
    if (index < 1 || term < 0) {
      throw corrupt(file, 8, "has index " + index + " and term " + term + " (index >= 1 and term >= 0 expected)");
    }
    if (length < 0 || length > MAX_BODY_BYTES) {
      throw corrupt(file, 32, "has body length " + length + " (0.." + MAX_BODY_BYTES + " expected)");
    }
    Optional<Long> named = parseName(file.getFileName().toString());
    if (named.isPresent() && named.get() != index) {
      throw corrupt(file, 8, "holds the snapshot at index " + index + " but its name says " + named.get());
    }
    return new SnapshotMeta(index, term, h.getLong(24));
  }

  private static void readFully(FileChannel ch, ByteBuffer b, long position) throws IOException {
    while (b.hasRemaining()) {
      int n = ch.read(b, position + b.position());
      if (n < 0) {
        return;
      }
    }
  }

  static StorageCorruptException corrupt(Path file, long offset, String what) {
    return new StorageCorruptException(file, offset, "snapshot file " + file + " " + what + " (at byte offset "
        + offset + ")");
  }
}
