package io.refraft.impl.snapshot;

import java.util.Objects;

/**
 * One decoded snapshot-transfer payload ({@link TransferCodec}). The sender's frames
 * ({@link Offer}, {@link Chunk}, {@link Cancel}) go to the receiver; the receiver's ({@link Ack},
 * {@link Resume}, {@link Done}, {@link Abort}) go back to the sender.
 *
 * <p>{@code epoch} numbers the sender's rewinds of one transfer: a {@link Resume} answers the frame
 * of one epoch, and the sender acts on a Resume of its current epoch only, so the many gaps one lost
 * chunk causes rewind it once.
 */
public sealed interface TransferFrame {

  /** The transfer this frame belongs to, as the sender numbered it. */
  long transferId();

  /** Whether the receiver's side handles it (the sender's side handles the others). */
  default boolean toReceiver() {
    return switch (this) {
      case Offer o -> true;
      case Chunk c -> true;
      case Cancel c -> true;
      case Ack a -> false;
      case Resume r -> false;
      case Done d -> false;
      case Abort a -> false;
    };
  }

  /**
   * "I have {@code totalBytes} for you whose CRC32C is {@code fileCrc}; from where do I send?"
   * {@code nonce} tells apart two runs of the same transfer id (a snapshot shipped again): only a
   * re-offer of the run that finished is answered with {@link Done}.
   */
  record Offer(long transferId, long nonce, int epoch, long totalBytes, int fileCrc, byte[] request)
      implements TransferFrame {
    public Offer {
      Objects.requireNonNull(request, "request");
    }
  }

  /**
   * The bytes at {@code offset}: {@code frame[dataStart..]}, kept in the received array (a chunk is
   * not copied). {@code crc} is the CRC32C the sender computed over every other byte of the frame;
   * nothing of a chunk is trusted before {@link TransferCodec#crcMatches} says it matches.
   */
  record Chunk(long transferId, int epoch, long offset, int crc, byte[] frame, int dataStart)
      implements TransferFrame {
    public int length() {
      return frame.length - dataStart;
    }
  }

  /** The sender gave up on this transfer (a newer one to the same peer, or it closed). */
  record Cancel(long transferId) implements TransferFrame {}

  /** The receiver has verified and written every byte before {@code offset}. */
  record Ack(long transferId, long offset) implements TransferFrame {}

  /** "Send again from {@code offset}": the answer to an Offer, a gap or a corrupt chunk of {@code epoch}. */
  record Resume(long transferId, int epoch, long offset) implements TransferFrame {}

  /** The whole file arrived, matched its checksum, is durable and was handed on. */
  record Done(long transferId) implements TransferFrame {}

  /** The receiver refused or dropped the transfer; the sender stops. */
  record Abort(long transferId, AbortReason reason) implements TransferFrame {}

  /** Why a receiver aborted a transfer; the code is the byte on the wire. */
  enum AbortReason {
    BUSY(1, "the receiver already runs its maximum of concurrent transfers"),
    TOO_LARGE(2, "the receiver's limit on bytes in transfer would be exceeded"),
    CHECKSUM(3, "the whole file's CRC32C did not match the offer's"),
    IO(4, "the receiver could not write or hand on the file"),
    NO_SPACE(5, "the receiver's disk has no room for the file");

    final int code;
    final String meaning;

    AbortReason(int code, String meaning) {
      this.code = code;
      this.meaning = meaning;
    }

    static AbortReason ofCode(int code) {
      for (AbortReason r : values()) {
        if (r.code == code) {
          return r;
        }
      }
      return null;
    }

    public String meaning() {
      return meaning;
    }
  }
}
