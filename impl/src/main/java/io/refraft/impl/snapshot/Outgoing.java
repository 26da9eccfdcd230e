package io.refraft.impl.snapshot;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.CompletableFuture;
import java.util.zip.CRC32C;

/**
 * One transfer the shipper runs, confined to the shipper's thread.
 *
 * <p>Invariants: (1) {@code acked <= next <= total}; (2) {@code next - acked <= window} after every
 * send; (3) while {@code awaitingResume} no chunk is sent: the sender waits for the receiver to say
 * where to go on.
 */
final class Outgoing {
  final String peer;
  final long id;
  final Path file;
  final byte[] request;
  /** Unique to this run of the transfer ({@link TransferFrame.Offer#nonce()}). */
  final long nonce;
  final CompletableFuture<Void> done = new CompletableFuture<>();

  FileChannel channel;
  long total;
  int fileCrc;
  int epoch;
  long acked;
  long next;
  /** The end of the furthest chunk ever sent: a chunk below it is sent again. */
  long highestSent;
  boolean awaitingResume = true;
  /** The last ack, resume or (re-)offer: what the retransmission timeout counts from. */
  long lastMovedNanos;
  /** The last ack or resume from the receiver: what giving up counts from. */
  long lastHeardNanos;

  Outgoing(String peer, long id, long nonce, Path file, byte[] request) {
    this.peer = peer;
    this.nonce = nonce;
    this.id = id;
    this.file = file;
    this.request = request;
  }

  /** Opens the file and computes its CRC32C (one sequential read; the offer carries it). */
  void open() throws IOException {
    channel = FileChannel.open(file, StandardOpenOption.READ);
    total = channel.size();
    CRC32C crc = new CRC32C();
    ByteBuffer buf = ByteBuffer.allocateDirect(1 << 20);
    for (long pos = 0; pos < total; ) {
      buf.clear();
      int n = channel.read(buf, pos);
      if (n < 0) {
        throw new IOException(file + ": ended at byte " + pos + " of " + total + " while computing its CRC32C");
      }
      buf.flip();
      crc.update(buf);
      pos += n;
    }
    fileCrc = (int) crc.getValue();
  }

  /** Reads {@code length} bytes at {@code position} into {@code frame} from {@code at}. */
  void read(byte[] frame, int at, int length, long position) throws IOException {
    ByteBuffer buf = ByteBuffer.wrap(frame, at, length);
    while (buf.hasRemaining()) {
      int n = channel.read(buf, position + buf.position() - at);
      if (n < 0) {
        throw new IOException(file + ": ended at byte " + (position + buf.position() - at) + " of " + total
            + " (changed while being sent?)");
      }
    }
  }

  void close() {
    if (channel == null) {
      return;
    }
    try {
      channel.close();
    } catch (IOException e) {
      // Read-only: nothing of ours can be lost by a failed close.
    }
  }
}
