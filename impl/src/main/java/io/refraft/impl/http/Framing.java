package io.refraft.impl.http;

import java.util.Locale;

/**
 * How a request's body is delimited and whether the connection persists, from its header fields
 * (RFC 9112 §6.3, §9.3; RFC 9110 §10.1.1).
 *
 * @param contentLength the declared length, or -1 when there is no Content-Length
 * @param chunked the body is chunked (Transfer-Encoding: chunked)
 * @param keepAlive the connection stays open after the answer
 * @param expect100 the client awaits 100 Continue before sending the body
 */
record Framing(long contentLength, boolean chunked, boolean keepAlive, boolean expect100) {
  Framing {
    if (contentLength < -1 || (chunked && contentLength != -1)) {
      throw new IllegalArgumentException("contentLength " + contentLength + " with chunked " + chunked);
    }
  }

  /** @param f header names and values alternating */
  static Framing of(String[] f, boolean http10) throws HttpException {
    long length = -1;
    int hosts = 0;
    String codings = null;
    boolean close = false;
    boolean keepAliveToken = false;
    String expect = null;
    for (int i = 0; i < f.length; i += 2) {
      String name = f[i];
      String value = f[i + 1];
      if (name.equalsIgnoreCase("Content-Length")) {
        length = contentLength(value, length);
      } else if (name.equalsIgnoreCase("Host")) {
        hosts++;
      } else if (name.equalsIgnoreCase("Transfer-Encoding")) {
        codings = codings == null ? value : codings + "," + value;
      } else if (name.equalsIgnoreCase("Connection")) {
        for (String token : value.split(",")) {
          close |= token.strip().equalsIgnoreCase("close");
          keepAliveToken |= token.strip().equalsIgnoreCase("keep-alive");
        }
      } else if (name.equalsIgnoreCase("Expect")) {
        expect = value;
      }
    }
    if (!http10 && hosts != 1) {
      throw new HttpException(400, "an HTTP/1.1 request needs exactly one Host header field (RFC 9112 §3.2), got "
          + hosts);
    }
    boolean chunked = codings != null && chunked(codings, http10, length);
    boolean expect100 = false;
    if (expect != null) {
      if (!expect.equalsIgnoreCase("100-continue")) {
        throw new HttpException(417, "the only expectation supported is 100-continue, got '" + expect + "'");
      }
      expect100 = !http10; // RFC 9110 §10.1.1: ignore 100-continue from an HTTP/1.0 client
    }
    boolean keepAlive = http10 ? keepAliveToken && !close : !close;
    return new Framing(length, chunked, keepAlive, expect100);
  }

  /** RFC 9112 §6.3: a list of equal values is that value; differing values are an error. */
  private static long contentLength(String value, long before) throws HttpException {
    long length = before;
    for (String part : value.indexOf(',') < 0 ? new String[] {value} : value.split(",", -1)) {
      long n = digits(part.strip());
      if (n < 0) {
        throw new HttpException(400, "invalid Content-Length '" + value + "': expected a whole number of bytes");
      }
      if (length != -1 && length != n) {
        throw new HttpException(400, "conflicting Content-Length values " + length + " and " + n);
      }
      length = n;
    }
    return length;
  }

  /** The value of 1 to 18 decimal digits, or -1. */
  private static long digits(String v) {
    if (v.isEmpty() || v.length() > 18) {
      return -1;
    }
    long n = 0;
    for (int i = 0; i < v.length(); i++) {
      char c = v.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      n = n * 10 + (c - '0');
    }
    return n;
  }

  /**
   * RFC 9112 §6.1/§6.3: Transfer-Encoding with Content-Length, or in HTTP/1.0, is refused as
   * ambiguous framing (400); chunked must be the last coding (else 400); any other coding is not
   * implemented here (501).
   */
  private static boolean chunked(String codings, boolean http10, long length) throws HttpException {
    if (http10) {
      throw new HttpException(400, "Transfer-Encoding in an HTTP/1.0 request");
    }
    if (length != -1) {
      throw new HttpException(400, "both Transfer-Encoding and Content-Length: send one");
    }
    String[] list = codings.split(",", -1);
    String last = list[list.length - 1].strip().toLowerCase(Locale.ROOT);
    if (!last.equals("chunked")) {
      throw new HttpException(400, "Transfer-Encoding must end with chunked in a request, got '" + codings + "'");
    }
    if (list.length > 1) {
      throw new HttpException(501, "transfer coding '" + list[0].strip() + "' is not supported: send chunked alone");
    }
    return true;
  }
}
