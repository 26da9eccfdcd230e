package io.refraft.impl.net;

import java.util.Objects;

/** A peer's handshake was refused; {@link #refusal()} says why, the message gives the values. */
public final class HandshakeException extends WireException {

  private static final long serialVersionUID = 1L;

  private final Refusal refusal;

  public HandshakeException(Refusal refusal, String message) {
    super(Objects.requireNonNull(refusal, "refusal") + ": " + message);
    this.refusal = refusal;
  }

  public Refusal refusal() {
    return refusal;
  }
}
