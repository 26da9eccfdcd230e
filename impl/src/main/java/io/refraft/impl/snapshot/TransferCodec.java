package io.refraft.impl.snapshot;

import io.refraft.impl.snapshot.TransferFrame.Abort;
import io.refraft.impl.snapshot.TransferFrame.AbortReason;
import io.refraft.impl.snapshot.TransferFrame.Ack;
import io.refraft.impl.snapshot.TransferFrame.Cancel;
import io.refraft.impl.snapshot.TransferFrame.Chunk;
import io.refraft.impl.snapshot.TransferFrame.Done;
import io.refraft.impl.snapshot.TransferFrame.Offer;
import io.refraft.impl.snapshot.TransferFrame.Resume;
import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * Snapshot-transfer frames as transport payloads. Layout (integers big-endian; {@code i63} a signed
 * 64-bit integer that must not be negative, {@code i31} a signed 32-bit one):
 *
 * <pre>
 * frame   = tag:u8 (= 0xF5) kind:u8 transferId:i63 body
 * kind 1  Offer   nonce:u64 epoch:i31 totalBytes:i63 fileCrc:u32 request:(the rest, 0.. bytes)
 * kind 2  Chunk   epoch:i31 offset:i63 crc:u32 data:(the rest, 1.. bytes)
 * kind 3  Cancel
 * kind 4  Ack     offset:i63
 * kind 5  Resume  epoch:i31 offset:i63
 * kind 6  Done
 * kind 7  Abort   reason:u8 (1 busy, 2 too large, 3 checksum, 4 I/O, 5 no space)
 * </pre>
 *
 * <p>A Raft message's first byte is its codec version ({@code MessageCodec.VERSION}, 1), so a
 * transfer frame on the same connection is told apart by its first byte alone; 0xF5 is far from any
 * version the message codec will reach. A chunk's {@code crc} is the CRC32C of every byte of the
 * frame but its own four, so a flipped bit in its offset or id is caught like one in its data.
 */
public final class TransferCodec {
  private TransferCodec() {}

  public static final byte TAG = (byte) 0xF5;
  static final int OFFER = 1;
  static final int CHUNK = 2;
  static final int CANCEL = 3;
  static final int ACK = 4;
  static final int RESUME = 5;
  static final int DONE = 6;
  static final int ABORT = 7;

  private static final int HEAD = 10;
  /** Bytes of a chunk frame before its data. */
  public static final int CHUNK_HEADER = HEAD + 4 + 8 + 4;
  private static final int CHUNK_CRC_AT = HEAD + 4 + 8;
  /** Bytes of an offer frame before its request. */
  public static final int OFFER_HEADER = HEAD + 8 + 4 + 8 + 4;

  /** Whether {@code payload} is a transfer frame (else: a Raft message for the driver). */
  public static boolean isTransfer(byte[] payload) {
    return payload.length > 0 && payload[0] == TAG;
  }

  public static byte[] offer(long id, long nonce, int epoch, long totalBytes, int fileCrc, byte[] request) {
    return head(OFFER_HEADER + request.length, OFFER, id).putLong(nonce).putInt(epoch).putLong(totalBytes).putInt(fileCrc)
        .put(request).array();
  }

  /**
   * A chunk frame with room for {@code dataLength} bytes at {@link #CHUNK_HEADER}: the caller fills
   * them in, then calls {@link #seal}. Saves copying each chunk once more.
   */
  public static byte[] chunk(long id, int epoch, long offset, int dataLength) {
    if (dataLength < 1) {
      throw new IllegalArgumentException("a chunk carries at least one byte, got " + dataLength);
    }
    return head(CHUNK_HEADER + dataLength, CHUNK, id).putInt(epoch).putLong(offset).array();
  }

  /** Writes the CRC32C of a filled-in {@link #chunk} frame into it. */
  public static void seal(byte[] chunkFrame) {
    ByteBuffer.wrap(chunkFrame).putInt(CHUNK_CRC_AT, chunkCrc(chunkFrame));
  }

  /** Whether the chunk's bytes are the ones its sender sealed. */
  public static boolean crcMatches(Chunk c) {
    return chunkCrc(c.frame()) == c.crc();
  }

  private static int chunkCrc(byte[] frame) {
    CRC32C crc = new CRC32C();
    crc.update(frame, 0, CHUNK_CRC_AT);
    crc.update(frame, CHUNK_HEADER, frame.length - CHUNK_HEADER);
    return (int) crc.getValue();
  }

  public static byte[] cancel(long id) {
    return head(HEAD, CANCEL, id).array();
  }

  public static byte[] ack(long id, long offset) {
    return head(HEAD + 8, ACK, id).putLong(offset).array();
  }

  public static byte[] resume(long id, int epoch, long offset) {
    return head(HEAD + 12, RESUME, id).putInt(epoch).putLong(offset).array();
  }

  public static byte[] done(long id) {
    return head(HEAD, DONE, id).array();
  }

  public static byte[] abort(long id, AbortReason reason) {
    return head(HEAD + 1, ABORT, id).put((byte) reason.code).array();
  }

  public static byte[] encode(TransferFrame f) {
    return switch (f) {
      case Offer o -> offer(o.transferId(), o.nonce(), o.epoch(), o.totalBytes(), o.fileCrc(), o.request());
      case Chunk c -> c.frame().clone();
      case Cancel c -> cancel(c.transferId());
      case Ack a -> ack(a.transferId(), a.offset());
      case Resume r -> resume(r.transferId(), r.epoch(), r.offset());
      case Done d -> done(d.transferId());
      case Abort a -> abort(a.transferId(), a.reason());
    };
  }

  private static ByteBuffer head(int size, int kind, long id) {
    if (id < 0) {
      throw new IllegalArgumentException("transfer id must be >= 0, got " + id);
    }
    return ByteBuffer.allocate(size).put(TAG).put((byte) kind).putLong(id);
  }

  /**
   * Decodes one frame occupying all of {@code bytes}; a chunk keeps {@code bytes} as its array. Checks
   * tag, kind, lengths and ranges, not a chunk's CRC (the receiver's thread does, off the transport's).
   *
   * @throws MalformedTransferException for anything that is not exactly one valid frame
   */
  public static TransferFrame decode(byte[] bytes) throws MalformedTransferException {
    if (bytes.length < HEAD) {
      throw new MalformedTransferException("frame of " + bytes.length + " bytes is shorter than its "
          + HEAD + "-byte head", 0);
    }
    if (bytes[0] != TAG) {
      throw new MalformedTransferException("tag 0x" + Integer.toHexString(bytes[0] & 0xFF) + " is not 0xf5", 0);
    }
    ByteBuffer in = ByteBuffer.wrap(bytes);
    int kind = bytes[1];
    in.position(2);
    long id = nonNegative(in, "transferId");
    TransferFrame f = switch (kind) {
      case OFFER -> decodeOffer(in, id, bytes);
      case CHUNK -> decodeChunk(in, id, bytes);
      case CANCEL -> new Cancel(id);
      case ACK -> new Ack(id, nonNegative(in, "offset"));
      case RESUME -> new Resume(id, epoch(in), nonNegative(in, "offset"));
      case DONE -> new Done(id);
      case ABORT -> new Abort(id, reason(in));
      default -> throw new MalformedTransferException("unknown kind " + kind, 1);
    };
    if (in.hasRemaining()) {
      throw new MalformedTransferException(in.remaining() + " bytes after the frame", in.position());
    }
    return f;
  }

  private static Offer decodeOffer(ByteBuffer in, long id, byte[] bytes) throws MalformedTransferException {
    long nonce = fixed(in, 8, "nonce").getLong();
    int epoch = epoch(in);
    long total = nonNegative(in, "totalBytes");
    int fileCrc = fixed(in, 4, "fileCrc").getInt();
    byte[] request = new byte[in.remaining()];
    in.get(request);
    return new Offer(id, nonce, epoch, total, fileCrc, request);
  }

  private static Chunk decodeChunk(ByteBuffer in, long id, byte[] bytes) throws MalformedTransferException {
    int epoch = epoch(in);
    long offset = nonNegative(in, "offset");
    int crc = fixed(in, 4, "crc").getInt();
    if (!in.hasRemaining()) {
      throw new MalformedTransferException("chunk without data", in.position());
    }
    if (offset > Long.MAX_VALUE - in.remaining()) {
      throw new MalformedTransferException("chunk offset " + offset + " + length overflows", HEAD + 4);
    }
    in.position(bytes.length);
    return new Chunk(id, epoch, offset, crc, bytes, CHUNK_HEADER);
  }

  private static AbortReason reason(ByteBuffer in) throws MalformedTransferException {
    int at = in.position();
    int code = fixed(in, 1, "reason").get() & 0xFF;
    AbortReason r = AbortReason.ofCode(code);
    if (r == null) {
      throw new MalformedTransferException("unknown abort reason " + code, at);
    }
    return r;
  }

  private static int epoch(ByteBuffer in) throws MalformedTransferException {
    int at = in.position();
    int e = fixed(in, 4, "epoch").getInt();
    if (e < 0) {
      throw new MalformedTransferException("epoch " + e + " is negative", at);
    }
    return e;
  }

  private static long nonNegative(ByteBuffer in, String field) throws MalformedTransferException {
    int at = in.position();
    long v = fixed(in, 8, field).getLong();
    if (v < 0) {
      throw new MalformedTransferException(field + " " + v + " is negative", at);
    }
    return v;
  }

  private static ByteBuffer fixed(ByteBuffer in, int n, String field) throws MalformedTransferException {
    if (in.remaining() < n) {
      throw new MalformedTransferException("truncated " + field + ": " + in.remaining() + " of " + n
          + " bytes", in.position());
    }
    return in;
  }
}
