package io.refraft.impl.storage;

import java.nio.ByteBuffer;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32C;

/**
 * The byte layout of a write-ahead log segment (impl/FORMATS.md, "Write-ahead log"). All integers are
 * big-endian.
 *
 * <pre>
 * segment = header frame*
 * header  = magic u32 ("RFWL") | version u32 (1) | baseIndex u64   (16 bytes)
 * frame   = length u32 | crc u32 | index u64 | term u64 | payload   (24 + payload bytes)
 *   length = 16 + payload bytes (the bytes after the crc field)
 *   crc    = CRC32C over the length field, then over the {@code length} bytes after the crc field
 * </pre>
 */
final class WalFormat {

  static final int MAGIC = 0x5246574C; // "RFWL"
  static final int VERSION = 1;
  static final int HEADER_BYTES = 16;
  /** length + crc + index + term. */
  static final int FRAME_OVERHEAD = 24;
  /** index + term: the least a length field can say. */
  static final int MIN_LENGTH = 16;
  static final int MAX_LENGTH = MIN_LENGTH + LogRecord.MAX_PAYLOAD_BYTES;

  private static final Pattern SEGMENT_NAME = Pattern.compile("wal-(\\d{20})\\.log");

  private WalFormat() {}

  static String segmentName(long baseIndex) {
    return String.format("wal-%020d.log", baseIndex);
  }

  /** The base index a segment file name encodes, if it is a segment file name. */
  static Optional<Long> parseSegmentName(String name) {
    Matcher m = SEGMENT_NAME.matcher(name);
    if (!m.matches()) {
      return Optional.empty();
    }
    try {
      long base = Long.parseLong(m.group(1));
      return base >= 1 ? Optional.of(base) : Optional.empty();
    } catch (NumberFormatException e) { // 20 digits can exceed Long.MAX_VALUE
      return Optional.empty();
    }
  }

  static int frameBytes(LogRecord r) {
    return FRAME_OVERHEAD + r.payload().length;
  }

  static void putHeader(ByteBuffer b, long baseIndex) {
    b.putInt(MAGIC).putInt(VERSION).putLong(baseIndex);
  }

  static void putFrame(ByteBuffer b, LogRecord r) {
    int start = b.position();
    int length = MIN_LENGTH + r.payload().length;
    b.putInt(length).putInt(0).putLong(r.index()).putLong(r.term()).put(r.payload());
    b.putInt(start + 4, crc(b, start, length));
  }

  /** CRC32C of the frame at {@code start} whose length field says {@code length}; no bounds checks. */
  static int crc(ByteBuffer b, int start, int length) {
    CRC32C c = new CRC32C();
    c.update(b.slice(start, 4));
    c.update(b.slice(start + 8, length));
    return (int) c.getValue();
  }
}
