package io.refraft.impl.storage;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Parses one segment's bytes into records, stopping at the first damaged frame.
 *
 * <p>Never throws on any input and never allocates more than the input's size: a length field
 * is checked against the bytes actually present before anything is read or allocated.
 *
 * <p>Damage is <em>definite</em> (corruption, whatever its position) when a frame with a valid
 * CRC breaks index continuity or term order, or when a valid frame with a plausible index starts
 * at any later byte offset: a crash tears only the end of what was written, so intact data after
 * a bad frame means the bad frame was once written whole.
 */
final class SegmentReader {

  /** How a scan ended. */
  sealed interface Ending {}

  /** Every byte belonged to a valid frame. */
  record Clean() implements Ending {}

  /**
   * The frame at {@code offset} is bad; bytes from there on were not parsed.
   *
   * @param definite true when a crash cannot explain it (see the class comment)
   */
  record Damaged(int offset, String reason, boolean definite) implements Ending {}

  /**
   * The result of a scan.
   *
   * @param records the valid records, in order
   * @param offsets byte offset of each record's frame (same length as {@code records})
   * @param validEnd the offset just past the last valid frame (or past the header)
   */
  record Scan(List<LogRecord> records, int[] offsets, int validEnd, Ending ending) {}

  private SegmentReader() {}

  /**
   * Scans a segment whose file name says it starts at {@code baseIndex}.
   *
   * @param minTerm the term of the record before this segment (0 for none)
   */
  static Scan scan(ByteBuffer buf, long baseIndex, long minTerm) {
    int limit = buf.limit();
    List<LogRecord> records = new ArrayList<>();
    int[] offsets = new int[16];
    if (limit < WalFormat.HEADER_BYTES) {
      return new Scan(records, new int[0], 0, new Damaged(0,
          "segment header is incomplete (" + limit + " of " + WalFormat.HEADER_BYTES + " bytes)", false));
    }
    int magic = buf.getInt(0);
    int version = buf.getInt(4);
    long headerBase = buf.getLong(8);
    if (magic != WalFormat.MAGIC || version != WalFormat.VERSION) {
      String why = magic != WalFormat.MAGIC
          ? String.format("bad segment magic 0x%08x (expected 0x%08x)", magic, WalFormat.MAGIC)
          : "unsupported segment format version " + Integer.toUnsignedString(version);
      return new Scan(records, new int[0], 0, new Damaged(0, why, validFrameAfter(buf, 1, baseIndex)));
    }
    if (headerBase != baseIndex) {
      return new Scan(records, new int[0], 0, new Damaged(0,
          "segment header says base index " + headerBase + " but the file name says " + baseIndex, true));
    }
    int pos = WalFormat.HEADER_BYTES;
    long expected = baseIndex;
    long lastTerm = minTerm;
    Ending ending = new Clean();
    while (pos < limit) {
      ending = checkFrame(buf, pos, expected, lastTerm);
      if (ending instanceof Damaged) {
        break;
      }
      int length = buf.getInt(pos);
      long term = buf.getLong(pos + 16);
      byte[] payload = new byte[length - WalFormat.MIN_LENGTH];
      buf.get(pos + WalFormat.FRAME_OVERHEAD, payload);
      if (records.size() == offsets.length) {
        offsets = Arrays.copyOf(offsets, offsets.length * 2);
      }
      offsets[records.size()] = pos;
      records.add(new LogRecord(expected, term, payload));
      pos += 8 + length;
      expected++;
      lastTerm = term;
    }
    return new Scan(records, Arrays.copyOf(offsets, records.size()), pos, ending);
  }

  /** Returns {@link Clean} if a valid frame for {@code expected} starts at {@code pos}. */
  private static Ending checkFrame(ByteBuffer buf, int pos, long expected, long lastTerm) {
    int remaining = buf.limit() - pos;
    if (remaining < WalFormat.FRAME_OVERHEAD) {
      return new Damaged(pos, "incomplete frame header (" + remaining + " of "
          + WalFormat.FRAME_OVERHEAD + " bytes)", false);
    }
    int length = buf.getInt(pos);
    if (length < WalFormat.MIN_LENGTH || length > WalFormat.MAX_LENGTH) {
      return new Damaged(pos, "impossible record length " + Integer.toUnsignedString(length),
          validFrameAfter(buf, pos + 1, expected));
    }
    if (length > remaining - 8) {
      return new Damaged(pos, "record length " + length + " runs past the end of the file ("
          + (remaining - 8) + " bytes follow the crc field)", validFrameAfter(buf, pos + 1, expected));
    }
    int stored = buf.getInt(pos + 4);
    int computed = WalFormat.crc(buf, pos, length);
    if (stored != computed) {
      return new Damaged(pos, String.format("CRC32C mismatch (stored 0x%08x, computed 0x%08x)", stored, computed),
          validFrameAfter(buf, pos + 1, expected));
    }
    long index = buf.getLong(pos + 8);
    long term = buf.getLong(pos + 16);
    if (index != expected) {
      return new Damaged(pos, "index gap: expected index " + expected + ", found " + index, true);
    }
    if (term < lastTerm) {
      return new Damaged(pos, "term goes down from " + lastTerm + " to " + term + " at index " + index, true);
    }
    return new Clean();
  }

  /**
   * Whether a frame with a valid CRC and an index of at least {@code minIndex} starts at some
   * offset at or after {@code from}. Linear in practice: the CRC is computed only where the
   * index field is plausible for the bytes that remain.
   */
  static boolean validFrameAfter(ByteBuffer buf, int from, long minIndex) {
    int limit = buf.limit();
    for (int q = Math.max(from, 0); q <= limit - WalFormat.FRAME_OVERHEAD; q++) {
      int length = buf.getInt(q);
      if (length < WalFormat.MIN_LENGTH || length > limit - q - 8) {
        continue;
      }
      long index = buf.getLong(q + 8);
      long maxFrames = (limit - q) / WalFormat.FRAME_OVERHEAD;
      if (index < minIndex || index - minIndex > maxFrames) {
        continue;
      }
      if (buf.getInt(q + 4) == WalFormat.crc(buf, q, length)) {
        return true;
      }
    }
    return false;
  }
}
