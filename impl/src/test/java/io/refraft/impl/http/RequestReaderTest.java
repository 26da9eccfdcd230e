package io.refraft.impl.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class RequestReaderTest {
  private static final HttpLimits LIMITS = new HttpLimits(128, 512, 10, 1000, 1000);

  /** Delivers the given pieces, one per read call, so a test decides what has "arrived". */
  private static final class Pieces extends InputStream {
    private final Deque<byte[]> pieces = new ArrayDeque<>();
    private byte[] current = new byte[0];
    private int at;

    Pieces(List<byte[]> list) {
      pieces.addAll(list);
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) {
      while (at == current.length) {
        if (pieces.isEmpty()) {
          return -1;
        }
        current = pieces.poll();
        at = 0;
      }
      int n = Math.min(len, current.length - at);
      System.arraycopy(current, at, b, off, n);
      at += n;
      return n;
    }
  }

  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  private static RequestReader reader(ByteArrayOutputStream out, String... pieces) {
    List<byte[]> list = new ArrayList<>();
    for (String p : pieces) {
      list.add(b(p));
    }
    return new RequestReader(new Pieces(list), out, LIMITS);
  }

  private static RequestReader reader(String... pieces) {
    return reader(new ByteArrayOutputStream(), pieces);
  }

  private static int refusal(String request) {
    return assertThrows(HttpException.class, () -> reader(request).next(), request).status();
  }

  @Test
  void parsesMethodTargetFieldsAndBody() throws Exception {
    Request r = reader("PUT /kv/a%2Fb?stale=true HTTP/1.1\r\nHost: x\r\nrefraft-client-id:  7 \r\n"
        + "Content-Length: 3\r\n\r\nabc").next();
    assertEquals("PUT", r.method());
    assertEquals("/kv/a%2Fb", r.path());
    assertEquals("stale=true", r.query());
    assertEquals("7", r.header("Refraft-Client-Id"), "names compare case-insensitively, values are trimmed");
    assertNull(r.header("Expect"));
    assertArrayEquals(b("abc"), r.body());
    assertTrue(r.keepAlive());
  }

  @Test
  void pipelinedRequestsAreReadInOrderThenEndOfStreamIsNull() throws Exception {
    RequestReader rr = reader("GET /a HTTP/1.1\r\nHost: x\r\n\r\nPOST /b HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nhi"
        + "GET /c HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    assertEquals("/a", rr.next().path());
    Request b = rr.next();
    assertEquals("/b", b.path());
    assertArrayEquals(b("hi"), b.body());
    Request c = rr.next();
    assertEquals("/c", c.path());
    assertFalse(c.keepAlive(), "Connection: close");
    assertNull(rr.next());
  }

  @Test
  void bareLineFeedsAndLeadingEmptyLinesAreAccepted() throws Exception {
    Request r = reader("\r\n\nGET / HTTP/1.1\nHost: x\n\n").next();
    assertEquals("/", r.path());
    assertEquals(1, r.headerCount());
  }

  @Test
  void absoluteFormTargetsAreReducedToPathAndQuery() throws Exception {
    Request r = reader("GET http://127.0.0.1:7601/status?x=1 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").next();
    assertEquals("/status", r.path());
    assertEquals("x=1", r.query());
    assertEquals("/", reader("GET http://h HTTP/1.1\r\nHost: h\r\n\r\n").next().path());
  }

  @Test
  void chunkedBodiesAreDecodedWithExtensionsAndTrailersDropped() throws Exception {
    Request r = reader("POST /t HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n",
        "3;ext=1\r\nabc\r\n", "A\r\n0123456789\r\n0\r\nTrailer: t\r\n\r\n", "GET /next HTTP/1.1\r\nHost: x\r\n\r\n")
        .next();
    assertArrayEquals(b("abc0123456789"), r.body());
  }

  @Test
  void continueIsSentOnlyWhenTheBodyHasNotArrived() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    String head = "PUT /k HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n";
    assertArrayEquals(b("ok"), reader(out, head, "ok").next().body());
    assertEquals("HTTP/1.1 100 Continue\r\n\r\n", out.toString(StandardCharsets.ISO_8859_1));
    ByteArrayOutputStream none = new ByteArrayOutputStream();
    reader(none, head + "ok").next();
    assertEquals(0, none.size(), "the body came with the head: no 100 needed (RFC 9110 §10.1.1)");
  }

  @Test
  void aTooLargeDeclaredBodyIsRefusedBeforeItIsRead() {
    HttpException e = assertThrows(HttpException.class,
        () -> reader("PUT /k HTTP/1.1\r\nHost: x\r\nContent-Length: 1001\r\n\r\n").next());
    assertEquals(413, e.status());
    assertEquals(1001, e.unreadBody(), "the server drops the body it did not read");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    HttpException awaiting = assertThrows(HttpException.class,
        () -> reader(out, "PUT /k HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 1001\r\n\r\n").next());
    assertEquals(0, awaiting.unreadBody(), "a client awaiting 100 Continue has not sent its body");
    assertEquals(0, out.size(), "no 100 Continue for a body that will be refused");
    assertEquals(1000, assertThrows(HttpException.class, () -> reader("PUT /k HTTP/1.1\r\nHost: x\r\n"
        + "Transfer-Encoding: chunked\r\n\r\n3e8\r\n" + "x".repeat(1000) + "\r\n1\r\n").next()).unreadBody() + 999);
  }

  @Test
  void malformedRequestsAreRefusedWithTheirStatus() {
    String ok = "\r\nHost: x\r\n\r\n";
    assertEquals(400, refusal("GET /" + ok), "no version");
    assertEquals(400, refusal("GET  / HTTP/1.1" + ok), "two spaces");
    assertEquals(400, refusal("GET / HTTP/1.1 extra" + ok));
    assertEquals(400, refusal("G(T / HTTP/1.1" + ok), "method is not a token");
    assertEquals(400, refusal("GET status HTTP/1.1" + ok), "target is not a path");
    assertEquals(400, refusal("GET /a#b HTTP/1.1" + ok), "fragment in the target");
    assertEquals(400, refusal("GET / XTTP/1.1" + ok));
    assertEquals(505, refusal("GET / HTTP/2.0" + ok));
    assertEquals(505, refusal("GET / HTTP/1.2" + ok));
    assertEquals(400, refusal("GET / HTTP/1.1\r\n\r\n"), "no Host");
    assertEquals(400, refusal("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n"), "two Hosts");
    assertEquals(400, refusal("GET / HTTP/1.1\r\nHost : a\r\n\r\n"), "space before the colon");
    assertEquals(400, refusal("GET / HTTP/1.1\r\nHost: a\r\nX: 1\r\n  folded\r\n\r\n"), "obs-fold");
    assertEquals(400, refusal("GET / HTTP/1.1\r\nHost: a\r\nNoColon\r\n\r\n"));
    assertEquals(400, refusal("GET / HTTP/1.1\r\nHost: a\u0001\r\n\r\n"), "control character");
    assertEquals(400, refusal("GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 1x\r\n\r\n"));
    assertEquals(400, refusal("GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab"));
    assertEquals(400, refusal("GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n"));
    assertEquals(400, refusal("GET / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip\r\n\r\n"), "chunked not last");
    assertEquals(501, refusal("GET / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, chunked\r\n\r\n"));
    assertEquals(400, refusal("GET / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n"), "TE in HTTP/1.0");
    assertEquals(417, refusal("GET / HTTP/1.1\r\nHost: a\r\nExpect: magic\r\n\r\n"));
    assertEquals(400, refusal("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"), "chunk-size");
    assertEquals(400, refusal("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nabc\r\n0\r\n\r\n"),
        "chunk data longer than its size");
  }

  @Test
  void sizeLimitsAreEnforced() {
    assertEquals(414, refusal("GET /" + "a".repeat(200) + " HTTP/1.1\r\nHost: x\r\n\r\n"));
    assertEquals(414, refusal("GET /" + "a".repeat(200)), "an unfinished long request line");
    assertEquals(431, refusal("GET / HTTP/1.1\r\nHost: x\r\nX: " + "v".repeat(600) + "\r\n\r\n"));
    StringBuilder many = new StringBuilder("GET / HTTP/1.1\r\nHost: x\r\n");
    for (int i = 0; i < 10; i++) {
      many.append("F").append(i).append(": v\r\n");
    }
    assertEquals(431, refusal(many + "\r\n"), "11 fields with a limit of 10");
  }

  @Test
  void aHeadLargerThanTheInitialBufferGrowsItUpToTheLimit() throws Exception {
    HttpLimits big = HttpLimits.withMaxBody(1000);
    String value = "v".repeat(12_000);
    String head = "GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + value + "\r\n\r\n";
    List<byte[]> pieces = List.of(b(head.substring(0, 5000)), b(head.substring(5000)));
    Request r = new RequestReader(new Pieces(pieces), new ByteArrayOutputStream(), big).next();
    assertEquals(value, r.header("X-Big"));
    String tooBig = "GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + "v".repeat(17_000) + "\r\n\r\n";
    assertEquals(431, assertThrows(HttpException.class,
        () -> new RequestReader(new Pieces(List.of(b(tooBig))), new ByteArrayOutputStream(), big).next()).status());
  }

  @Test
  void http10ClosesUnlessAskedToKeepAlive() throws Exception {
    assertFalse(reader("GET / HTTP/1.0\r\n\r\n").next().keepAlive());
    assertTrue(reader("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n").next().keepAlive());
    assertTrue(reader("GET / HTTP/1.1\r\nHost: x\r\nConnection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\n"
        + "HTTP2-Settings: AAEAAEAAAAIAAAABAAMAAABkAAQBAAAAAAUAAEAA\r\n\r\n").next().keepAlive(),
        "an h2c upgrade offer is ignored and the connection kept");
  }

  @Test
  void theConnectionClosingMidRequestIsEndOfStream() throws Exception {
    assertNull(reader("").next());
    assertThrows(EOFException.class, () -> reader("GET / HT").next());
    assertThrows(EOFException.class, () -> reader("PUT / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nab").next());
  }

  /**
   * Requests with random bodies, framed by Content-Length or chunked, concatenated and delivered in
   * random pieces, parse to the same requests whatever the split.
   */
  @Test
  void randomSplitsOfPipelinedRequestsParseTheSame() throws Exception {
    long seed = new SplittableRandom().nextLong();
    System.out.println("RequestReaderTest.randomSplitsOfPipelinedRequestsParseTheSame seed " + seed);
    SplittableRandom rnd = new SplittableRandom(seed);
    for (int round = 0; round < 200; round++) {
      List<byte[]> bodies = new ArrayList<>();
      ByteArrayOutputStream wire = new ByteArrayOutputStream();
      int n = 1 + rnd.nextInt(5);
      for (int i = 0; i < n; i++) {
        byte[] body = new byte[rnd.nextInt(300)];
        rnd.nextBytes(body);
        bodies.add(body);
        wire.writeBytes(b("POST /r" + i + " HTTP/1.1\r\nHost: x\r\n"));
        if (rnd.nextBoolean()) {
          wire.writeBytes(b("Content-Length: " + body.length + "\r\n\r\n"));
          wire.writeBytes(body);
        } else {
          wire.writeBytes(b("Transfer-Encoding: chunked\r\n\r\n"));
          for (int at = 0; at < body.length; ) {
            int len = Math.min(body.length - at, 1 + rnd.nextInt(64));
            wire.writeBytes(b(Integer.toHexString(len) + "\r\n"));
            wire.write(body, at, len);
            wire.writeBytes(b("\r\n"));
            at += len;
          }
          wire.writeBytes(b("0\r\n\r\n"));
        }
      }
      byte[] all = wire.toByteArray();
      List<byte[]> pieces = new ArrayList<>();
      for (int at = 0; at < all.length; ) {
        int len = Math.min(all.length - at, 1 + rnd.nextInt(40));
        pieces.add(java.util.Arrays.copyOfRange(all, at, at + len));
        at += len;
      }
      RequestReader rr = new RequestReader(new Pieces(pieces), new ByteArrayOutputStream(), LIMITS);
      for (int i = 0; i < n; i++) {
        Request r = rr.next();
        assertEquals("/r" + i, r.path(), "seed " + seed + " round " + round);
        assertArrayEquals(bodies.get(i), r.body(), "seed " + seed + " round " + round + " request " + i);
      }
      assertNull(rr.next(), "seed " + seed);
    }
  }
}
