package io.refraft.impl.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.refraft.spec.Payload;

/**
 * Arbitrary bytes as a received message and as a log record's payload. The decoders must return a
 * value that re-encodes to exactly the input, or throw {@link MalformedMessageException}; any other
 * exception, an allocation failure or a hang fails the test.
 *
 * <p>With {@code mvn verify} only the inputs in {@code MessageCodecFuzzTestInputs/} (and an empty
 * input) run, as regression tests. {@code impl/fuzz-codec.sh SECONDS} fuzzes for real.
 */
class MessageCodecFuzzTest {

  @FuzzTest
  void messageBytes(byte[] data) {
    try {
      MessageCodec.Envelope e = MessageCodec.decode(data);
      assertArrayEquals(data, MessageCodec.encode(e.seq(), e.message()), "a decoded message re-encodes to its input");
    } catch (MalformedMessageException e) {
      assertNotNull(e.problem());
    }
  }

  @FuzzTest
  void entryPayloadBytes(byte[] data) {
    try {
      Payload p = EntryCodec.decodePayload(data);
      assertArrayEquals(data, EntryCodec.toRecord(1, new io.refraft.spec.Entry(1, p)).payload(),
          "a decoded payload re-encodes to its input");
    } catch (MalformedMessageException e) {
      assertNotNull(e.problem());
    }
  }
}
