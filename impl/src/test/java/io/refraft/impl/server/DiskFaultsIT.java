package io.refraft.impl.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.refraft.impl.node.Timing;
import io.refraft.impl.storage.ForwardingStorage;
import io.refraft.impl.storage.Storage;
import io.refraft.impl.storage.Tmpfs;
import io.refraft.spec.NodeId;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The disk fails under a real one-node server on real sockets: a full file system (a tmpfs filled
 * up) refuses writes with 507 and keeps serving reads until space returns; an fsync error stops the
 * node, fails the write in flight as indeterminate (504) and refuses later ones (503).
 */
class DiskFaultsIT {
  private static final NodeId N1 = NodeId.of("n1");
  private static final Timing TIMING = new Timing(Duration.ofMillis(50), Duration.ofMillis(150), Duration.ofMillis(300));
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @TempDir
  Path tmp;

  private static NodeSettings settings(Path data) {
    InetSocketAddress any = new InetSocketAddress("127.0.0.1", 0);
    return new NodeSettings(N1, Map.of(N1, any), any, data, "disk-faults", TIMING, Map.of(), Optional.empty());
  }

  private HttpResponse<String> send(NodeServer node, String method, String path, String body) throws Exception {
    URI uri = URI.create("http://127.0.0.1:" + node.clientAddress().getPort() + path);
    HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10));
    b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** PUT until the single node, once leader, answers something other than 503 (no leader yet). */
  private HttpResponse<String> put(NodeServer node, String key, String value) throws Exception {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    HttpResponse<String> r;
    do {
      r = send(node, "PUT", "/kv/" + key, value);
    } while (r.statusCode() == 503 && System.nanoTime() < end && pause());
    return r;
  }

  private static boolean pause() throws InterruptedException {
    Thread.sleep(20); // polling for the first election, whose timing is the node's
    return true;
  }

  @Test
  void a_full_disk_refuses_writes_with_507_serves_reads_and_recovers_when_space_returns() throws Exception {
    try (Tmpfs fs = Tmpfs.mount(tmp, 1024)) {
      Path data = fs.root().resolve("n1");
      NodeServer node = NodeServer.start(settings(data), e -> { });
      try {
        assertEquals(200, put(node, "a", "1").statusCode());
        fs.fill();
        // taken before the node knew: in its log, waiting for its write, which finds no space
        CompletableFuture<HttpResponse<String>> waiting = http.sendAsync(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + node.clientAddress().getPort() + "/kv/b"))
            .PUT(HttpRequest.BodyPublishers.ofString("x".repeat(8000))).build(), HttpResponse.BodyHandlers.ofString());
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!send(node, "GET", "/status", null).body().contains("\"diskFull\":true") && System.nanoTime() < end) {
          Thread.sleep(10); // polling the node's status, which its state thread publishes
        }
        HttpResponse<String> refused = send(node, "PUT", "/kv/c", "3");
        assertEquals(507, refused.statusCode(), refused.body());
        assertTrue(refused.body().contains("disk full"), refused.body());
        HttpResponse<String> read = send(node, "GET", "/kv/a", null);
        assertEquals(200, read.statusCode(), read.body());
        assertTrue(read.body().contains("\"1\""), read.body());
        assertTrue(send(node, "GET", "/status", null).body().contains("\"diskFull\":true"));
        fs.free();
        assertEquals(200, put(node, "d", "4").statusCode());
        assertEquals(200, waiting.get(10, TimeUnit.SECONDS).statusCode(), "the write that waited for space");
        assertTrue(send(node, "GET", "/status", null).body().contains("\"diskFull\":false"));
      } finally {
        node.close();
      }
      NodeServer again = NodeServer.start(settings(data), e -> { });
      try { // recovered from the same files: what was acknowledged is there
        assertEquals(200, put(again, "e", "5").statusCode());
        assertTrue(send(again, "GET", "/kv/a", null).body().contains("\"1\""));
        assertTrue(send(again, "GET", "/kv/d", null).body().contains("\"4\""));
        assertTrue(send(again, "GET", "/kv/b", null).body().contains("xxxx"));
        assertEquals(404, send(again, "GET", "/kv/c", null).statusCode(), "the refused write did not happen");
      } finally {
        again.close();
      }
    }
  }

  /** Storage whose fsync fails once armed, as a disk that reports EIO would. */
  private static final class FailingFsync extends ForwardingStorage {
    private final AtomicBoolean armed;
    private final Path data;

    FailingFsync(Storage storage, AtomicBoolean armed, Path data) {
      super(storage);
      this.armed = armed;
      this.data = data;
    }

    @Override
    public void sync() throws IOException {
      if (armed.get()) {
        throw new IOException(data.resolve("wal-00000000000000000001.log") + ": fsync failed: Input/output error");
      }
      super.sync();
    }
  }

  @Test
  void an_fsync_error_stops_the_node_the_write_in_flight_is_indeterminate_and_later_ones_are_refused()
      throws Exception {
    Path data = tmp.resolve("n1");
    AtomicBoolean armed = new AtomicBoolean();
    CompletableFuture<Throwable> fatal = new CompletableFuture<>();
    Decorators failing = new Decorators() {
      @Override
      public Storage storage(Storage storage) {
        return new FailingFsync(storage, armed, data);
      }
    };
    NodeServer node = NodeServer.start(settings(data), failing, fatal::complete);
    try {
      assertEquals(200, put(node, "a", "1").statusCode());
      armed.set(true);
      HttpResponse<String> inFlight = send(node, "PUT", "/kv/b", "2");
      assertEquals(504, inFlight.statusCode(), inFlight.body());
      Throwable cause = fatal.get(10, TimeUnit.SECONDS);
      assertTrue(cause.getMessage().contains("fsync failed: Input/output error"), cause.toString());
      assertTrue(cause.getMessage().contains(data.toString()), cause.toString());
      HttpResponse<String> later = send(node, "PUT", "/kv/c", "3");
      assertEquals(503, later.statusCode(), later.body());
    } finally {
      node.close();
    }
  }
}
