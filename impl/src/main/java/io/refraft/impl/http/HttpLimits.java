package io.refraft.impl.http;

/**
 * What one request may occupy.
 *
 * @param maxRequestLineBytes the longest request line (method, target, version); longer: 414
 * @param maxHeadBytes the largest request head (request line and header fields, with their line
 *     ends); larger: 431. Also the size of each connection's read buffer.
 * @param maxHeaderFields the most header fields in one request; more: 431
 * @param maxBodyBytes the largest request body, declared or chunked; larger: 413
 * @param idleTimeoutMs how long a connection may wait for the next bytes of a request, or for the
 *     next request, before the server closes it
 */
public record HttpLimits(int maxRequestLineBytes, int maxHeadBytes, int maxHeaderFields, int maxBodyBytes,
    int idleTimeoutMs) {
  public HttpLimits {
    if (maxRequestLineBytes < 64) {
      throw new IllegalArgumentException("maxRequestLineBytes must be >= 64, got " + maxRequestLineBytes);
    }
    if (maxHeadBytes < maxRequestLineBytes + 2) {
      throw new IllegalArgumentException("maxHeadBytes (" + maxHeadBytes + ") must hold the longest request line ("
          + maxRequestLineBytes + ") and its CR LF");
    }
    if (maxHeaderFields < 1) {
      throw new IllegalArgumentException("maxHeaderFields must be >= 1, got " + maxHeaderFields);
    }
    if (maxBodyBytes < 0) {
      throw new IllegalArgumentException("maxBodyBytes must be >= 0, got " + maxBodyBytes);
    }
    if (idleTimeoutMs < 1) {
      throw new IllegalArgumentException("idleTimeoutMs must be >= 1, got " + idleTimeoutMs);
    }
  }

  /**
   * 8 KiB request lines and 16 KiB heads, the sizes RFC 9112 §3 suggests as a minimum to accept
   * (8000 octets of request line) and common servers use; 100 fields; 60 s idle.
   */
  public static HttpLimits withMaxBody(int maxBodyBytes) {
    return new HttpLimits(8 * 1024, 16 * 1024, 100, maxBodyBytes, 60_000);
  }
}
