package io.refraft.impl.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.refraft.impl.node.Timing;
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
 * Three node servers on loopback: {@code POST /admin/snapshot} snapshots and compacts every node; a
 * node restarted on its data directory recovers from its snapshot (its status shows it, its state
 * answers the same) and keeps up with later writes.
 */
class NodeSnapshotIT {
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private static final ObjectMapper JSON = new ObjectMapper();

  private final List<NodeServer> nodes = new ArrayList<>();
  private final List<NodeSettings> settings = new ArrayList<>();
  private Path dir;

  @BeforeEach
  void start() throws Exception {
    dir = Files.createTempDirectory("refraft-snapshot-it-");
    int[] ports = freePorts(6);
    Map<NodeId, InetSocketAddress> members = new TreeMap<>();
    for (int i = 0; i < 3; i++) {
      members.put(NodeId.of("n" + (i + 1)), new InetSocketAddress(InetAddress.getLoopbackAddress(), ports[i]));
    }
    Timing fast = new Timing(Duration.ofMillis(50), Duration.ofMillis(150), Duration.ofMillis(300));
    for (int i = 0; i < 3; i++) {
      NodeId id = NodeId.of("n" + (i + 1));
      NodeSettings s = new NodeSettings(id, members, new InetSocketAddress(InetAddress.getLoopbackAddress(),
          ports[3 + i]), dir.resolve(id.name()), "snapshot-it", fast, Map.of(), Optional.empty());
      settings.add(s);
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
  void a_forced_snapshot_compacts_every_node_and_a_restarted_node_recovers_from_it() throws Exception {
    NodeServer leader = await(Duration.ofSeconds(20), this::leader, "a leader");
    for (int i = 0; i < 20; i++) {
      assertEquals(200, put(leader, "k" + i, "v" + i));
    }
    int follower = (nodes.indexOf(leader) + 1) % 3;
    // Wait for the last value, not the leader's published commit index: a put's answer can leave
    // before the status of its turn is published.
    for (NodeServer n : nodes) {
      await(Duration.ofSeconds(10), () -> "v19".equals(staleGet(n, "k19")) ? true : null,
          "every node applying the last put");
    }
    long[] indexes = new long[3];
    for (int i = 0; i < 3; i++) {
      JsonNode a = post(nodes.get(i), "/admin/snapshot");
      indexes[i] = a.path("index").asLong();
      assertTrue(indexes[i] >= 21, "node " + i + " snapshot at " + indexes[i]);
      assertEquals(indexes[i], status(nodes.get(i)).path("snapshotIndex").asLong());
      assertTrue(Files.exists(settings.get(i).data().resolve(String.format("snap-%020d.snap", indexes[i]))));
    }
    nodes.get(follower).close();
    nodes.set(follower, NodeServer.start(settings.get(follower), e -> { }));
    JsonNode restarted = status(nodes.get(follower));
    assertEquals(indexes[follower], restarted.path("snapshotIndex").asLong(), "recovered from its snapshot");
    assertEquals(0, restarted.path("snapshotsInstalled").asLong(), "its own snapshot, not a leader's");
    assertTrue(restarted.path("lastApplied").asLong() >= indexes[follower]);
    assertEquals("v7", get(nodes.get(follower), "k7"), "its state restored");
    NodeServer now = await(Duration.ofSeconds(20), this::leader, "a leader");
    assertEquals(200, put(now, "after", "1"));
    // The answer to the put can leave before the leader's status shows its commit (the status is
    // published at the end of the turn): wait for the value itself.
    await(Duration.ofSeconds(10), () -> "1".equals(staleGet(nodes.get(follower), "after")) ? true : null,
        "the restarted node applying the write after its restart");
  }

  /**
   * A follower that is down while the others compact past it catches up by InstallSnapshot: the
   * leader streams its snapshot file (impl.snapshot), the follower installs it and restores its
   * state machine from it, then takes the entries after it.
   */
  @Test
  void a_follower_down_while_the_others_compact_catches_up_by_install_snapshot() throws Exception {
    NodeServer leader = await(Duration.ofSeconds(20), this::leader, "a leader");
    int down = (nodes.indexOf(leader) + 1) % 3;
    int other = (nodes.indexOf(leader) + 2) % 3;
    assertEquals(200, put(leader, "early", "e"));
    String downId = settings.get(down).id().name();
    nodes.get(down).close();
    // The appends to the stopped follower are lost, not queued for its return (a transport keeps a
    // bounded queue per peer): only the snapshot can bring it up to date.
    leader.transport().blockPeer(downId, true);
    for (int i = 0; i < 30; i++) {
      assertEquals(200, put(leader, "k" + i, "v" + i));
    }
    await(Duration.ofSeconds(10), () -> "v29".equals(staleGet(nodes.get(other), "k29")) ? true : null,
        "the other follower applying the last put");
    long snap = post(leader, "/admin/snapshot").path("index").asLong();
    post(nodes.get(other), "/admin/snapshot");
    assertEquals(200, put(leader, "after", "a"));
    leader.transport().blockPeer(downId, false);
    nodes.set(down, NodeServer.start(settings.get(down), e -> { }));
    await(Duration.ofSeconds(20), () -> "a".equals(staleGet(nodes.get(down), "after")) ? true : null,
        "the restarted follower applying the last write");
    JsonNode st = status(nodes.get(down));
    assertTrue(st.path("snapshotIndex").asLong() >= snap, st + ": it installed the leader's snapshot at " + snap
        + " (the entries before it are compacted everywhere else)");
    assertTrue(st.path("snapshotsInstalled").asLong() >= 1, st + ": a leader's snapshot installed");
    assertEquals("e", get(nodes.get(down), "early"), "state from the snapshot");
    assertEquals("v29", get(nodes.get(down), "k29"));
  }

  private static int put(NodeServer n, String key, String value) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create(url(n) + "/kv/" + key)).PUT(HttpRequest.BodyPublishers
        .ofString(value)).build(), HttpResponse.BodyHandlers.ofString()).statusCode();
  }

  /** {@link #get}, for a probe: an I/O failure is a test failure. */
  private static String staleGet(NodeServer n, String key) {
    try {
      return get(n, key);
    } catch (Exception e) {
      throw new AssertionError("GET " + key + ": " + e, e);
    }
  }

  /** A stale read (the node's own state, no leader involved): the register's value. */
  private static String get(NodeServer n, String key) throws Exception {
    return JSON.readTree(HTTP.send(HttpRequest.newBuilder(URI.create(url(n) + "/kv/" + key + "?stale=true")).GET()
        .build(), HttpResponse.BodyHandlers.ofString()).body()).path("value").asText();
  }

  private static JsonNode post(NodeServer n, String path) throws Exception {
    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url(n) + path))
        .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), r.body());
    return JSON.readTree(r.body());
  }

  private static JsonNode status(NodeServer n) throws Exception {
    return JSON.readTree(HTTP.send(HttpRequest.newBuilder(URI.create(url(n) + "/status")).GET().build(),
        HttpResponse.BodyHandlers.ofString()).body());
  }

  private static String url(NodeServer n) {
    return "http://127.0.0.1:" + n.clientAddress().getPort();
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
