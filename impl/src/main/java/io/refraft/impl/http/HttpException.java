package io.refraft.impl.http;

/**
 * A request the server refuses before any handler sees it (malformed, too large, unsupported). The
 * connection is closed after the answer, since the rest of the byte stream cannot be trusted to
 * start at a request boundary.
 */
public final class HttpException extends Exception {
  private static final long serialVersionUID = 1L;
  private final int status;
  private final long unreadBody;

  /**
   * @param unreadBody bytes of a declared body still on the wire, which the server reads and discards
   *     (up to a bound) after answering, so the client's unsent bytes do not turn the close into a reset
   *     that loses the answer
   */
  HttpException(int status, String message, long unreadBody) {
    super(message, null, false, false);
    if (status < 400 || status > 599) {
      throw new IllegalArgumentException("an error status is 4xx or 5xx, got " + status);
    }
    this.status = status;
    this.unreadBody = unreadBody;
  }

  HttpException(int status, String message) {
    this(status, message, 0);
  }

  public int status() {
    return status;
  }

  long unreadBody() {
    return unreadBody;
  }
}
