package io.refraft.impl.snapshot;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Arbitrary bytes as a received transfer frame: {@link TransferCodec#decode} returns a frame that
 * re-encodes to exactly the input, or throws {@link MalformedTransferException}; any other
 * exception, an allocation failure or a hang fails the test. With {@code mvn verify} only the inputs
 * in {@code TransferCodecFuzzTestInputs/} (and an empty input) run, as regression tests.
 */
class TransferCodecFuzzTest {

  @FuzzTest
  void frameBytes(byte[] data) {
    try {
      TransferFrame f = TransferCodec.decode(data);
      assertArrayEquals(data, TransferCodec.encode(f), "a decoded frame re-encodes to its input");
      if (f instanceof TransferFrame.Chunk c) {
        TransferCodec.crcMatches(c); // total: any chunk can be checked
      }
    } catch (MalformedTransferException e) {
      assertNotNull(e.getMessage());
    }
  }
}
