package io.refraft.impl.http;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.Locale;
import java.util.Set;

/**
 * The answer to the current request of one connection; reused for each request. A handler adds
 * header fields, writes the body into {@link #body()} (or passes an array) and calls {@code send}
 * once: status line, Date, Content-Type, Content-Length, the fields and the body leave in one write.
 */
public final class Response {
  /** Fields the server writes itself: a handler setting them could break the message framing. */
  private static final Set<String> RESERVED = Set.of("content-length", "transfer-encoding", "connection", "date",
      "content-type");

  private final OutputStream out;
  private final ByteSink body = new ByteSink(256);
  private final ByteSink message = new ByteSink(512);
  private String[] fields = new String[8];
  private int fieldCount;
  private boolean sent;
  private int status;
  private boolean headRequest;
  private boolean keepAlive;
  private boolean http10;

  Response(OutputStream out) {
    this.out = out;
  }

  void reset(Request request) {
    body.reset();
    fieldCount = 0;
    sent = false;
    status = 0;
    headRequest = request.method().equals("HEAD");
    keepAlive = request.keepAlive();
    http10 = request.http10();
  }

  /** Adds a header field to the answer. */
  public Response header(String name, String value) {
    if (RESERVED.contains(name.toLowerCase(Locale.ROOT))) {
      throw new IllegalArgumentException("the server writes the " + name + " field itself");
    }
    if (name.isEmpty() || !printable(name) || !printable(value)) {
      throw new IllegalArgumentException("header field " + name + " has a control character or is empty");
    }
    if (2 * fieldCount + 2 > fields.length) {
      fields = Arrays.copyOf(fields, fields.length * 2);
    }
    fields[2 * fieldCount] = name;
    fields[2 * fieldCount + 1] = value;
    fieldCount++;
    return this;
  }

  /** The reusable body buffer, empty at the start of each request. */
  public ByteSink body() {
    return body;
  }

  /** Sends what was written into {@link #body()}. */
  public void send(int status, String contentType) throws IOException {
    send(status, contentType, body.array(), body.size());
  }

  public void send(int status, String contentType, byte[] bytes) throws IOException {
    send(status, contentType, bytes, bytes.length);
  }

  private void send(int status, String contentType, byte[] bytes, int length) throws IOException {
    if (sent) {
      throw new IllegalStateException("a response was already sent for this request");
    }
    if (status < 200 || status > 599) {
      throw new IllegalArgumentException("a final status is 200..599, got " + status);
    }
    sent = true;
    this.status = status;
    ByteSink m = message;
    m.reset();
    m.ascii("HTTP/1.1 ").decimal(status).write(' ');
    m.ascii(reason(status)).ascii("\r\n");
    byte[] date = HttpDate.headerLine(System.currentTimeMillis());
    m.write(date, 0, date.length);
    if (contentType != null) {
      m.ascii("Content-Type: ").ascii(contentType).ascii("\r\n");
    }
    m.ascii("Content-Length: ").decimal(length).ascii("\r\n");
    if (!keepAlive) {
      m.ascii("Connection: close\r\n");
    } else if (http10) {
      m.ascii("Connection: keep-alive\r\n");
    }
    for (int i = 0; i < fieldCount; i++) {
      m.utf8(fields[2 * i]).ascii(": ").utf8(fields[2 * i + 1]).ascii("\r\n");
    }
    m.ascii("\r\n");
    if (!headRequest) { // RFC 9110 §9.3.2: the answer to HEAD has the fields of GET's, never content
      m.write(bytes, 0, length);
    }
    out.write(m.array(), 0, m.size());
    out.flush();
  }

  /** Answers a refused request with a JSON error and closes the connection after it. */
  void refuse(HttpException e) throws IOException {
    keepAlive = false;
    fieldCount = 0;
    body.reset();
    body.ascii("{\"error\":").jsonString(e.getMessage()).ascii("}");
    send(e.status(), "application/json");
  }

  boolean sent() {
    return sent;
  }

  /** The status of the answer sent for this request, or 0 before one is sent (for metrics). */
  public int status() {
    return status;
  }

  boolean keepAlive() {
    return keepAlive;
  }

  /** Prepares an answer before any request was parsed (a refused first request). */
  void resetForRefusal() {
    body.reset();
    fieldCount = 0;
    sent = false;
    status = 0;
    headRequest = false;
    http10 = false;
  }

  private static boolean printable(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < ' ' && c != '\t' || c == 0x7f) {
        return false;
      }
    }
    return true;
  }

  static String reason(int status) {
    return switch (status) {
      case 200 -> "OK";
      case 201 -> "Created";
      case 204 -> "No Content";
      case 301 -> "Moved Permanently";
      case 302 -> "Found";
      case 303 -> "See Other";
      case 307 -> "Temporary Redirect";
      case 308 -> "Permanent Redirect";
      case 400 -> "Bad Request";
      case 404 -> "Not Found";
      case 405 -> "Method Not Allowed";
      case 408 -> "Request Timeout";
      case 409 -> "Conflict";
      case 410 -> "Gone";
      case 411 -> "Length Required";
      case 413 -> "Content Too Large";
      case 414 -> "URI Too Long";
      case 417 -> "Expectation Failed";
      case 429 -> "Too Many Requests";
      case 431 -> "Request Header Fields Too Large";
      case 500 -> "Internal Server Error";
      case 501 -> "Not Implemented";
      case 503 -> "Service Unavailable";
      case 504 -> "Gateway Timeout";
      case 505 -> "HTTP Version Not Supported";
      case 507 -> "Insufficient Storage";
      default -> ""; // RFC 9112 §4: the reason phrase may be empty
    };
  }
}
