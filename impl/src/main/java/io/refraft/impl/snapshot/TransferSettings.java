package io.refraft.impl.snapshot;

import java.time.Duration;
import java.util.Objects;

/**
 * Limits and timeouts of snapshot transfers.
 *
 * <p>Invariants: (1) {@code 1 <= chunkBytes <= 16 MiB - header}, so a chunk fits a transport frame;
 * (2) {@code windowChunks >= 1}; (3) durations are positive; (4) {@code maxIncoming >= 1} and
 * {@code maxIncomingBytes >= 1}.
 *
 * @param chunkBytes data bytes per chunk
 * @param windowChunks chunks sent and not yet acknowledged, per transfer: bounds the sender's memory
 *     in the transport's queue and how long a Raft message queued behind them waits
 * @param retransmitAfter the sender offers again (and resumes where the receiver says) when nothing
 *     moved for this long
 * @param abandonAfter the receiver deletes a partial file after this long without a valid frame, and
 *     the sender gives up after this long without an answer
 * @param maxIncoming transfers a receiver runs at once (one per sending peer at most)
 * @param maxIncomingBytes sum of the sizes of the transfers a receiver runs at once
 */
public record TransferSettings(int chunkBytes, int windowChunks, Duration retransmitAfter, Duration abandonAfter,
    int maxIncoming, long maxIncomingBytes) {

  static final int MAX_CHUNK_BYTES = (16 << 20) - TransferCodec.CHUNK_HEADER;

  public TransferSettings {
    if (chunkBytes < 1 || chunkBytes > MAX_CHUNK_BYTES) {
      throw new IllegalArgumentException("chunkBytes must be in 1.." + MAX_CHUNK_BYTES + ", got " + chunkBytes);
    }
    if (windowChunks < 1) {
      throw new IllegalArgumentException("windowChunks must be >= 1, got " + windowChunks);
    }
    if (!positive(retransmitAfter) || !positive(abandonAfter)) {
      throw new IllegalArgumentException("retransmitAfter and abandonAfter must be positive, got "
          + retransmitAfter + " and " + abandonAfter);
    }
    if (maxIncoming < 1 || maxIncomingBytes < 1) {
      throw new IllegalArgumentException("maxIncoming and maxIncomingBytes must be >= 1, got "
          + maxIncoming + " and " + maxIncomingBytes);
    }
  }

  /**
   * 256 KiB chunks, 16 in flight (4 MiB: a heartbeat behind a full window waits a few ms on
   * loopback, tens on a 1 Gbit/s link), retransmit after 1 s, abandon after 30 s, 2 incoming
   * transfers of at most 16 GiB together.
   */
  public static TransferSettings defaults() {
    return new TransferSettings(256 << 10, 16, Duration.ofSeconds(1), Duration.ofSeconds(30), 2, 16L << 30);
  }

  public long windowBytes() {
    return (long) chunkBytes * windowChunks;
  }

  public TransferSettings withChunks(int bytes, int window) {
    return new TransferSettings(bytes, window, retransmitAfter, abandonAfter, maxIncoming, maxIncomingBytes);
  }

  public TransferSettings withTimeouts(Duration retransmit, Duration abandon) {
    return new TransferSettings(chunkBytes, windowChunks, retransmit, abandon, maxIncoming, maxIncomingBytes);
  }

  public TransferSettings withIncomingLimits(int transfers, long bytes) {
    return new TransferSettings(chunkBytes, windowChunks, retransmitAfter, abandonAfter, transfers, bytes);
  }

  private static boolean positive(Duration d) {
    return Objects.nonNull(d) && !d.isNegative() && !d.isZero();
  }
}
