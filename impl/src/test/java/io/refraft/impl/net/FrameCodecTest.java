package io.refraft.impl.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.refraft.impl.net.MalformedFrameException.Problem;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class FrameCodecTest {

  private static byte[] encode(byte[]... payloads) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : payloads) {
      FrameCodec.write(out, p);
    }
    return out.toByteArray();
  }

  @Test
  void when_frames_are_written_then_reading_returns_them_in_order_and_null_at_the_end() throws IOException {
    byte[] a = "hello".getBytes(StandardCharsets.UTF_8);
    byte[] b = new byte[0];
    byte[] c = new byte[100_000];
    c[99_999] = 7;
    List<byte[]> frames = FrameCodec.readAll(encode(a, b, c), 1 << 20);
    assertEquals(3, frames.size());
    assertArrayEquals(a, frames.get(0));
    assertArrayEquals(b, frames.get(1));
    assertArrayEquals(c, frames.get(2));
  }

  @Test
  void when_the_length_prefix_is_big_endian_then_its_bytes_are_the_length() throws IOException {
    byte[] payload = new byte[258];
    payload[0] = 9;
    assertArrayEquals(new byte[] {0, 0, 1, 2, 9}, slice(encode(payload), 5));
  }

  @Test
  void when_the_stream_is_empty_then_read_returns_null() throws IOException {
    assertNull(FrameCodec.read(new ByteArrayInputStream(new byte[0]), 10));
  }

  @Test
  void when_the_stream_ends_inside_the_prefix_then_truncated_header() {
    var e = assertThrows(MalformedFrameException.class, () -> FrameCodec.readAll(new byte[] {0, 0, 1}, 10));
    assertEquals(Problem.TRUNCATED_HEADER, e.problem());
  }

  @Test
  void when_the_stream_ends_inside_the_payload_then_truncated_payload() {
    var e = assertThrows(MalformedFrameException.class, () -> FrameCodec.readAll(new byte[] {0, 0, 0, 5, 1, 2}, 10));
    assertEquals(Problem.TRUNCATED_PAYLOAD, e.problem());
  }

  @Test
  void when_the_length_exceeds_the_maximum_then_oversized_without_reading_the_payload() {
    var e = assertThrows(MalformedFrameException.class, () -> FrameCodec.readAll(new byte[] {0, 0, 0, 11}, 10));
    assertEquals(Problem.OVERSIZED, e.problem());
  }

  @Test
  void when_the_length_is_exactly_the_maximum_then_the_frame_is_accepted() throws IOException {
    assertEquals(10, FrameCodec.readAll(encode(new byte[10]), 10).get(0).length);
  }

  @Test
  void when_the_prefix_has_the_top_bit_set_then_it_is_unsigned_and_oversized() {
    byte[] max = {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF};
    var e = assertThrows(MalformedFrameException.class, () -> FrameCodec.readAll(max, Integer.MAX_VALUE));
    assertEquals(Problem.OVERSIZED, e.problem());
    assertEquals("frame of 4294967295 bytes exceeds the maximum of 2147483647 bytes", e.getMessage());
  }

  @Test
  void when_a_huge_length_is_declared_but_few_bytes_follow_then_truncated_without_allocating_it() {
    byte[] stream = {0x7F, (byte) 0xFF, (byte) 0xFF, (byte) 0xF0, 1, 2, 3};
    var e = assertThrows(MalformedFrameException.class, () -> FrameCodec.readAll(stream, Integer.MAX_VALUE));
    assertEquals(Problem.TRUNCATED_PAYLOAD, e.problem());
  }

  private static byte[] slice(byte[] b, int n) {
    byte[] r = new byte[n];
    System.arraycopy(b, 0, r, 0, n);
    return r;
  }
}
