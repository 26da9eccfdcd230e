package io.refraft.impl.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The server over real loopback sockets, with raw bytes and with the JDK's HttpClient. */
class Http1ServerIT {
  private Http1Server server;

  @BeforeEach
  void start() throws IOException {
    server = Http1Server.bind("test", new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
        new HttpLimits(1024, 4096, 20, 1000, 5000));
    server.start((req, res) -> {
      switch (req.path()) {
        case "/boom" -> throw new IllegalStateException("boom");
        case "/silent" -> { }
        case "/redirect" -> {
          res.header("Location", "http://elsewhere/x");
          res.send(307, "application/json", "{}".getBytes(StandardCharsets.US_ASCII));
        }
        default -> {
          res.body().ascii("{\"method\":").jsonString(req.method()).ascii(",\"path\":").jsonString(req.path())
              .ascii(",\"length\":").decimal(req.body().length).ascii("}");
          res.send(200, "application/json");
        }
      }
    });
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private record Answer(int status, Map<String, String> fields, String body) {}

  private Socket connect() throws IOException {
    Socket s = new Socket(InetAddress.getLoopbackAddress(), server.address().getPort());
    s.setSoTimeout(5000);
    return s;
  }

  /** Reads one response with a Content-Length body (the only kind this server sends). */
  private static Answer read(InputStream in, boolean head) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    String status = null;
    Map<String, String> fields = new LinkedHashMap<>();
    while (true) {
      int c = in.read();
      if (c < 0) {
        throw new IOException("closed before the end of the head");
      }
      if (c != '\n') {
        line.write(c);
        continue;
      }
      String l = line.toString(StandardCharsets.ISO_8859_1).stripTrailing();
      line.reset();
      if (l.isEmpty()) {
        break;
      }
      if (status == null) {
        status = l;
      } else {
        fields.put(l.substring(0, l.indexOf(':')).toLowerCase(), l.substring(l.indexOf(':') + 1).strip());
      }
    }
    int length = head ? 0 : Integer.parseInt(fields.get("content-length"));
    String body = new String(in.readNBytes(length), StandardCharsets.UTF_8);
    return new Answer(Integer.parseInt(status.split(" ")[1]), fields, body);
  }

  private static void write(OutputStream out, String s) throws IOException {
    out.write(s.getBytes(StandardCharsets.ISO_8859_1));
    out.flush();
  }

  @Test
  void pipelinedRequestsOnOneConnectionAreAnsweredInOrder() throws IOException {
    try (Socket s = connect()) {
      write(s.getOutputStream(), "GET /a HTTP/1.1\r\nHost: x\r\n\r\nPOST /b HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc"
          + "HEAD /c HTTP/1.1\r\nHost: x\r\n\r\nGET /d HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
      InputStream in = s.getInputStream();
      Answer a = read(in, false);
      assertEquals("{\"method\":\"GET\",\"path\":\"/a\",\"length\":0}", a.body());
      assertTrue(Pattern.matches("[A-Z][a-z]{2}, \\d{2} [A-Z][a-z]{2} \\d{4} \\d{2}:\\d{2}:\\d{2} GMT",
          a.fields().get("date")), "an IMF-fixdate: " + a.fields().get("date"));
      assertEquals("{\"method\":\"POST\",\"path\":\"/b\",\"length\":3}", read(in, false).body());
      Answer head = read(in, true);
      assertEquals("40", head.fields().get("content-length"), "HEAD gets the length of its would-be body, and no content");
      Answer last = read(in, false);
      assertEquals("{\"method\":\"GET\",\"path\":\"/d\",\"length\":0}", last.body());
      assertEquals("close", last.fields().get("connection"));
      assertEquals(-1, in.read(), "closed after Connection: close");
    }
  }

  @Test
  void aClientAwaiting100ContinueGetsItThenTheAnswer() throws IOException {
    try (Socket s = connect()) {
      write(s.getOutputStream(), "PUT /k HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n");
      InputStream in = s.getInputStream();
      byte[] interim = in.readNBytes("HTTP/1.1 100 Continue\r\n\r\n".length());
      assertEquals("HTTP/1.1 100 Continue\r\n\r\n", new String(interim, StandardCharsets.ISO_8859_1));
      write(s.getOutputStream(), "hello");
      assertEquals(200, read(in, false).status());
    }
  }

  @Test
  void aMalformedRequestIsAnswered400AndTheConnectionClosed() throws IOException {
    try (Socket s = connect()) {
      write(s.getOutputStream(), "GET / HTTP/1.1\r\nHost : x\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n");
      Answer a = read(s.getInputStream(), false);
      assertEquals(400, a.status());
      assertEquals("close", a.fields().get("connection"));
      assertTrue(a.body().startsWith("{\"error\":\"malformed header field name"), a.body());
      assertEquals(-1, s.getInputStream().read(), "the pipelined second request is not served");
    }
  }

  @Test
  void aTooLargeBodyIsAnswered413EvenWhileTheClientIsStillSending() throws IOException {
    try (Socket s = connect()) {
      write(s.getOutputStream(), "PUT /k HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n");
      s.getOutputStream().write(new byte[100_000]);
      Answer a = read(s.getInputStream(), false);
      assertEquals(413, a.status(), a.body());
      assertEquals(-1, s.getInputStream().read());
    }
  }

  @Test
  void aHandlerThatFailsOrSendsNothingGets500() throws IOException {
    for (String path : new String[] {"/boom", "/silent"}) {
      try (Socket s = connect()) {
        write(s.getOutputStream(), "GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n");
        Answer a = read(s.getInputStream(), false);
        assertEquals(500, a.status(), path);
        assertTrue(a.body().contains("internal error"), a.body());
      }
    }
  }

  @Test
  void theJdkClientWithItsH2cUpgradeOfferIsAnsweredInHttp11() throws Exception {
    HttpClient client = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
        .connectTimeout(Duration.ofSeconds(2)).build(); // HTTP_2 by default: offers Upgrade: h2c
    URI base = URI.create("http://127.0.0.1:" + server.address().getPort());
    for (int i = 0; i < 3; i++) {
      HttpResponse<String> r = client.send(HttpRequest.newBuilder(base.resolve("/x" + i))
          .POST(HttpRequest.BodyPublishers.ofString("é".repeat(i))).timeout(Duration.ofSeconds(5)).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(200, r.statusCode());
      assertEquals(HttpClient.Version.HTTP_1_1, r.version());
      assertEquals("{\"method\":\"POST\",\"path\":\"/x" + i + "\",\"length\":" + 2 * i + "}", r.body());
    }
    HttpResponse<String> redirect = client.send(HttpRequest.newBuilder(base.resolve("/redirect")).GET().build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(307, redirect.statusCode());
    assertEquals("http://elsewhere/x", redirect.headers().firstValue("Location").orElseThrow());
    HttpResponse<String> big = client.send(HttpRequest.newBuilder(base.resolve("/big"))
        .PUT(HttpRequest.BodyPublishers.ofString("x".repeat(1001))).timeout(Duration.ofSeconds(5)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(413, big.statusCode(), big.body());
  }
}
