package io.refraft.impl.net;

import static io.refraft.impl.net.Await.awaitCondition;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Real transports on loopback sockets with ephemeral ports. */
class TcpTransportIT {

  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final InetSocketAddress ANY_LOOPBACK_PORT =
      new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);

  /** A received payload; payloads in these tests are UTF-8 text. */
  record Received(String from, String text) {}

  private final Map<String, InetSocketAddress> directory = new ConcurrentHashMap<>();
  private final PeerAddresses addresses = p -> Optional.ofNullable(directory.get(p));
  private final Map<String, ConcurrentLinkedQueue<Received>> inboxes = new ConcurrentHashMap<>();
  private final List<TcpTransport> started = new ArrayList<>();
  private long seed;

  @BeforeEach
  void seed() {
    seed = System.nanoTime();
    System.out.println("TcpTransportIT seed " + seed);
  }

  @AfterEach
  void closeAll() {
    started.forEach(TcpTransport::close);
  }

  private static TransportConfig config(String id, String cluster, Set<String> peers) {
    return TransportConfig.of(id, cluster, peers, ANY_LOOPBACK_PORT)
        .withBackoff(Duration.ofMillis(5), Duration.ofMillis(100));
  }

  private static Set<String> others(String self, String... all) {
    Set<String> s = new HashSet<>(List.of(all));
    s.remove(self);
    return s;
  }

  /** Binds and starts a transport, publishes its address, records what it receives. */
  private TcpTransport start(TransportConfig config) throws IOException {
    TcpTransport t = TcpTransport.bind(config, addresses, new Random(seed ^ config.nodeId().hashCode()));
    directory.put(config.nodeId(), t.localAddress());
    ConcurrentLinkedQueue<Received> inbox = inboxes.computeIfAbsent(config.nodeId(), k -> new ConcurrentLinkedQueue<>());
    t.start((from, payload) -> inbox.add(new Received(from, new String(payload, StandardCharsets.UTF_8))));
    started.add(t);
    return t;
  }

  private ConcurrentLinkedQueue<Received> inbox(String id) {
    return inboxes.get(id);
  }

  private static byte[] text(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** Sends {@code text} again and again, as Raft retries, until it arrives (frames may be lost). */
  private void deliver(TcpTransport from, String to, String text) {
    String me = from.config().nodeId();
    awaitCondition(WAIT, () -> {
      from.send(to, text(text));
      return inbox(to).contains(new Received(me, text));
    }, () -> me + " -> " + to + " '" + text + "' delivered");
  }

  /** Waits until every frame either side flushed has been read by the other. */
  private static void quiesce(TcpTransport a, TcpTransport b) {
    String ia = a.config().nodeId();
    String ib = b.config().nodeId();
    awaitCondition(WAIT, () -> a.stats(ib).queued() == 0 && b.stats(ia).queued() == 0
        && a.stats(ib).sent() == b.stats(ia).received() && b.stats(ia).sent() == a.stats(ib).received(),
        () -> "quiet link: " + a.stats(ib) + " / " + b.stats(ia));
  }

  @Test
  void when_three_transports_exchange_messages_then_each_arrives_exactly_once() throws IOException {
    String[] ids = {"n1", "n2", "n3"};
    List<TcpTransport> ts = new ArrayList<>();
    for (String id : ids) {
      ts.add(start(config(id, "c", others(id, ids))));
    }
    int perPair = 200;
    for (TcpTransport t : ts) {
      for (String to : ids) {
        if (!to.equals(t.config().nodeId())) {
          for (int i = 0; i < perPair; i++) {
            t.send(to, text(t.config().nodeId() + ">" + to + "#" + i));
          }
        }
      }
    }
    for (String id : ids) {
      awaitCondition(WAIT, () -> inbox(id).size() >= 2 * perPair, () -> id + " received " + 2 * perPair
          + " messages, has " + inbox(id).size());
    }
    for (String id : ids) {
      List<Received> got = new ArrayList<>(inbox(id));
      assertEquals(2 * perPair, got.size(), "no duplicates at " + id);
      assertEquals(2 * perPair, new HashSet<>(got).size(), "no duplicates at " + id);
      for (Received r : got) {
        assertTrue(r.text().startsWith(r.from() + ">" + id + "#"), "sender id matches the handshake: " + r);
      }
    }
    for (TcpTransport t : ts) {
      for (String other : others(t.config().nodeId(), ids)) {
        assertTrue(t.connected(other), t.config().nodeId() + " connected to " + other);
        assertEquals(1, t.stats(other).connectionsEstablished(), "one connection per pair");
      }
    }
  }

  @Test
  void when_a_peer_restarts_then_the_connection_comes_back() throws IOException {
    TcpTransport n1 = start(config("n1", "c", Set.of("n2")));
    TcpTransport n2 = start(config("n2", "c", Set.of("n1")));
    deliver(n1, "n2", "before");
    InetSocketAddress n2Address = n2.localAddress();

    n2.close(); // the accepting side goes away...
    awaitCondition(WAIT, () -> !n1.connected("n2"), () -> "n1 sees n2 gone");
    TcpTransport n2b = start(config("n2", "c", Set.of("n1")).withListen(n2Address)); // ...and comes back
    awaitCondition(WAIT, () -> n1.connected("n2"), () -> "n1 reconnected to the restarted n2");
    deliver(n1, "n2", "after-acceptor-restart");
    deliver(n2b, "n1", "reply-after-acceptor-restart");

    n1.close(); // the dialing side restarts: the acceptor must take the new connection
    TcpTransport n1b = start(config("n1", "c", Set.of("n2")));
    deliver(n1b, "n2", "after-dialer-restart");
    deliver(n2b, "n1", "reply-after-dialer-restart");
    assertTrue(n2b.stats("n1").connectionsEstablished() >= 2, "n2b accepted a second connection");
  }

  @Test
  void when_cluster_ids_differ_then_the_handshake_is_refused_and_nothing_is_delivered() throws IOException {
    TcpTransport n1 = start(config("n1", "alpha", Set.of("n2")));
    TcpTransport n2 = start(config("n2", "beta", Set.of("n1")));
    n1.send("n2", text("must not arrive"));
    awaitCondition(WAIT, () -> n1.refusals().get(Refusal.CLUSTER_MISMATCH) >= 2
        && n2.refusals().get(Refusal.CLUSTER_MISMATCH) >= 2, () -> "repeated refusals on both sides: "
        + n1.refusals() + " " + n2.refusals());
    assertFalse(n1.connected("n2"));
    assertFalse(n2.connected("n1"));
    assertTrue(inbox("n2").isEmpty(), "n2 received " + inbox("n2"));
    assertEquals(1, n1.stats("n2").queued(), "the frame waits in the queue, never sent");
  }

  @Test
  void when_an_unknown_node_dials_then_it_is_refused() throws IOException {
    TcpTransport n2 = start(config("n2", "c", Set.of("n1")));
    start(config("n0", "c", Set.of("n2"))).send("n2", text("from a stranger"));
    awaitCondition(WAIT, () -> n2.refusals().get(Refusal.UNKNOWN_NODE) >= 1, () -> "refusal " + n2.refusals());
    assertTrue(inbox("n2").isEmpty(), "n2 received " + inbox("n2"));
  }

  @Test
  void when_a_frame_exceeds_the_receivers_maximum_then_that_connection_closes_and_others_keep_working()
      throws IOException {
    TcpTransport n1 = start(config("n1", "c", Set.of("n2", "n3")));
    TcpTransport n2 = start(config("n2", "c", Set.of("n1", "n3")));
    TcpTransport n3 = start(config("n3", "c", Set.of("n1", "n2")).withMaxFrameBytes(4096));
    deliver(n1, "n3", "small");
    n1.send("n3", new byte[8192]); // n1 allows it, n3 does not
    awaitCondition(WAIT, () -> n3.stats("n1").malformedFrames() == 1, () -> "n3 closed the connection from n1");
    deliver(n2, "n3", "n2 unaffected");
    deliver(n1, "n3", "n1 reconnected");
    assertEquals(1, n3.stats("n1").malformedFrames());
    assertTrue(n3.stats("n1").connectionsEstablished() >= 2, "n1 redialed");
  }

  @Test
  void when_a_raw_client_declares_a_4_gib_frame_then_the_node_closes_it_and_keeps_running() throws IOException {
    TcpTransport n2 = start(config("n2", "c", Set.of("n1", "n3")));
    TcpTransport n3 = start(config("n3", "c", Set.of("n2")));
    try (Socket raw = new Socket()) {
      raw.connect(n2.localAddress(), 5000);
      raw.setSoTimeout(10_000);
      OutputStream out = raw.getOutputStream();
      FrameCodec.write(out, Hello.of("c", "n1").encode());
      out.write(new byte[] {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 1, 2, 3});
      out.flush();
      BufferedInputStream in = new BufferedInputStream(raw.getInputStream());
      assertEquals(Hello.of("c", "n2"), Hello.decode(FrameCodec.read(in, Hello.MAX_BYTES)));
      assertEquals(-1, in.read(), "n2 closed the connection");
    }
    assertEquals(1, n2.stats("n1").malformedFrames());
    deliver(n2, "n3", "still running");
    deliver(n3, "n2", "still running too");
  }

  @Test
  void when_a_client_sends_garbage_or_nothing_then_it_is_refused_or_timed_out() throws IOException {
    TcpTransport n2 = start(config("n2", "c", Set.of("n1")));
    try (Socket garbage = new Socket(); Socket silent = new Socket()) {
      garbage.connect(n2.localAddress(), 5000);
      garbage.getOutputStream().write("\0\0\0\u0010GET / HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      garbage.getOutputStream().flush();
      silent.connect(n2.localAddress(), 5000);
      silent.setSoTimeout(10_000);
      awaitCondition(WAIT, () -> n2.refusals().get(Refusal.BAD_MAGIC) == 1, () -> "BAD_MAGIC " + n2.refusals());
      BufferedInputStream in = new BufferedInputStream(silent.getInputStream());
      assertEquals(Hello.of("c", "n2"), Hello.decode(FrameCodec.read(in, Hello.MAX_BYTES)));
      assertEquals(-1, in.read(), "n2 gave up on a client that never sent its handshake (1 s timeout)");
    }
    TcpTransport n1 = start(config("n1", "c", Set.of("n2")));
    deliver(n1, "n2", "real peers still connect");
  }

  @Test
  void when_a_peer_is_blocked_then_traffic_drops_both_ways_and_unblocking_restores_it() throws IOException {
    TcpTransport n1 = start(config("n1", "c", Set.of("n2")));
    TcpTransport n2 = start(config("n2", "c", Set.of("n1")));
    deliver(n1, "n2", "warm-up");
    deliver(n2, "n1", "warm-up");

    quiesce(n1, n2);
    long outBefore = n1.stats("n2").droppedBlockedOutbound();
    long inBefore = n1.stats("n2").droppedBlockedInbound();
    long sentBefore = n2.stats("n1").sent();

    n1.blockPeer("n2", true);
    for (int i = 0; i < 10; i++) {
      n1.send("n2", text("out-" + i));
      n2.send("n1", text("in-" + i));
    }
    assertEquals(outBefore + 10, n1.stats("n2").droppedBlockedOutbound(), "sends to a blocked peer drop at once");
    awaitCondition(WAIT, () -> n2.stats("n1").sent() == sentBefore + 10, () -> "n2 flushed its 10 frames");
    awaitCondition(WAIT, () -> n1.stats("n2").droppedBlockedInbound() == inBefore + 10,
        () -> "n1 dropped the 10 frames it received: " + n1.stats("n2"));
    // (a repeat of a warm-up message may still land: deliver() sends until one copy arrived)
    assertTrue(inbox("n1").stream().noneMatch(r -> r.text().startsWith("in-")),
        "nothing n2 sent while blocked reached n1's receiver: " + inbox("n1"));
    assertTrue(inbox("n2").stream().noneMatch(r -> r.text().startsWith("out-")),
        "nothing n1 sent while blocked reached n2: " + inbox("n2"));
    assertTrue(n1.connected("n2"), "blocking keeps the connection");

    n1.blockPeer("n2", false);
    deliver(n1, "n2", "restored");
    deliver(n2, "n1", "restored");
  }

  @Test
  void when_the_queue_is_full_then_further_sends_are_dropped_and_counted() throws IOException {
    TcpTransport n1 = start(config("n1", "c", Set.of("n2")).withQueueCapacity(16)); // n2 never appears
    for (int i = 0; i < 100; i++) {
      n1.send("n2", text("m" + i));
    }
    PeerStats s = n1.stats("n2");
    assertEquals(16, s.queued());
    assertEquals(84, s.droppedQueueFull());
    assertFalse(s.connected());
    n1.send("nobody", text("x"));
    assertEquals(1, n1.droppedUnknownPeer());
  }

  @Test
  void when_closed_then_the_listening_port_can_be_bound_again() throws IOException {
    TcpTransport n1 = start(config("n1", "c", Set.of("n2")));
    TcpTransport n2 = start(config("n2", "c", Set.of("n1")));
    deliver(n1, "n2", "connect first, so accepted sockets exist too");
    int p1 = n1.localAddress().getPort();
    int p2 = n2.localAddress().getPort();
    n1.close();
    n2.close();
    assertFalse(n1.connected("n2"));
    for (int port : new int[] {p1, p2}) {
      try (ServerSocket s = new ServerSocket(port, 50, InetAddress.getLoopbackAddress())) {
        assertEquals(port, s.getLocalPort());
      }
    }
    long dropped = n1.stats("n2").droppedQueueFull();
    n1.send("n2", text("after close"));
    assertEquals(dropped + 1, n1.stats("n2").droppedQueueFull(), "a send after close is a counted drop");
  }
}
