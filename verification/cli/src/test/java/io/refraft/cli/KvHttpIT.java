package io.refraft.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.refraft.impl.client.DefiniteFailure;
import io.refraft.impl.client.RefraftClient;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * The KV HTTP API and {@link RefraftClient} against three real node processes: operations through a
 * follower (redirects), validation before proposing, reads seeing other clients' acknowledged
 * writes, exactly-once retries in a session, and an isolated leader refusing linearizable reads.
 */
class KvHttpIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
      .connectTimeout(Duration.ofSeconds(1)).build();
  private ClusterFixture f;

  @BeforeEach
  void start(TestInfo info) throws Exception {
    System.out.println("KvHttpIT." + info.getDisplayName());
    f = new ClusterFixture(3);
    f.startAll();
    f.awaitUp(30_000);
  }

  @AfterEach
  void stop() throws Exception {
    f.close();
  }

  private RefraftClient client(int... nodes) {
    List<URI> urls = java.util.Arrays.stream(nodes).mapToObj(i -> URI.create(f.cluster.url(i))).toList();
    return new RefraftClient(urls, Duration.ofSeconds(2), Duration.ofSeconds(10), true);
  }

  private record Answer(int status, JsonNode body, Optional<String> location) {}

  private Answer send(int node, String method, String path, String body, Map<String, String> headers, long timeoutMs)
      throws IOException, InterruptedException {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(f.cluster.url(node) + path))
        .timeout(Duration.ofMillis(timeoutMs))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    headers.forEach(b::header);
    HttpResponse<byte[]> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    JsonNode json = r.body().length == 0 ? JSON.createObjectNode() : JSON.readTree(r.body());
    return new Answer(r.statusCode(), json, r.headers().firstValue("Location"));
  }

  private int follower(int leader) {
    return (leader + 1) % 3;
  }

  @Test
  void everyOperationRoundTripsThroughAFollower() throws Exception {
    int leader = f.awaitLeader(f.all(), 10_000);
    int follower = follower(leader);
    // A leader knows it leads before its first AppendEntries reaches the follower; until then the
    // follower rightly answers 503 (no leader known), so wait for it to learn the leader.
    ClusterFixture.await("n" + (follower + 1) + " knows the leader", 10_000, () -> f.status(follower)
        .map(st -> st.path("leader").asText().equals("n" + (leader + 1))).orElse(false));
    Answer redirect = send(follower, "PUT", "/kv/a%2Fb", "v", Map.of(), 2_000);
    assertEquals(307, redirect.status(), redirect.body().toString());
    assertEquals(Optional.of(f.cluster.url(leader) + "/kv/a%2Fb"), redirect.location());

    try (RefraftClient c = client(follower)) {
      assertTrue(c.put("x", "1") > 0);
      assertEquals("1", c.get("x").orElseThrow().asText());
      c.cas("x", Optional.of("1"), "2");
      DefiniteFailure mismatch = assertThrows(DefiniteFailure.class, () -> c.cas("x", Optional.of("1"), "3"));
      assertTrue(mismatch.casMismatch(), mismatch.getMessage());
      assertEquals("2", mismatch.body().path("current").asText());
      c.cas("fresh", Optional.empty(), "new");
      assertEquals("new", c.get("fresh").orElseThrow().asText());
      c.append("l", "a");
      c.append("l", "b");
      assertEquals(JSON.readTree("[\"a\",\"b\"]"), c.get("l").orElseThrow());
      JsonNode results = c.txn(JSON.readTree("[[\"append\",\"l\",\"c\"],[\"r\",\"l\",null],[\"w\",\"y\",\"9\"],"
          + "[\"cas\",\"x\",\"2\",\"3\"]]"));
      assertEquals(JSON.readTree("[[\"append\",\"l\",\"c\"],[\"r\",\"l\",[\"a\",\"b\",\"c\"]],[\"w\",\"y\",\"9\"],"
          + "[\"cas\",\"x\",\"2\",\"3\"]]"), results);
      assertEquals("3", c.get("x").orElseThrow().asText());
      c.delete("x");
      assertEquals(Optional.empty(), c.get("x"));
    }
  }

  @Test
  void malformedRequestsAreRefusedAndNothingIsApplied() throws Exception {
    int leader = f.awaitLeader(f.all(), 10_000);
    try (RefraftClient c = client(leader)) {
      c.put("before", "1"); // the leader's no-op and this are applied: the log is settled
    }
    long last = f.status(leader).orElseThrow().path("lastLogIndex").asLong();
    List<String[]> bad = List.of(
        new String[] {"/txn", "[[\"append\",\"k\",\"v\"]"},
        new String[] {"/txn", "[[\"frob\",\"k\",\"v\"]]"},
        new String[] {"/txn", "{\"ops\":[]}"},
        new String[] {"/kv/k/cas", "not json"},
        new String[] {"/kv/k/cas", "{\"from\":null,\"to\":\"1\",\"extra\":1}"},
        new String[] {"/kv/k/append", "{\"value\":7}"});
    for (String[] req : bad) {
      Answer a = send(leader, "POST", req[0], req[1], Map.of(), 2_000);
      assertEquals(400, a.status(), req[0] + " " + req[1] + " -> " + a.body());
      assertFalse(a.body().path("error").asText().isEmpty(), "a reason for " + req[1]);
    }
    Answer big = send(leader, "PUT", "/kv/k", "x".repeat(1024 * 1024 + 1), Map.of(), 5_000);
    assertEquals(413, big.status(), big.body().toString());
    assertEquals(last, f.status(leader).orElseThrow().path("lastLogIndex").asLong(), "no entry was appended");
    assertEquals(404, send(leader, "GET", "/kv/k", null, Map.of(), 2_000).status());
  }

  @Test
  void aReadSeesAnotherClientsAcknowledgedWrite() throws Exception {
    int leader = f.awaitLeader(f.all(), 10_000);
    try (RefraftClient writer = client(leader); RefraftClient reader = client(follower(leader), leader)) {
      for (int k = 0; k < 20; k++) {
        writer.put("r", "v" + k);
        assertEquals("v" + k, reader.get("r").orElseThrow().asText(), "read after write " + k);
      }
    }
  }

  @Test
  void aRetryWithTheSameSequenceNumberIsAppliedOnce() throws Exception {
    int leader = f.awaitLeader(f.all(), 10_000);
    Answer session = send(leader, "POST", "/session", null, Map.of(), 5_000);
    assertEquals(200, session.status(), session.body().toString());
    long id = session.body().path("client").asLong();
    Map<String, String> tag = Map.of("Refraft-Client-Id", Long.toString(id), "Refraft-Sequence", "1");
    Answer first = send(leader, "POST", "/kv/once/append", "{\"value\":\"a\"}", tag, 5_000);
    Answer retry = send(leader, "POST", "/kv/once/append", "{\"value\":\"a\"}", tag, 5_000);
    assertEquals(200, first.status(), first.body().toString());
    assertEquals(200, retry.status(), retry.body().toString());
    assertEquals(first.body().path("result"), retry.body().path("result"));
    assertNotEquals(first.body().path("index"), retry.body().path("index"), "the retry is its own log entry");
    try (RefraftClient c = client(leader)) {
      assertEquals(JSON.readTree("[\"a\"]"), c.get("once").orElseThrow(), "appended once");
    }
    Answer unknown = send(leader, "POST", "/kv/once/append", "{\"value\":\"b\"}",
        Map.of("Refraft-Client-Id", "999999", "Refraft-Sequence", "1"), 5_000);
    assertEquals(410, unknown.status(), "a session never opened: " + unknown.body());
  }

  @Test
  void anIsolatedLeaderServesOnlyStaleReads() throws Exception {
    int leader = f.awaitLeader(f.all(), 10_000);
    try (RefraftClient c = client(leader)) {
      c.put("z", "old");
    }
    for (int p : f.all()) {
      if (p != leader) {
        f.block(leader, p, true);
      }
    }
    try {
      int status;
      try {
        status = send(leader, "GET", "/kv/z", null, Map.of(), 5_000).status();
      } catch (HttpTimeoutException e) {
        status = -1;
      }
      assertNotEquals(200, status, "an isolated leader answered a linearizable read");
      Answer stale = send(leader, "GET", "/kv/z?stale=true", null, Map.of(), 2_000);
      assertEquals(200, stale.status(), stale.body().toString());
      assertEquals("old", stale.body().path("value").asText());
      List<Integer> majority = f.all().stream().filter(i -> i != leader).toList();
      int next = f.awaitLeader(majority, 10_000);
      try (RefraftClient c = client(next)) {
        c.put("z", "new");
        assertEquals("new", c.get("z").orElseThrow().asText());
      }
      assertEquals("old", send(leader, "GET", "/kv/z?stale=true", null, Map.of(), 2_000).body().path("value").asText(),
          "the stale read on the isolated node does not see the majority's write");
    } finally {
      for (int p : f.all()) {
        if (p != leader) {
          f.block(leader, p, false);
        }
      }
    }
  }

  private record Run(int code, JsonNode out) {}

  private Run kv(String... args) throws IOException {
    java.io.StringWriter out = new java.io.StringWriter();
    java.io.StringWriter err = new java.io.StringWriter();
    String[] full = new String[args.length + 3];
    full[0] = "kv";
    System.arraycopy(args, 0, full, 1, args.length);
    full[args.length + 1] = "--endpoints";
    full[args.length + 2] = f.cluster.url(0) + "," + f.cluster.url(1) + "," + f.cluster.url(2);
    int code = Main.run(full, new java.io.PrintWriter(out, true), new java.io.PrintWriter(err, true));
    String text = out.toString().strip();
    if (!text.isEmpty()) {
      SummarySchema.assertConforms("kv", text);
    }
    return new Run(code, text.isEmpty() ? JSON.createObjectNode().put("stderr", err.toString()) : JSON.readTree(text));
  }

  @Test
  void theKvCommandMapsOutcomesToExitCodes() throws Exception {
    f.awaitLeader(f.all(), 10_000);
    assertEquals(0, kv("put", "k", "1").code());
    Run got = kv("get", "k");
    assertEquals(0, got.code(), got.out().toString());
    assertEquals("1", got.out().path("value").asText());
    assertEquals(1, kv("get", "absent").code());
    Run mismatch = kv("cas", "k", "3", "--from", "2");
    assertEquals(1, mismatch.code(), mismatch.out().toString());
    assertEquals("1", mismatch.out().path("current").asText());
    assertEquals(0, kv("cas", "k", "2", "--from", "1").code());
    assertEquals(0, kv("append", "l", "a").code());
    Run txn = kv("txn", "[[\"r\",\"l\",null]]");
    assertEquals(0, txn.code(), txn.out().toString());
    assertEquals(JSON.readTree("[[\"r\",\"l\",[\"a\"]]]"), txn.out().path("results"));
    assertEquals(2, kv("txn", "[[\"frob\",\"l\",null]]").code(), "refused by the node as malformed");
    assertEquals(2, kv("txn", "not json").code(), "refused before sending");
    assertEquals(0, kv("delete", "k").code());

    // every endpoint: bench finds the leader among them (node 0 need not lead)
    java.io.StringWriter bench = new java.io.StringWriter();
    java.io.StringWriter benchErr = new java.io.StringWriter();
    int code = Main.run(new String[] {"bench", "--endpoints", f.cluster.url(0) + "," + f.cluster.url(1) + ","
        + f.cluster.url(2), "--clients", "2", "--duration", "1", "--warmup", "0", "--keys", "10"},
        new java.io.PrintWriter(bench, true), new java.io.PrintWriter(benchErr, true));
    String[] lines = bench.toString().strip().split("\n");
    assertEquals(0, code, bench + "\n" + benchErr);
    assertTrue(SummarySchema.assertConforms("bench", lines[lines.length - 1]).get("ops").asLong() > 0, bench.toString());
  }
}
