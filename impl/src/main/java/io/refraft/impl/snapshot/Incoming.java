package io.refraft.impl.snapshot;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

/**
 * One transfer the receiver runs, confined to the receiver's thread.
 *
 * <p>Invariants: (1) the file holds exactly the bytes {@code [0, verified)}, each from a chunk whose
 * CRC32C matched, written in order; (2) {@code crc} is the CRC32C of those bytes; (3)
 * {@code verified <= total}.
 */
final class Incoming {
  final String from;
  final long id;
  /** The run being received: a run of the same id and content that restarted resumes this file. */
  long nonce;
  final long total;
  final int fileCrc;
  /** The request of the latest run ({@code nonce}): that is what the sender wants delivered. */
  byte[] request;
  final Path part;
  private final FileChannel channel;
  private final CRC32C crc = new CRC32C();
  long verified;
  /** The latest epoch of a valid frame, the one a Resume for a corrupt chunk names. */
  int lastEpoch;
  /** The epoch of the last Resume sent: one per epoch, however many chunks a gap is followed by. */
  int resumedEpoch = -1;
  long lastHeardNanos;

  private Incoming(String from, TransferFrame.Offer o, Path part, FileChannel channel) {
    this.from = from;
    this.id = o.transferId();
    this.nonce = o.nonce();
    this.total = o.totalBytes();
    this.fileCrc = o.fileCrc();
    this.request = o.request();
    this.part = part;
    this.channel = channel;
  }

  static Incoming create(String from, TransferFrame.Offer o, Path part) throws IOException {
    FileChannel ch = FileChannel.open(part, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    return new Incoming(from, o, part, ch);
  }

  /** Appends a verified chunk's data at {@code verified}. */
  void append(byte[] frame, int at, int length) throws IOException {
    ByteBuffer buf = ByteBuffer.wrap(frame, at, length);
    while (buf.hasRemaining()) {
      channel.write(buf, verified + buf.position() - at);
    }
    crc.update(frame, at, length);
    verified += length;
  }

  boolean checksumMatches() {
    return (int) crc.getValue() == fileCrc;
  }

  /** fsync of data and size, then close. */
  void syncAndClose() throws IOException {
    try (channel) {
      channel.force(true);
    }
  }

  /** Closes and deletes the partial file; errors are reported, not thrown. */
  String discard() {
    try {
      channel.close();
      Files.deleteIfExists(part);
      return null;
    } catch (IOException e) {
      return e.toString();
    }
  }
}
