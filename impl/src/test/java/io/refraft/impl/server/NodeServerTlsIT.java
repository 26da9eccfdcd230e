package io.refraft.impl.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.refraft.impl.net.FrameCodec;
import io.refraft.impl.net.Hello;
import io.refraft.impl.node.Timing;
import io.refraft.impl.tls.NodeTls;
import io.refraft.impl.tls.SslContexts;
import io.refraft.impl.tls.ThrowawayCa;
import io.refraft.impl.tls.TlsFiles;
import io.refraft.spec.NodeId;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A one-node cluster in this JVM with mutual TLS on its peer port and HTTPS with required client
 * certificates: what it refuses is counted in {@code /status}; certificate files it cannot use stop
 * it at start with a message naming the file, before anything is opened.
 */
class NodeServerTlsIT {
  private static final InetSocketAddress ANY = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path certs;
  private static Path ca;
  private static TlsFiles n1;
  private static TlsFiles client;
  @TempDir Path data;

  @BeforeAll
  static void certificates() throws IOException {
    ThrowawayCa authority = ThrowawayCa.create(certs, "test CA", 2);
    ca = authority.caPem();
    n1 = authority.issue("n1", 2);
    client = authority.issue("client", 2);
  }

  private NodeSettings settings(Path dir, NodeTls tls) {
    return new NodeSettings(NodeId.of("n1"), Map.of(NodeId.of("n1"), ANY), ANY, dir, "c",
        new Timing(Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(200)), Map.of(), Optional.empty(),
        NodeSettings.DEFAULT_MAX_REQUEST_BYTES, tls);
  }

  private static NodeTls full() {
    return new NodeTls(Optional.of(n1), Optional.of(new TlsFiles(n1.cert(), n1.key(), Optional.of(ca))));
  }

  private static JsonNode status(HttpClient http, NodeServer node) throws Exception {
    URI uri = URI.create("https://127.0.0.1:" + node.clientAddress().getPort() + "/status");
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), r.body());
    return JSON.readTree(r.body());
  }

  private static JsonNode awaitStatus(HttpClient http, NodeServer node, Predicate<JsonNode> until) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    JsonNode s = status(http, node);
    while (!until.test(s)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("status never matched: " + s);
      }
      LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
      s = status(http, node);
    }
    return s;
  }

  @Test
  void refused_connections_are_counted_in_status_and_no_message_is_decoded() throws Exception {
    SSLContext withCert = SslContexts.client(Optional.of(ca), Optional.of(client.cert()), Optional.of(client.key()));
    HttpClient https = HttpClient.newBuilder().sslContext(withCert).build();
    try (NodeServer node = NodeServer.start(settings(data, full()), e -> { })) {
      JsonNode before = status(https, node);
      assertTrue(before.path("tls").path("peer").asBoolean() && before.path("tls").path("clientAuth").asBoolean(), before.toString());

      // a plaintext peer on the peer port: refused by its first byte
      try (Socket raw = new Socket()) {
        raw.connect(node.transport().localAddress(), 5000);
        OutputStream out = raw.getOutputStream();
        FrameCodec.write(out, Hello.of("c", "n2").encode());
        FrameCodec.write(out, new byte[] {1, 2, 3});
        out.flush();
        raw.setSoTimeout(10_000);
        assertEquals(-1, raw.getInputStream().read(), "the node closed the plaintext connection");
      }
      // plain HTTP on the HTTPS port: a 400 that says so
      try (Socket raw = new Socket()) {
        raw.connect(node.clientAddress(), 5000);
        raw.getOutputStream().write("GET /status HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        raw.setSoTimeout(10_000);
        String answer = new String(raw.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        assertTrue(answer.startsWith("HTTP/1.1 400") && answer.contains("https://"), answer);
      }
      // HTTPS without a client certificate
      HttpClient anonymous = HttpClient.newBuilder()
          .sslContext(SslContexts.client(Optional.of(ca), Optional.empty(), Optional.empty())).build();
      URI uri = URI.create("https://127.0.0.1:" + node.clientAddress().getPort() + "/status");
      assertThrows(IOException.class, () -> anonymous.send(HttpRequest.newBuilder(uri).build(),
          HttpResponse.BodyHandlers.ofString()));

      JsonNode after = awaitStatus(https, node, s -> s.path("tls").path("clientHandshakesFailed").asLong() >= 1
          && s.path("peerRefusals").path("NOT_TLS").asLong() == 1);
      assertEquals(1, after.path("tls").path("clientPlaintextRefused").asLong(), after.toString());
      assertEquals(0, after.path("malformedMessages").asLong(), "nothing was decoded: " + after);
      assertEquals(0, after.path("droppedMessages").asLong(), "nothing reached the driver: " + after);
    }
  }

  @Test
  void when_a_certificate_file_is_missing_then_the_node_does_not_start_and_names_it() {
    Path missing = certs.resolve("absent.pem");
    StartupException e = assertThrows(StartupException.class, () -> NodeServer.start(
        settings(data.resolve("d"), new NodeTls(Optional.of(new TlsFiles(missing, n1.key(), Optional.of(ca))), Optional.empty())),
        x -> { }));
    assertTrue(e.getMessage().startsWith(missing + ": cannot read it"), e.getMessage());
    assertFalse(Files.exists(data.resolve("d")), "nothing was opened: no data directory");
  }

  @Test
  void when_the_key_belongs_to_another_certificate_then_the_node_names_both_files() {
    StartupException e = assertThrows(StartupException.class, () -> NodeServer.start(
        settings(data, new NodeTls(Optional.empty(), Optional.of(new TlsFiles(n1.cert(), client.key(), Optional.empty())))),
        x -> { }));
    assertTrue(e.getMessage().startsWith(client.key() + ": this private key") && e.getMessage().contains("does not belong")
        && e.getMessage().contains(n1.cert().toString()), e.getMessage());
  }

  @Test
  void when_the_ca_bundle_does_not_parse_then_the_node_names_it() throws IOException {
    Path notPem = Files.writeString(data.resolve("ca-garbage.pem"), "this is not a certificate\n");
    Path badBlock = Files.writeString(data.resolve("ca-bad.pem"),
        "-----BEGIN CERTIFICATE-----\nAAAAAAAA\n-----END CERTIFICATE-----\n");
    for (Path bundle : new Path[] {notPem, badBlock}) {
      StartupException e = assertThrows(StartupException.class, () -> NodeServer.start(
          settings(data.resolve("d"), new NodeTls(Optional.of(new TlsFiles(n1.cert(), n1.key(), Optional.of(bundle))), Optional.empty())),
          x -> { }));
      assertTrue(e.getMessage().startsWith(bundle + ": "), e.getMessage());
    }
    StartupException keyAsCert = assertThrows(StartupException.class, () -> NodeServer.start(
        settings(data.resolve("d"), new NodeTls(Optional.of(new TlsFiles(n1.key(), n1.key(), Optional.of(ca))), Optional.empty())),
        x -> { }));
    assertEquals(n1.key() + ": holds no '-----BEGIN CERTIFICATE-----' block", keyAsCert.getMessage());
  }
}
