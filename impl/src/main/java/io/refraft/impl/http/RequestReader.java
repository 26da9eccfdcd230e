package io.refraft.impl.http;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;

/**
 * Reads requests from one connection (RFC 9112). The head is parsed in place in a buffer that lives
 * as long as the connection (4 KiB, grown up to {@link HttpLimits#maxHeadBytes()} only for a request
 * that needs it, so idle connections stay small); bytes that arrive after a request (a pipelined next
 * one) stay in it for the next call.
 *
 * <p>Strict where leniency lets two parsers disagree on where a request ends (request smuggling):
 * whitespace before a field's colon, obsolete line folding, Content-Length and Transfer-Encoding
 * together, differing Content-Lengths, a transfer coding other than a lone {@code chunked} are all
 * refused. Lenient where RFC 9112 allows it and nothing depends on it: empty lines before a request
 * line (§2.2), a bare LF as line end (§2.2), chunk extensions and trailer fields (read and dropped).
 */
final class RequestReader {
  private static final byte[] CONTINUE = "HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] NO_BODY = new byte[0];
  private static final String[] METHODS = {"GET", "PUT", "POST", "DELETE", "HEAD", "OPTIONS", "PATCH"};
  /** tchar of RFC 9110 §5.6.2. */
  private static final boolean[] TOKEN = new boolean[128];

  static {
    for (int c = '0'; c <= '9'; c++) {
      TOKEN[c] = true;
    }
    for (int c = 'a'; c <= 'z'; c++) {
      TOKEN[c] = true;
      TOKEN[c - 'a' + 'A'] = true;
    }
    for (char c : "!#$%&'*+-.^_`|~".toCharArray()) {
      TOKEN[c] = true;
    }
  }

  private final InputStream in;
  private final OutputStream out;
  private final HttpLimits limits;
  private byte[] buf;
  private int pos;
  private int end;
  private int lineStart;
  private String[] fields = new String[32];

  RequestReader(InputStream in, OutputStream out, HttpLimits limits) {
    this.in = in;
    this.out = out;
    this.limits = limits;
    this.buf = new byte[Math.min(4096, limits.maxHeadBytes())];
  }

  /**
   * The next request, or null when the peer closed the connection between requests.
   *
   * @throws HttpException the request is refused; the caller answers with its status and closes
   * @throws EOFException the peer closed the connection in the middle of a request
   */
  Request next() throws IOException, HttpException {
    if (!skipEmptyLines()) {
      return null;
    }
    int lineEnd = readLine(limits.maxRequestLineBytes() + 2, 414, "the request line", limits.maxRequestLineBytes());
    int used = pos - lineStart;
    if (lineEnd - lineStart > limits.maxRequestLineBytes()) {
      throw new HttpException(414, "the request line is longer than " + limits.maxRequestLineBytes() + " bytes");
    }
    String method = method(lineStart, lineEnd);
    int target = lineStart + method.length() + 1;
    int sp = indexOf((byte) ' ', target, lineEnd);
    if (sp <= target) {
      throw new HttpException(400, "malformed request line: expected METHOD SP TARGET SP HTTP-VERSION");
    }
    boolean http10 = version(sp + 1, lineEnd);
    String[] path = target(target, sp);
    int n = 0;
    while (true) {
      int e = readLine(limits.maxHeadBytes() - used, 431, "the request head", limits.maxHeadBytes());
      used += pos - lineStart;
      if (used > limits.maxHeadBytes()) {
        throw new HttpException(431, "the request head is longer than " + limits.maxHeadBytes() + " bytes");
      }
      if (e == lineStart) {
        break;
      }
      if (n == limits.maxHeaderFields()) {
        throw new HttpException(431, "more than " + limits.maxHeaderFields() + " header fields");
      }
      field(lineStart, e, 2 * n++);
    }
    return request(method, path, http10, Arrays.copyOf(fields, 2 * n));
  }

  /** RFC 9112 §2.2: a server should ignore at least one empty line before a request line. */
  private boolean skipEmptyLines() throws IOException, HttpException {
    int skipped = 0;
    while (true) {
      if (pos == end && !fill()) {
        return false;
      }
      if (buf[pos] != '\r' && buf[pos] != '\n') {
        return true;
      }
      pos++;
      if (++skipped > 64) {
        throw new HttpException(400, "more than 64 empty lines before a request line");
      }
    }
  }

  private String method(int s, int lineEnd) throws HttpException {
    int sp = indexOf((byte) ' ', s, lineEnd);
    if (sp <= s) {
      throw new HttpException(400, "malformed request line: expected METHOD SP TARGET SP HTTP-VERSION");
    }
    for (int i = s; i < sp; i++) {
      if (!isToken(buf[i])) {
        throw new HttpException(400, "malformed request line: the method is not a token");
      }
    }
    for (String m : METHODS) {
      if (m.length() == sp - s && Arrays.equals(buf, s, sp, m.getBytes(StandardCharsets.US_ASCII), 0, m.length())) {
        return m;
      }
    }
    return new String(buf, s, sp - s, StandardCharsets.US_ASCII);
  }

  /** True for HTTP/1.0, false for HTTP/1.1; another HTTP/x.y is 505, anything else 400. */
  private boolean version(int s, int e) throws HttpException {
    String v = new String(buf, s, e - s, StandardCharsets.ISO_8859_1);
    return switch (v) {
      case "HTTP/1.1" -> false;
      case "HTTP/1.0" -> true;
      default -> {
        if (v.matches("HTTP/[0-9]\\.[0-9]")) {
          throw new HttpException(505, "HTTP version " + v.substring(5) + " is not supported: use HTTP/1.1");
        }
        throw new HttpException(400, "malformed request line: expected HTTP/1.1 at its end, got '" + printable(v) + "'");
      }
    };
  }

  /** {path, query or null} of an origin-form, absolute-form (RFC 9112 §3.2.2) or asterisk-form target. */
  private String[] target(int s, int e) throws HttpException {
    for (int i = s; i < e; i++) {
      if (buf[i] <= ' ' || buf[i] >= 0x7f || buf[i] == '#') {
        throw new HttpException(400, "malformed request target: byte " + (buf[i] & 0xff) + " at offset " + (i - s));
      }
    }
    String t = new String(buf, s, e - s, StandardCharsets.ISO_8859_1);
    if (t.equals("*")) {
      return new String[] {"*", null};
    }
    if (!t.startsWith("/")) {
      String lower = t.toLowerCase(Locale.ROOT);
      if (!lower.startsWith("http://") && !lower.startsWith("https://")) {
        throw new HttpException(400, "malformed request target: expected a path starting with '/'");
      }
      int slash = t.indexOf('/', lower.indexOf("://") + 3);
      int q = t.indexOf('?', lower.indexOf("://") + 3);
      t = slash >= 0 && (q < 0 || slash < q) ? t.substring(slash) : "/" + (q < 0 ? "" : t.substring(q));
    }
    int q = t.indexOf('?');
    return q < 0 ? new String[] {t, null} : new String[] {t.substring(0, q), t.substring(q + 1)};
  }

  /** RFC 9112 §5: field-name ":" OWS field-value OWS; no whitespace before the colon, no folding. */
  private void field(int s, int e, int slot) throws HttpException {
    if (buf[s] == ' ' || buf[s] == '\t') {
      throw new HttpException(400, "obsolete line folding in the header section (RFC 9112 §5.2)");
    }
    int colon = indexOf((byte) ':', s, e);
    if (colon <= s) {
      throw new HttpException(400, "malformed header field: expected NAME: VALUE");
    }
    for (int i = s; i < colon; i++) {
      if (!isToken(buf[i])) {
        throw new HttpException(400, "malformed header field name (whitespace before ':' is not allowed)");
      }
    }
    int vs = colon + 1;
    int ve = e;
    while (vs < ve && (buf[vs] == ' ' || buf[vs] == '\t')) {
      vs++;
    }
    while (ve > vs && (buf[ve - 1] == ' ' || buf[ve - 1] == '\t')) {
      ve--;
    }
    for (int i = vs; i < ve; i++) {
      int c = buf[i] & 0xff;
      if ((c < ' ' && c != '\t') || c == 0x7f) {
        throw new HttpException(400, "control character " + c + " in header field value");
      }
    }
    if (slot + 2 > fields.length) {
      fields = Arrays.copyOf(fields, fields.length * 2);
    }
    fields[slot] = new String(buf, s, colon - s, StandardCharsets.ISO_8859_1);
    fields[slot + 1] = new String(buf, vs, ve - vs, StandardCharsets.ISO_8859_1);
  }

  private Request request(String method, String[] path, boolean http10, String[] f)
      throws IOException, HttpException {
    Framing fr = Framing.of(f, http10);
    boolean expect100 = fr.expect100();
    byte[] body;
    if (fr.chunked()) {
      continueIfAwaited(expect100);
      body = readChunked();
    } else if (fr.contentLength() > 0) {
      long length = fr.contentLength();
      if (length > limits.maxBodyBytes()) {
        // A client awaiting 100 Continue has not sent the body; any other is sending it now.
        throw new HttpException(413, "request body of " + length + " bytes is above the limit of "
            + limits.maxBodyBytes(), expect100 ? 0 : length);
      }
      continueIfAwaited(expect100);
      body = new byte[(int) length];
      readFully(body, 0, body.length);
    } else {
      body = NO_BODY;
    }
    return new Request(method, path[0], path[1], http10, f, body, fr.keepAlive());
  }

  /** RFC 9110 §10.1.1: the server may skip 100 Continue when some of the body has already arrived. */
  private void continueIfAwaited(boolean expect100) throws IOException {
    if (expect100 && pos == end) {
      out.write(CONTINUE);
      out.flush();
    }
  }

  /** RFC 9112 §7.1: chunk-size [extensions] CRLF data CRLF ... 0 CRLF trailers CRLF. */
  private byte[] readChunked() throws IOException, HttpException {
    byte[] acc = new byte[Math.min(8192, limits.maxBodyBytes())];
    int len = 0;
    while (true) {
      int e = readLine(limits.maxRequestLineBytes(), 400, "a chunk-size line", limits.maxRequestLineBytes());
      long size = chunkSize(lineStart, e);
      if (size == 0) {
        break;
      }
      if (len + size > limits.maxBodyBytes()) {
        throw new HttpException(413, "chunked request body is above the limit of " + limits.maxBodyBytes()
            + " bytes", size);
      }
      if (len + size > acc.length) {
        acc = Arrays.copyOf(acc, (int) Math.min(limits.maxBodyBytes(), Math.max(2L * acc.length, len + size)));
      }
      readFully(acc, len, (int) size);
      len += (int) size;
      if (readLine(3, 400, "the line end after chunk data", 2) != lineStart) {
        throw new HttpException(400, "chunk data longer than its chunk-size");
      }
    }
    int trailers = 0;
    while (readLine(limits.maxHeadBytes() - trailers, 431, "the trailer section", limits.maxHeadBytes())
        != lineStart) {
      trailers += pos - lineStart; // trailer fields are read and dropped (RFC 9112 §7.1.2)
    }
    return Arrays.copyOf(acc, len);
  }

  private long chunkSize(int s, int e) throws HttpException {
    long size = 0;
    int i = s;
    for (; i < e && Character.digit(buf[i], 16) >= 0; i++) {
      if (i - s == 15) {
        throw new HttpException(400, "chunk-size of more than 15 hex digits");
      }
      size = size * 16 + Character.digit(buf[i], 16);
    }
    if (i == s || (i < e && buf[i] != ';' && buf[i] != ' ' && buf[i] != '\t')) {
      throw new HttpException(400, "malformed chunk-size line: expected hex digits");
    }
    return size;
  }

  /**
   * Reads through the next LF, growing into the buffer as needed; returns the line's end without
   * its CR LF (or bare LF) and leaves the line's start in {@link #lineStart} and {@link #pos} after it.
   * Without a LF in {@code limit} bytes: {@code status}, naming {@code what} and the configured {@code max}.
   */
  private int readLine(int limit, int status, String what, int max) throws IOException, HttpException {
    int scanFrom = pos;
    while (true) {
      for (int i = scanFrom; i < end; i++) {
        if (buf[i] == '\n') {
          lineStart = pos;
          pos = i + 1;
          return i > lineStart && buf[i - 1] == '\r' ? i - 1 : i;
        }
      }
      if (end - pos >= limit) {
        throw new HttpException(status, what + " is longer than " + max + " bytes");
      }
      int scanned = end - pos;
      if (!fill()) {
        throw new EOFException("the connection closed in " + what);
      }
      scanFrom = pos + scanned;
    }
  }

  private void readFully(byte[] dst, int off, int len) throws IOException {
    int buffered = Math.min(len, end - pos);
    System.arraycopy(buf, pos, dst, off, buffered);
    pos += buffered;
    for (int done = buffered; done < len; ) {
      int r = in.read(dst, off + done, len - done);
      if (r < 0) {
        throw new EOFException("the connection closed " + (len - done) + " bytes before the body's end");
      }
      done += r;
    }
  }

  /** Reads and drops up to {@code n} bytes (the unread body of a refused request); stops at EOF. */
  void discard(long n) throws IOException {
    long left = n - Math.min(n, end - pos);
    pos = end = 0;
    while (left > 0) {
      int r = in.read(buf, 0, (int) Math.min(buf.length, left));
      if (r < 0) {
        return;
      }
      left -= r;
    }
  }

  /**
   * Moves unread bytes to the buffer's start and reads more after them; false at EOF. Callers check
   * their limit (at most maxHeadBytes unread) first, so a full buffer can always grow.
   */
  private boolean fill() throws IOException {
    if (pos > 0) {
      System.arraycopy(buf, pos, buf, 0, end - pos);
      end -= pos;
      pos = 0;
    }
    if (end == buf.length) {
      if (buf.length >= limits.maxHeadBytes()) {
        throw new IllegalStateException("a caller read past its limit: " + end + " unread bytes");
      }
      buf = Arrays.copyOf(buf, Math.min(2 * buf.length, limits.maxHeadBytes()));
    }
    int r = in.read(buf, end, buf.length - end);
    if (r < 0) {
      return false;
    }
    end += r;
    return true;
  }

  private int indexOf(byte b, int from, int to) {
    for (int i = from; i < to; i++) {
      if (buf[i] == b) {
        return i;
      }
    }
    return -1;
  }

  private static boolean isToken(byte b) {
    return b > 0 && TOKEN[b];
  }

  private static String printable(String s) {
    String cut = s.length() > 40 ? s.substring(0, 40) + "..." : s;
    return cut.replaceAll("[^\\x20-\\x7e]", "?");
  }
}
