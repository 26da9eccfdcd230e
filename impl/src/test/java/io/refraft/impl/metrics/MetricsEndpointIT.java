package io.refraft.impl.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.refraft.impl.node.Timing;
import io.refraft.impl.server.NodeServer;
import io.refraft.impl.server.NodeSettings;
import io.refraft.spec.NodeId;
import io.refraft.traces.StateSummary.RoleName;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code GET /metrics} of three real nodes on loopback sockets (in this JVM, each with its own
 * storage, transport and HTTP port): every scrape passes the strict {@link ExpositionParser}, and the
 * values move as the traffic the test drives says they must.
 */
class MetricsEndpointIT {
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private static final int PUTS = 25;
  private static final int GETS = 10;

  private final List<NodeServer> nodes = new ArrayList<>();
  private Path dir;

  @BeforeEach
  void start() throws Exception {
    dir = Files.createTempDirectory("refraft-metrics-it-");
    int[] ports = freePorts(6);
    Map<NodeId, InetSocketAddress> members = new TreeMap<>();
    Map<NodeId, String> clients = new TreeMap<>();
    for (int i = 0; i < 3; i++) {
      NodeId id = NodeId.of("n" + (i + 1));
      members.put(id, new InetSocketAddress(InetAddress.getLoopbackAddress(), ports[i]));
      clients.put(id, "http://127.0.0.1:" + ports[3 + i]);
    }
    Timing fast = new Timing(Duration.ofMillis(50), Duration.ofMillis(150), Duration.ofMillis(300));
    for (int i = 0; i < 3; i++) {
      NodeId id = NodeId.of("n" + (i + 1));
      NodeSettings s = new NodeSettings(id, members, new InetSocketAddress(InetAddress.getLoopbackAddress(),
          ports[3 + i]), dir.resolve(id.name()), "metrics-it", fast, clients, Optional.empty());
      nodes.add(NodeServer.start(s, e -> { }));
    }
  }

  @AfterEach
  void stop() throws IOException {
    nodes.forEach(NodeServer::close);
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  @Test
  void a_scrape_is_valid_exposition_and_counts_what_the_clients_did() throws Exception {
    NodeServer leader = await(Duration.ofSeconds(20), this::leader, "a leader");
    String url = "http://127.0.0.1:" + leader.clientAddress().getPort();
    Map<String, ExpositionParser.Family> before = scrape(url);

    for (int i = 0; i < PUTS; i++) {
      assertEquals(200, send(HttpRequest.newBuilder(URI.create(url + "/kv/k" + i))
          .PUT(HttpRequest.BodyPublishers.ofString("v" + i))).statusCode());
    }
    for (int i = 0; i < GETS; i++) {
      assertEquals(200, send(HttpRequest.newBuilder(URI.create(url + "/kv/k" + i)).GET()).statusCode());
    }
    assertEquals(404, send(HttpRequest.newBuilder(URI.create(url + "/no/such/path")).GET()).statusCode());
    Map<String, ExpositionParser.Family> after = scrape(url);

    assertEquals(PUTS, delta(before, after, "refraft_raft_proposals_total", "outcome", "ok"));
    assertEquals(0, delta(before, after, "refraft_raft_proposals_total", "outcome", "lost"));
    assertEquals(GETS, delta(before, after, "refraft_raft_reads_total", "outcome", "ok"));
    assertEquals(PUTS, delta(before, after, "refraft_http_requests_total",
        "route", "/kv/{key}", "method", "PUT", "code", "200"));
    assertEquals(GETS, delta(before, after, "refraft_http_requests_total",
        "route", "/kv/{key}", "method", "GET", "code", "200"));
    assertEquals(1, value(after, "refraft_http_requests_total", "route", "other", "method", "GET", "code", "404"));
    assertEquals(1, value(after, "refraft_http_requests_total", "route", "/metrics", "method", "GET", "code", "200"),
        "the first scrape is counted once it is answered");
    assertTrue(value(after, "refraft_http_request_duration_seconds_count", "route", "/kv/{key}") >= PUTS + GETS);

    // storage: every acknowledged put was made durable by some fsync on the leader
    double fsyncs = value(after, "refraft_storage_fsyncs_total");
    assertTrue(fsyncs > 0 && delta(before, after, "refraft_storage_fsyncs_total") > 0);
    assertEquals(fsyncs, value(after, "refraft_storage_fsync_duration_seconds_count"));
    assertEquals(fsyncs, value(after, "refraft_storage_entries_per_fsync_count"));
    assertTrue(delta(before, after, "refraft_storage_entries_written_total") >= PUTS);
    assertTrue(delta(before, after, "refraft_storage_bytes_written_total") > PUTS * 2);
    assertTrue(value(after, "refraft_storage_segments") >= 1);

    // raft: the leader's view
    assertEquals(1, value(after, "refraft_raft_role", "role", "leader"));
    assertEquals(0, value(after, "refraft_raft_role", "role", "follower"));
    assertEquals(1, value(after, "refraft_raft_has_leader"));
    assertTrue(value(after, "refraft_raft_term") >= 1);
    double commit = value(after, "refraft_raft_commit_index");
    assertTrue(commit >= PUTS + 1, "the no-op and the puts are committed: " + commit);
    assertTrue(value(after, "refraft_raft_applied_index") >= PUTS + 1);
    assertTrue(value(after, "refraft_raft_leader_changes_seen_total") >= 1);
    for (String peer : List.of("n1", "n2", "n3")) {
      if (!peer.equals(leader.settings().id().name())) {
        assertTrue(value(after, "refraft_raft_follower_match_index", "peer", peer) >= 0);
        assertTrue(value(after, "refraft_raft_follower_lag_entries", "peer", peer) >= 0);
        assertTrue(value(after, "refraft_transport_frames_sent_total", "peer", peer) > 0);
        assertEquals(1, value(after, "refraft_transport_connected", "peer", peer));
      }
    }
    assertTrue(delta(before, after, "refraft_transport_messages_total",
        "direction", "sent", "type", "AppendEntriesRequest") >= 2);
    assertTrue(delta(before, after, "refraft_transport_message_bytes_total",
        "direction", "received", "type", "AppendEntriesResponse") > 0);
    assertEquals(0, value(after, "refraft_transport_handshake_failures_total", "reason", "cluster_mismatch"));

    // somebody started the election that made the leader
    double elections = 0;
    for (NodeServer n : nodes) {
      Map<String, ExpositionParser.Family> m = scrape("http://127.0.0.1:" + n.clientAddress().getPort());
      elections += value(m, "refraft_raft_elections_started_total");
      if (n != leader) {
        assertEquals(1, value(m, "refraft_raft_role", "role", "follower"));
        assertTrue(m.get("refraft_raft_follower_match_index").samples().isEmpty(), "only a leader has progress");
      }
    }
    assertTrue(elections >= 1);
  }

  private static Map<String, ExpositionParser.Family> scrape(String url) throws Exception {
    HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(url + "/metrics")).GET());
    assertEquals(200, r.statusCode());
    assertEquals("text/plain; version=0.0.4; charset=utf-8", r.headers().firstValue("Content-Type").orElseThrow());
    return ExpositionParser.parse(r.body());
  }

  private static HttpResponse<String> send(HttpRequest.Builder b) throws Exception {
    return HTTP.send(b.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static double value(Map<String, ExpositionParser.Family> m, String name, String... labels) {
    double v = ExpositionParser.value(m, name, labels);
    if (Double.isNaN(v)) {
      throw new AssertionError("no sample " + name + " " + List.of(labels));
    }
    return v;
  }

  private static double delta(Map<String, ExpositionParser.Family> before, Map<String, ExpositionParser.Family> after,
      String name, String... labels) {
    double b = ExpositionParser.value(before, name, labels);
    return value(after, name, labels) - (Double.isNaN(b) ? 0 : b);
  }

  private NodeServer leader() {
    for (NodeServer n : nodes) {
      if (n.driver().status().role() == RoleName.Leader) {
        return n;
      }
    }
    return null;
  }

  private static <T> T await(Duration limit, Supplier<T> probe, String what) {
    long deadline = System.nanoTime() + limit.toNanos();
    while (true) {
      T t = probe.get();
      if (t != null) {
        return t;
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("no " + what + " within " + limit);
      }
      LockSupport.parkNanos(Duration.ofMillis(10).toNanos());
    }
  }

  private static int[] freePorts(int n) throws IOException {
    List<ServerSocket> sockets = new ArrayList<>();
    try {
      int[] ports = new int[n];
      for (int i = 0; i < n; i++) {
        ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        sockets.add(s);
        ports[i] = s.getLocalPort();
      }
      return ports;
    } finally {
      for (ServerSocket s : sockets) {
        s.close();
      }
    }
  }
}
