package io.refraft.impl.net;

import io.refraft.impl.net.MalformedFrameException.Problem;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * The frame layer: {@code [u32 length, big-endian][length bytes of payload]}, nothing else.
 *
 * <p>The length is read as unsigned and compared with the receiver's maximum before any payload is
 * read, and the payload of a large frame is read in chunks as it arrives, so a hostile or corrupt
 * length prefix costs neither a huge allocation nor a hang beyond the socket's own timeout.
 */
public final class FrameCodec {

  public static final int HEADER_BYTES = 4;
  public static final int DEFAULT_MAX_FRAME_BYTES = 16 << 20;
  /** Frames up to this size are read into one array sized up front; larger ones in chunks. */
  private static final int EAGER_ALLOCATION_LIMIT = 64 << 10;

  private FrameCodec() {}

  /** Writes one frame; does not flush, so a writer can batch many frames per flush. */
  public static void write(OutputStream out, byte[] payload) throws IOException {
    int n = payload.length;
    out.write(n >>> 24);
    out.write(n >>> 16);
    out.write(n >>> 8);
    out.write(n);
    out.write(payload);
  }

  /**
   * Reads one frame.
   *
   * @return the payload, or {@code null} if the stream ended cleanly at a frame boundary
   * @throws MalformedFrameException if the stream ends inside a frame or the length exceeds
   *     {@code maxFrameBytes}
   * @throws IOException if the stream itself fails
   */
  public static byte[] read(InputStream in, int maxFrameBytes) throws IOException {
    byte[] header = in.readNBytes(HEADER_BYTES);
    if (header.length == 0) {
      return null;
    }
    if (header.length < HEADER_BYTES) {
      throw new MalformedFrameException(Problem.TRUNCATED_HEADER,
          "stream ended after " + header.length + " of " + HEADER_BYTES + " length-prefix bytes");
    }
    long length = ((header[0] & 0xFFL) << 24) | ((header[1] & 0xFFL) << 16)
        | ((header[2] & 0xFFL) << 8) | (header[3] & 0xFFL);
    if (length > maxFrameBytes) {
      throw new MalformedFrameException(Problem.OVERSIZED,
          "frame of " + length + " bytes exceeds the maximum of " + maxFrameBytes + " bytes");
    }
    int n = (int) length;
    byte[] payload;
    int got;
    if (n <= EAGER_ALLOCATION_LIMIT) {
      payload = new byte[n];
      got = in.readNBytes(payload, 0, n);
    } else {
      payload = in.readNBytes(n); // grows with the bytes that actually arrive
      got = payload.length;
    }
    if (got < n) {
      throw new MalformedFrameException(Problem.TRUNCATED_PAYLOAD,
          "stream ended after " + got + " of " + n + " payload bytes");
    }
    return payload;
  }

  /** Decodes a whole byte stream into frames; for tests and fuzzing. */
  public static List<byte[]> readAll(byte[] stream, int maxFrameBytes) throws MalformedFrameException {
    List<byte[]> frames = new ArrayList<>();
    try (InputStream in = new ByteArrayInputStream(stream)) {
      for (byte[] f = read(in, maxFrameBytes); f != null; f = read(in, maxFrameBytes)) {
        frames.add(f);
      }
    } catch (MalformedFrameException e) {
      throw e;
    } catch (IOException e) {
      throw new AssertionError("a ByteArrayInputStream does not fail", e);
    }
    return frames;
  }
}
