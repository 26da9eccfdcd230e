package io.refraft.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.refraft.impl.client.RefraftClient;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * The KV service across failures of real node processes: a session's retry reaching a new leader
 * after kill -9 of the old one is answered from the session, not applied again (thesis §6.3); and
 * every write acknowledged through the KV API survives kill -9 of the leader and then of the whole
 * cluster, read back with linearizable reads after the restart. Tracing is off here, so these
 * kills exercise the driver's untraced order (a leader's appends sent before its own fsync).
 */
class KvFailoverIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
      .connectTimeout(Duration.ofSeconds(1)).build();
  private ClusterFixture f;

  @BeforeEach
  void start(TestInfo info) throws Exception {
    System.out.println("KvFailoverIT." + info.getDisplayName());
    f = new ClusterFixture(3);
    // untraced, as in production: the leader's AppendEntries leave before its fsync (Driver, §10.2.1)
    f.cluster.trace(false);
    f.startAll();
    f.awaitUp(30_000);
  }

  @AfterEach
  void stop() throws Exception {
    f.close();
  }

  private RefraftClient client(List<Integer> nodes) {
    return new RefraftClient(nodes.stream().map(i -> URI.create(f.cluster.url(i))).toList(), Duration.ofSeconds(2),
        Duration.ofSeconds(15), true);
  }

  private record Answer(int status, JsonNode body) {}

  private Answer post(int node, String path, String body, Map<String, String> headers)
      throws IOException, InterruptedException {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(f.cluster.url(node) + path))
        .timeout(Duration.ofSeconds(5))
        .POST(body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    headers.forEach(b::header);
    HttpResponse<byte[]> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    return new Answer(r.statusCode(), r.body().length == 0 ? JSON.createObjectNode() : JSON.readTree(r.body()));
  }



  @Test
  void a_retry_with_the_same_sequence_number_on_a_new_leader_is_not_applied_again() throws Exception {
    f.withLogs(() -> {
      int leader = f.awaitLeader(f.all(), 10_000);
      Answer session = post(leader, "/session", null, Map.of());
      assertEquals(200, session.status(), session.body().toString());
      Map<String, String> tag = Map.of("Refraft-Client-Id", session.body().path("client").asText(),
          "Refraft-Sequence", "1");
      Answer first = post(leader, "/kv/once/append", "{\"value\":\"a\"}", tag);
      assertEquals(200, first.status(), first.body().toString());
      // The client does not know the outcome (say the answer was lost) and the leader dies.
      f.cluster.kill(leader);
      List<Integer> rest = f.all().stream().filter(i -> i != leader).toList();
      int next = f.awaitLeader(rest, 10_000);
      Answer retry = post(next, "/kv/once/append", "{\"value\":\"a\"}", tag);
      assertEquals(200, retry.status(), retry.body().toString());
      assertEquals(first.body().path("result"), retry.body().path("result"), "the session's remembered result");
      assertNotEquals(first.body().path("index"), retry.body().path("index"), "the retry is its own log entry");
      try (RefraftClient c = client(rest)) {
        assertEquals(JSON.readTree("[\"a\"]"), c.get("once").orElseThrow(), "appended once, not twice");
      }
    });
  }

  @Test
  void no_acknowledged_write_is_lost_across_kill_9_of_the_leader_and_of_the_whole_cluster() throws Exception {
    f.withLogs(() -> {
      int leader = f.awaitLeader(f.all(), 10_000);
      Map<String, String> acked = new LinkedHashMap<>();
      try (RefraftClient c = client(List.of(leader))) {
        for (int k = 0; k < 30; k++) {
          c.put("a" + k, "v" + k);
          acked.put("a" + k, "v" + k);
        }
      }
      f.cluster.kill(leader);
      List<Integer> rest = f.all().stream().filter(i -> i != leader).toList();
      f.awaitLeader(rest, 10_000);
      try (RefraftClient c = client(rest)) {
        for (int k = 0; k < 20; k++) {
          c.put("b" + k, "w" + k);
          acked.put("b" + k, "w" + k);
        }
        c.put("a0", "overwritten");
        acked.put("a0", "overwritten");
      }
      for (int i : f.all()) {
        f.cluster.kill(i); // SIGKILL: only what was fsynced survives
      }
      f.startAll();
      f.awaitUp(30_000);
      f.awaitLeader(f.all(), 10_000);
      try (RefraftClient c = client(f.all())) {
        for (Map.Entry<String, String> e : acked.entrySet()) {
          assertEquals(e.getValue(), c.get(e.getKey()).map(JsonNode::asText).orElse(null),
              "acknowledged write of " + e.getKey() + " after the restart");
        }
      }
      assertTrue(acked.size() == 50, "every write was acknowledged: " + acked.size());
    });
  }
}
