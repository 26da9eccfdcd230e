package io.refraft.impl.net;

import java.io.IOException;

/**
 * Bytes from a peer that do not follow the wire protocol. The decoders report every malformed input
 * as one of these subclasses and nothing else: no index or allocation error escapes them.
 */
public abstract sealed class WireException extends IOException
    permits MalformedFrameException, HandshakeException {

  private static final long serialVersionUID = 1L;

  WireException(String message) {
    super(message);
  }
}
