package io.refraft.cli;

import io.refraft.verification.harness.LocalCluster;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * A 3-node cluster of real processes on free loopback ports, for the ITs: start, kill -9, restart,
 * partition, HTTP helpers, and polling with deadlines. {@link #close()} kills every process and
 * deletes the data, whatever the test's outcome.
 */
final class ClusterFixture implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

  final LocalCluster cluster;
  private final Path dir;

  ClusterFixture(int n) throws IOException {
    dir = Files.createTempDirectory("refraft-it-");
    int[] ports = freePorts(2 * n);
    int[] clients = new int[n];
    int[] peers = new int[n];
    for (int i = 0; i < n; i++) {
      clients[i] = ports[i];
      peers[i] = ports[n + i];
    }
    String cp = nodeClassPath();
    // faster timers than production so kill/restart scenarios settle quickly; same ratios as defaults
    cluster = new LocalCluster(dir, clients, peers, cp, LocalCluster.FAST_START_JVM,
        List.of("--heartbeat-ms", "50", "--election-ms", "150-300"));
    cluster.trace(true);
  }

  /**
   * This JVM's class path without the checkers, the testbed and the libraries only they use: what
   * bin/refraft starts {@code refraft node} with ({@code node.classpath}), so every IT's node proves
   * that a node runs from impl alone.
   */
  static String nodeClassPath() {
    String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    List<String> kept = new ArrayList<>();
    for (String e : cp.split(java.io.File.pathSeparator)) {
      Path p = Path.of(e);
      String name = p.getFileName().toString();
      // a jar, or a module's target/classes or target/test-classes
      String module = name.endsWith(".jar") || p.getNameCount() < 3 ? name : p.getParent().getParent().getFileName().toString();
      boolean checkersOrTestbed = module.matches("(refraft-)?(checkers|testbed).*");
      if (!checkersOrTestbed && !name.startsWith("edn-java") && !name.startsWith("HdrHistogram")) {
        kept.add(e);
      }
    }
    if (kept.size() == cp.split(java.io.File.pathSeparator).length) {
      throw new IllegalStateException("the class path has no checkers or testbed entry to leave out: " + cp);
    }
    return String.join(java.io.File.pathSeparator, kept);
  }

  /** Ports the OS hands out as free; released at once, so another process could take one (rare). */
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

  void startAll() throws IOException {
    for (int i = 0; i < cluster.size(); i++) {
      cluster.start(i);
    }
  }

  /** Waits until every running node answers /status. */
  void awaitUp(long timeoutMs) {
    await("every node answers /status", timeoutMs, () -> {
      for (int i = 0; i < cluster.size(); i++) {
        if (cluster.process(i).map(Process::isAlive).orElse(false) && status(i).isEmpty()) {
          return false;
        }
      }
      return true;
    });
  }

  Optional<JsonNode> status(int i) {
    return NodeClient.status(cluster.url(i));
  }

  /** The node that is leader, among the given ones, with the highest term. */
  OptionalInt leader(List<Integer> among) {
    int best = -1;
    long bestTerm = -1;
    for (int i : among) {
      Optional<JsonNode> s = status(i);
      if (s.isPresent() && "Leader".equals(s.get().path("role").asText()) && s.get().path("term").asLong() > bestTerm) {
        best = i;
        bestTerm = s.get().path("term").asLong();
      }
    }
    return best < 0 ? OptionalInt.empty() : OptionalInt.of(best);
  }

  List<Integer> all() {
    List<Integer> out = new ArrayList<>();
    for (int i = 0; i < cluster.size(); i++) {
      out.add(i);
    }
    return out;
  }

  int awaitLeader(List<Integer> among, long timeoutMs) {
    int[] found = {-1};
    await("a leader among " + among, timeoutMs, () -> {
      OptionalInt l = leader(among);
      l.ifPresent(v -> found[0] = v);
      return l.isPresent();
    });
    return found[0];
  }

  long term(int i) {
    return status(i).orElseThrow(() -> new AssertionError(LocalCluster.id(i) + " does not answer")).path("term")
        .asLong();
  }

  /** POSTs a proposal; the index when the node answered 200 within {@code timeoutMs}, else empty. */
  OptionalInt propose(int i, String command, long timeoutMs) {
    try {
      HttpRequest req = HttpRequest.newBuilder(URI.create(cluster.url(i) + "/propose"))
          .timeout(Duration.ofMillis(timeoutMs)).POST(HttpRequest.BodyPublishers.ofString(command)).build();
      HttpResponse<byte[]> resp = HTTP.send(req, HttpResponse.BodyHandlers.ofByteArray());
      return resp.statusCode() == 200 ? OptionalInt.of(JSON.readTree(resp.body()).path("index").asInt())
          : OptionalInt.empty();
    } catch (IOException e) {
      return OptionalInt.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return OptionalInt.empty();
    }
  }

  /** Proposes {@code count} distinct commands to the leader, one at a time; returns index -> command. */
  Map<Integer, String> commit(int leader, String prefix, int count) {
    Map<Integer, String> acked = new HashMap<>();
    for (int k = 0; k < count; k++) {
      String cmd = prefix + "-" + k;
      OptionalInt index = propose(leader, cmd, 5_000);
      if (index.isEmpty()) {
        throw new AssertionError(LocalCluster.id(leader) + " did not commit " + cmd);
      }
      acked.put(index.getAsInt(), cmd);
    }
    return acked;
  }

  void block(int node, int peer, boolean blocked) {
    try {
      HttpRequest req = HttpRequest.newBuilder(URI.create(cluster.url(node) + "/admin/block?peer="
          + LocalCluster.id(peer) + "&blocked=" + blocked)).timeout(Duration.ofSeconds(2))
          .POST(HttpRequest.BodyPublishers.noBody()).build();
      int code = HTTP.send(req, HttpResponse.BodyHandlers.discarding()).statusCode();
      if (code != 200) {
        throw new AssertionError("block " + LocalCluster.id(peer) + " on " + LocalCluster.id(node) + ": HTTP " + code);
      }
    } catch (IOException e) {
      throw new AssertionError("block request failed: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** Node {@code i}'s committed log: index -> command, data entries only. */
  Map<Integer, String> committedLog(int i) {
    try {
      HttpRequest req = HttpRequest.newBuilder(URI.create(cluster.url(i) + "/log")).timeout(Duration.ofSeconds(2))
          .GET().build();
      JsonNode body = JSON.readTree(HTTP.send(req, HttpResponse.BodyHandlers.ofByteArray()).body());
      long commit = body.path("commitIndex").asLong();
      Map<Integer, String> out = new HashMap<>();
      for (JsonNode e : body.path("entries")) {
        if (e.path("index").asLong() <= commit && "data".equals(e.path("type").asText())) {
          out.put(e.path("index").asInt(), new String(Base64.getDecoder().decode(e.path("data").asText())));
        }
      }
      return out;
    } catch (IOException e) {
      throw new AssertionError("reading the log of " + LocalCluster.id(i) + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** Polls {@code condition} every 20 ms until it holds; fails naming {@code what} after the deadline. */
  static void await(String what, long timeoutMs, Supplier<Boolean> condition) {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
    while (!condition.get()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out after " + timeoutMs + " ms waiting for " + what);
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
    }
  }

  /**
   * Kills every node, then checks the run's per-node trace files against the spec with the trace
   * validator ({@code refraft verify-trace --run}), as an independent implementation's would be.
   */
  void assertTracesValid() throws InterruptedException {
    for (int i = 0; i < cluster.size(); i++) {
      cluster.kill(i);
    }
    java.io.StringWriter out = new java.io.StringWriter();
    java.io.StringWriter err = new java.io.StringWriter();
    int code = Main.run(new String[] {"verify-trace", "--run", cluster.traceDir().toString()},
        new java.io.PrintWriter(out, true), new java.io.PrintWriter(err, true));
    System.out.print(out);
    if (code != 0) {
      throw new AssertionError("the run's traces do not validate (exit " + code + "):\n" + out + err);
    }
  }

  /** A test's body: what {@link #withLogs} runs. */
  interface Body {
    void run() throws Exception;
  }

  /** Runs {@code body}; a failed assertion in it comes back with the last lines of every node's log. */
  void withLogs(Body body) throws Exception {
    try {
      body.run();
    } catch (AssertionError e) {
      throw new AssertionError(e.getMessage() + "\n" + logs(), e);
    }
  }

  /** The last lines of every node's log, for a failure message. */
  String logs() {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < cluster.size(); i++) {
      try {
        List<String> lines = Files.readAllLines(cluster.logFile(i));
        sb.append("--- ").append(LocalCluster.id(i)).append(" ---\n")
            .append(String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size()))).append('\n');
      } catch (IOException e) {
        sb.append("--- ").append(LocalCluster.id(i)).append(": no log ---\n");
      }
    }
    return sb.toString();
  }

  @Override
  public void close() throws IOException {
    for (int i = 0; i < cluster.size(); i++) {
      try {
        cluster.kill(i);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
