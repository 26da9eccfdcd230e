package io.refraft.impl.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class HelloTest {

  @Test
  void when_encoded_then_decoding_gives_the_same_hello() throws HandshakeException {
    Hello h = Hello.of("cluster-α", "n1");
    assertEquals(h, Hello.decode(h.encode()));
  }

  @Test
  void when_encoded_then_the_layout_is_magic_version_and_length_prefixed_ids() {
    byte[] expected = {'R', 'F', 'R', 'T', 0, 1, 1, 'c', 2, 'n', '1'};
    assertArrayEquals(expected, Hello.of("c", "n1").encode());
  }

  @Test
  void when_the_magic_is_wrong_then_bad_magic() {
    byte[] b = Hello.of("c", "n1").encode();
    b[0] = 'G';
    assertEquals(Refusal.BAD_MAGIC, refusalOf(b));
  }

  @Test
  void when_the_version_differs_then_version_mismatch_before_reading_the_rest() {
    byte[] b = ByteBuffer.allocate(7).putInt(Hello.MAGIC).putShort((short) 2).put((byte) 99).array();
    assertEquals(Refusal.VERSION_MISMATCH, refusalOf(b));
  }

  @Test
  void when_bytes_follow_the_node_id_then_malformed() {
    byte[] h = Hello.of("c", "n1").encode();
    byte[] b = ByteBuffer.allocate(h.length + 1).put(h).put((byte) 0).array();
    assertEquals(Refusal.MALFORMED, refusalOf(b));
  }

  @Test
  void when_an_id_is_truncated_empty_or_not_utf8_then_malformed() {
    assertEquals(Refusal.MALFORMED, refusalOf(new byte[] {'R', 'F', 'R', 'T', 0, 1, 5, 'c'}));
    assertEquals(Refusal.MALFORMED, refusalOf(new byte[] {'R', 'F', 'R', 'T', 0, 1, 0, 1, 'n'}));
    assertEquals(Refusal.MALFORMED, refusalOf(new byte[] {'R', 'F', 'R', 'T', 0, 1, 1, (byte) 0xC3, 1, 'n'}));
    assertEquals(Refusal.MALFORMED, refusalOf(new byte[] {'R', 'F', 'R'}));
  }

  @Test
  void when_an_id_is_longer_than_255_bytes_then_the_constructor_names_the_field() {
    var e = assertThrows(IllegalArgumentException.class, () -> Hello.of("c", "n".repeat(256)));
    assertEquals(true, e.getMessage().startsWith("node id 'nnn"), e.getMessage());
  }

  @Test
  void when_an_id_has_an_unpaired_surrogate_then_the_constructor_refuses_it() {
    assertThrows(IllegalArgumentException.class, () -> Hello.of("c", "n\uD800"));
  }

  @Test
  void when_ids_are_at_the_maximum_then_the_encoding_is_max_bytes_long() {
    assertEquals(Hello.MAX_BYTES, Hello.of("c".repeat(255), "n".repeat(255)).encode().length);
  }

  private static Refusal refusalOf(byte[] b) {
    return assertThrows(HandshakeException.class, () -> Hello.decode(b)).refusal();
  }
}
