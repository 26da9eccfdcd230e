package io.refraft.impl.snapshot;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.refraft.impl.codec.MalformedMessageException;
import io.refraft.impl.codec.MessageCodec;
import io.refraft.impl.snapshot.TransferFrame.Abort;
import io.refraft.impl.snapshot.TransferFrame.AbortReason;
import io.refraft.impl.snapshot.TransferFrame.Ack;
import io.refraft.impl.snapshot.TransferFrame.Cancel;
import io.refraft.impl.snapshot.TransferFrame.Chunk;
import io.refraft.impl.snapshot.TransferFrame.Done;
import io.refraft.impl.snapshot.TransferFrame.Offer;
import io.refraft.impl.snapshot.TransferFrame.Resume;
import io.refraft.spec.Message;
import io.refraft.spec.NodeId;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class TransferCodecTest {

  private static byte[] chunkOf(long id, int epoch, long offset, byte[] data) {
    byte[] f = TransferCodec.chunk(id, epoch, offset, data.length);
    System.arraycopy(data, 0, f, TransferCodec.CHUNK_HEADER, data.length);
    TransferCodec.seal(f);
    return f;
  }

  @Test
  void every_frame_decodes_to_what_was_encoded_and_reencodes_to_the_same_bytes() throws Exception {
    List<byte[]> frames = List.of(
        TransferCodec.offer(7, -5, 3, 1L << 40, 0xCAFEBABE, new byte[] {1, 2, 3}),
        TransferCodec.offer(0, 0, 0, 0, 0, new byte[0]),
        chunkOf(7, 2, 262144, new byte[] {9, 8, 7, 6}),
        TransferCodec.cancel(7),
        TransferCodec.ack(7, 1234),
        TransferCodec.resume(7, 5, 4096),
        TransferCodec.done(Long.MAX_VALUE),
        TransferCodec.abort(7, AbortReason.TOO_LARGE));
    for (byte[] f : frames) {
      assertTrue(TransferCodec.isTransfer(f));
      assertArrayEquals(f, TransferCodec.encode(TransferCodec.decode(f)), Arrays.toString(f));
    }
    Offer o = (Offer) TransferCodec.decode(frames.get(0));
    assertEquals(1L << 40, o.totalBytes());
    assertEquals(-5, o.nonce());
    assertEquals(0xCAFEBABE, o.fileCrc());
    assertArrayEquals(new byte[] {1, 2, 3}, o.request());
    Chunk c = (Chunk) TransferCodec.decode(frames.get(2));
    assertEquals(262144, c.offset());
    assertEquals(4, c.length());
    assertTrue(TransferCodec.crcMatches(c));
    assertEquals(new Resume(7, 5, 4096), TransferCodec.decode(frames.get(5)));
    assertEquals(new Abort(7, AbortReason.TOO_LARGE), TransferCodec.decode(frames.get(7)));
    assertEquals(new Ack(7, 1234), TransferCodec.decode(frames.get(4)));
    assertEquals(new Cancel(7), TransferCodec.decode(frames.get(3)));
    assertEquals(new Done(Long.MAX_VALUE), TransferCodec.decode(frames.get(6)));
  }

  @Test
  void a_flipped_bit_anywhere_in_a_chunk_but_its_tag_and_kind_fails_its_crc() throws Exception {
    byte[] good = chunkOf(11, 1, 1 << 20, new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
    for (int i = 2; i < good.length; i++) {
      for (int bit = 0; bit < 8; bit++) {
        byte[] bad = good.clone();
        bad[i] ^= (byte) (1 << bit);
        TransferFrame f;
        try {
          f = TransferCodec.decode(bad);
        } catch (MalformedTransferException e) {
          continue; // a flip into a negative id, epoch or offset is refused before the CRC
        }
        assertFalse(TransferCodec.crcMatches((Chunk) f), "byte " + i + " bit " + bit);
      }
    }
  }

  @Test
  void malformed_frames_are_refused_with_what_and_where() {
    byte[] ack = TransferCodec.ack(1, 2);
    assertMalformed(new byte[] {TransferCodec.TAG, 4}, "shorter than its 10-byte head at byte 0");
    assertMalformed(withByte(ack, 0, 0x01), "tag 0x1 is not 0xf5 at byte 0");
    assertMalformed(withByte(ack, 1, 99), "unknown kind 99 at byte 1");
    assertMalformed(withByte(ack, 2, 0x80), "transferId -");
    assertMalformed(Arrays.copyOf(ack, ack.length - 1), "truncated offset: 7 of 8 bytes at byte 10");
    assertMalformed(Arrays.copyOf(ack, ack.length + 1), "1 bytes after the frame at byte 18");
    byte[] chunkHead = Arrays.copyOf(chunkOf(1, 0, 0, new byte[] {1}), TransferCodec.CHUNK_HEADER);
    assertMalformed(chunkHead, "chunk without data at byte 26");
    byte[] abort = TransferCodec.abort(1, AbortReason.BUSY);
    assertMalformed(withByte(abort, 10, 0), "unknown abort reason 0 at byte 10");
    assertMalformed(withByte(TransferCodec.resume(1, 0, 0), 10, 0x80), "epoch -");
  }

  @Test
  void no_raft_message_starts_with_the_transfer_tag_and_the_message_codec_refuses_transfer_frames() {
    Message m = new Message.AppendEntriesResponse(NodeId.of("n1"), NodeId.of("n2"), 3, true, 5, 0, 0, 0);
    byte[] encoded = MessageCodec.encode(1, m);
    assertFalse(TransferCodec.isTransfer(encoded));
    assertFalse(TransferCodec.isTransfer(new byte[0]));
    byte[] offer = TransferCodec.offer(1, 0, 0, 10, 0, encoded);
    assertEquals(0, MessageCodec.type(offer), "the metrics count a transfer frame as no message type");
    assertThrows(MalformedMessageException.class, () -> MessageCodec.decode(offer));
  }

  private static byte[] withByte(byte[] f, int at, int value) {
    byte[] b = f.clone();
    b[at] = (byte) value;
    return b;
  }

  private static void assertMalformed(byte[] bytes, String expected) {
    MalformedTransferException e = assertThrows(MalformedTransferException.class, () -> TransferCodec.decode(bytes));
    assertTrue(e.getMessage().contains(expected), e.getMessage() + " should contain " + expected);
  }
}
