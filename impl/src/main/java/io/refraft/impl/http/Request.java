package io.refraft.impl.http;

import java.util.Arrays;
import java.util.Objects;

/**
 * One parsed request: method, target, header fields in arrival order and the whole body (de-chunked).
 * Header names compare case-insensitively (RFC 9110 §5.1); values are the field's bytes as ISO-8859-1
 * characters with surrounding whitespace removed.
 */
public final class Request {
  private final String method;
  private final String path;
  private final String query;
  private final boolean http10;
  private final String[] fields;
  private final byte[] body;
  private final boolean keepAlive;

  /**
   * @param path the raw (still percent-encoded) path, starting with '/' (or "*")
   * @param query the raw query after '?', or null when the target has none
   * @param fields names and values alternating: name0, value0, name1, value1, ...
   * @param keepAlive whether the connection stays open after the answer (RFC 9112 §9.3)
   */
  Request(String method, String path, String query, boolean http10, String[] fields, byte[] body, boolean keepAlive) {
    this.method = Objects.requireNonNull(method, "method");
    this.path = Objects.requireNonNull(path, "path");
    this.query = query;
    this.http10 = http10;
    if (fields.length % 2 != 0) {
      throw new IllegalArgumentException("fields come in name/value pairs, got " + fields.length + " strings");
    }
    this.fields = fields;
    this.body = Objects.requireNonNull(body, "body");
    this.keepAlive = keepAlive;
  }

  public String method() {
    return method;
  }

  /** The raw path, percent-encoding kept: "/kv/a%2Fb". */
  public String path() {
    return path;
  }

  /** The raw query without '?', or null when the target has none. */
  public String query() {
    return query;
  }

  /**
   * This request with another query, for a {@link Handler} that rewrites requests before passing
   * them on; everything else is shared with this one.
   *
   * @param newQuery the raw query without '?', or null for none
   */
  public Request withQuery(String newQuery) {
    return new Request(method, path, newQuery, http10, fields, body, keepAlive);
  }

  /** The first value of the header field {@code name}, or null. */
  public String header(String name) {
    for (int i = 0; i < fields.length; i += 2) {
      if (fields[i].equalsIgnoreCase(name)) {
        return fields[i + 1];
      }
    }
    return null;
  }

  /** The number of header fields. */
  public int headerCount() {
    return fields.length / 2;
  }

  /** The body (empty when there was none); a non-empty array is this request's own. */
  public byte[] body() {
    return body;
  }

  boolean http10() {
    return http10;
  }

  boolean keepAlive() {
    return keepAlive;
  }

  @Override
  public String toString() {
    return method + " " + path + (query == null ? "" : "?" + query) + " " + Arrays.toString(fields) + " body "
        + body.length + " bytes";
  }
}
