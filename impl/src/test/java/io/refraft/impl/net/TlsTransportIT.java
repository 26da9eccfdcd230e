package io.refraft.impl.net;

import static io.refraft.impl.net.Await.awaitCondition;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.refraft.impl.tls.SslContexts;
import io.refraft.impl.tls.ThrowawayCa;
import io.refraft.impl.tls.TlsFileException;
import io.refraft.impl.tls.TlsFiles;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mutual TLS between real transports on loopback. Certificates are made at test time by a
 * {@link ThrowawayCa} (keytool); none is committed. Every refused peer must leave its frames
 * undelivered: no connection installed, nothing received, nothing handed to the receiver.
 */
class TlsTransportIT {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final InetSocketAddress ANY_LOOPBACK_PORT = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);

  @TempDir static Path dir;
  private static Path ca;
  private static TlsFiles n1;
  private static TlsFiles n2;
  private static TlsFiles n3;
  private static TlsFiles n1Expired;
  private static TlsFiles n1OtherCa;

  private final Map<String, InetSocketAddress> directory = new ConcurrentHashMap<>();
  private final PeerAddresses addresses = p -> Optional.ofNullable(directory.get(p));
  private final Map<String, ConcurrentLinkedQueue<String>> inboxes = new ConcurrentHashMap<>();
  private final List<TcpTransport> started = new ArrayList<>();

  @BeforeAll
  static void certificates() throws IOException {
    ThrowawayCa good = ThrowawayCa.create(dir.resolve("good"), "test CA", 2);
    ca = good.caPem();
    n1 = good.issue("n1", 2);
    n2 = good.issue("n2", 2);
    n3 = good.issue("n3", 2);
    n1Expired = good.issue("n1", "n1-expired", Optional.of("-3d"), 1);
    ThrowawayCa other = ThrowawayCa.create(dir.resolve("other"), "another CA", 2);
    TlsFiles stranger = other.issue("n1", 2);
    n1OtherCa = new TlsFiles(stranger.cert(), stranger.key(), Optional.of(ca));
  }

  @AfterEach
  void closeAll() {
    started.forEach(TcpTransport::close);
  }

  private static SSLContext tls(TlsFiles f) {
    try {
      return SslContexts.of(new TlsFiles(f.cert(), f.key(), Optional.of(ca)));
    } catch (TlsFileException e) {
      throw new AssertionError(e);
    }
  }

  private TcpTransport start(String id, Set<String> peers, Optional<SSLContext> tls) throws IOException {
    TransportConfig config = TransportConfig.of(id, "c", peers, ANY_LOOPBACK_PORT)
        .withBackoff(Duration.ofMillis(5), Duration.ofMillis(100));
    TcpTransport t = TcpTransport.bind(config, addresses, new Random(42), tls);
    directory.put(id, t.localAddress());
    ConcurrentLinkedQueue<String> inbox = inboxes.computeIfAbsent(id, k -> new ConcurrentLinkedQueue<>());
    t.start((from, payload) -> inbox.add(from + ":" + new String(payload, StandardCharsets.UTF_8)));
    started.add(t);
    return t;
  }

  /** n1 (which dials) keeps sending; the refusal must be counted on {@code judge} and nothing delivered. */
  private void assertRefused(TcpTransport dialer, TcpTransport acceptor, TcpTransport judge, Refusal reason) {
    for (int i = 0; i < 3; i++) {
      dialer.send("n2", "must not arrive".getBytes(StandardCharsets.UTF_8));
      acceptor.send("n1", "must not arrive either".getBytes(StandardCharsets.UTF_8));
    }
    awaitCondition(WAIT, () -> judge.refusals().get(reason) >= 2, () -> "two refusals " + reason + " by "
        + judge.config().nodeId() + ": " + judge.refusals());
    assertFalse(dialer.connected("n2"));
    assertFalse(acceptor.connected("n1"));
    assertEquals(0, acceptor.stats("n1").connectionsEstablished(), "no connection was installed");
    assertEquals(0, dialer.stats("n2").connectionsEstablished(), "no connection was installed");
    assertEquals(0, acceptor.stats("n1").received(), "no frame was read from the refused peer");
    assertEquals(0, dialer.stats("n2").received(), "no frame was read from the refused peer");
    assertTrue(inboxes.get("n1").isEmpty() && inboxes.get("n2").isEmpty(), "nothing reached a receiver: " + inboxes);
  }

  @Test
  void when_both_present_certificates_of_the_trusted_ca_for_their_ids_then_frames_flow_both_ways() throws IOException {
    TcpTransport a = start("n1", Set.of("n2"), Optional.of(tls(n1)));
    TcpTransport b = start("n2", Set.of("n1"), Optional.of(tls(n2)));
    awaitCondition(WAIT, () -> {
      a.send("n2", "hello".getBytes(StandardCharsets.UTF_8));
      b.send("n1", "hi".getBytes(StandardCharsets.UTF_8));
      return inboxes.get("n2").contains("n1:hello") && inboxes.get("n1").contains("n2:hi");
    }, () -> "delivery over TLS: " + inboxes + " " + a.refusals() + " " + b.refusals());
    assertTrue(a.tls() && b.tls());
    assertTrue(b.refusals().values().stream().allMatch(n -> n == 0), "no refusal: " + b.refusals());
  }

  @Test
  void when_a_peer_presents_a_certificate_of_another_ca_then_it_is_refused() throws IOException {
    TcpTransport a = start("n1", Set.of("n2"), Optional.of(tls(n1OtherCa)));
    TcpTransport b = start("n2", Set.of("n1"), Optional.of(tls(n2)));
    assertRefused(a, b, b, Refusal.TLS_CERTIFICATE);
    awaitCondition(WAIT, () -> a.refusals().get(Refusal.TLS_HANDSHAKE) >= 1, () -> "the dialer hears it: " + a.refusals());
  }

  @Test
  void when_a_peer_presents_an_expired_certificate_then_it_is_refused() throws IOException {
    TcpTransport a = start("n1", Set.of("n2"), Optional.of(tls(n1Expired)));
    TcpTransport b = start("n2", Set.of("n1"), Optional.of(tls(n2)));
    assertRefused(a, b, b, Refusal.TLS_CERTIFICATE);
  }

  @Test
  void when_the_dialer_claims_an_id_its_certificate_does_not_name_then_the_acceptor_refuses_it() throws IOException {
    TcpTransport a = start("n1", Set.of("n2"), Optional.of(tls(n3)));
    TcpTransport b = start("n2", Set.of("n1"), Optional.of(tls(n2)));
    assertRefused(a, b, b, Refusal.CERTIFICATE_IDENTITY);
  }

  @Test
  void when_the_dialed_node_presents_another_nodes_certificate_then_the_dialer_refuses_it() throws IOException {
    TcpTransport a = start("n1", Set.of("n2"), Optional.of(tls(n1)));
    TcpTransport b = start("n2", Set.of("n1"), Optional.of(tls(n3)));
    assertRefused(a, b, a, Refusal.CERTIFICATE_IDENTITY);
  }

  @Test
  void when_a_plaintext_peer_dials_a_tls_port_then_it_is_refused() throws IOException {
    TcpTransport a = start("n1", Set.of("n2"), Optional.empty());
    TcpTransport b = start("n2", Set.of("n1"), Optional.of(tls(n2)));
    assertRefused(a, b, b, Refusal.NOT_TLS);
  }

  @Test
  void when_a_tls_peer_dials_a_plaintext_port_then_it_is_refused() throws IOException {
    TcpTransport a = start("n1", Set.of("n2"), Optional.of(tls(n1)));
    TcpTransport b = start("n2", Set.of("n1"), Optional.empty());
    assertRefused(a, b, b, Refusal.TLS_ON_PLAINTEXT_PORT);
    awaitCondition(WAIT, () -> a.refusals().get(Refusal.TLS_HANDSHAKE) >= 1, () -> "the dialer hears it: " + a.refusals());
  }
}
