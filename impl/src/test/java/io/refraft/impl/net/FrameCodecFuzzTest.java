package io.refraft.impl.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;

/**
 * Arbitrary bytes as a connection's inbound stream: a handshake frame, then payload frames. The
 * decoders must return a clean result or their own {@link WireException}; anything else (an index
 * error, an allocation failure, a hang) fails the test.
 *
 * <p>With {@code mvn verify} only the inputs in {@code FrameCodecFuzzTestInputs/} (and an empty
 * input) run, as regression tests. {@code impl/fuzz-net.sh SECONDS} fuzzes for real.
 */
class FrameCodecFuzzTest {

  /** Small, so the fuzzer reaches the oversized branch with short inputs. */
  private static final int MAX_FRAME = 1024;

  @FuzzTest
  void connectionBytes(byte[] data) throws IOException {
    ByteArrayInputStream in = new ByteArrayInputStream(data);
    try {
      byte[] hello = FrameCodec.read(in, Hello.MAX_BYTES);
      if (hello == null) {
        return;
      }
      try {
        // a decoded handshake re-encodes to exactly the bytes it came from: one encoding per value
        assertArrayEquals(hello, Hello.decode(hello).encode());
      } catch (HandshakeException e) {
        assertNotNull(e.refusal());
      }
      int framesStart = data.length - in.available();
      ByteArrayOutputStream reencoded = new ByteArrayOutputStream();
      for (byte[] f = FrameCodec.read(in, MAX_FRAME); f != null; f = FrameCodec.read(in, MAX_FRAME)) {
        FrameCodec.write(reencoded, f);
      }
      assertArrayEquals(Arrays.copyOfRange(data, framesStart, data.length), reencoded.toByteArray(),
          "decoded frames re-encode to the input");
    } catch (MalformedFrameException e) {
      assertNotNull(e.problem());
    }
  }
}
