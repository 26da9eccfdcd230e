package io.refraft.impl.snapshot;

import java.io.Serial;

/** A snapshot transfer that ended without the file installed: the receiver aborted, or the file was unreadable. */
public final class TransferFailedException extends Exception {
  @Serial private static final long serialVersionUID = 1L;

  public TransferFailedException(String message) {
    super(message);
  }
}
