package io.refraft.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Recorder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code refraft bench}: closed-loop proposers against one node's {@code POST /propose}; reports
 * committed entries/s, commit latency percentiles (HdrHistogram) and the node's fsyncs/s and entries
 * per fsync from its {@code /status} counters. Not a test: figures depend on the disk and the load.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
    description = {"Closed-loop load on a refraft node's POST /propose: committed entries/s, p50/p99 commit latency, "
        + "and the node's fsyncs/s and entries per fsync. Prints one JSON object as the last line."})
public final class BenchCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--endpoint", required = true, paramLabel = "URL", description = "the leader, e.g. http://127.0.0.1:7001")
  String endpoint;

  @Option(names = "--proposers", defaultValue = "64", description = "concurrent proposers (default: ${DEFAULT-VALUE})")
  int proposers;

  @Option(names = "--size", defaultValue = "100", description = "bytes per entry (default: ${DEFAULT-VALUE})")
  int size;

  @Option(names = "--seconds", defaultValue = "10", description = "measured duration (default: ${DEFAULT-VALUE})")
  int seconds;

  @Option(names = "--warmup", defaultValue = "2", description = "seconds of load before measuring (default: ${DEFAULT-VALUE})")
  int warmup;

  @Override
  public Integer call() throws Exception {
    if (proposers < 1 || size < 0 || seconds < 1 || warmup < 0) {
      throw new UserError("--proposers and --seconds must be >= 1, --size and --warmup >= 0");
    }
    String url = endpoint.replaceAll("/+$", "");
    if (NodeClient.status(url).isEmpty()) {
      throw new UserError("--endpoint " + url + " does not answer GET /status");
    }
    // a 307 (leadership moved) is followed to the new leader with the same body
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .followRedirects(HttpClient.Redirect.NORMAL).connectTimeout(Duration.ofSeconds(2)).build();
    Recorder latencies = new Recorder(3);
    AtomicLong ok = new AtomicLong();
    AtomicLong failed = new AtomicLong();
    long start = System.nanoTime();
    long measureFrom = start + TimeUnit.SECONDS.toNanos(warmup);
    long end = measureFrom + TimeUnit.SECONDS.toNanos(seconds);
    List<Thread> threads = new ArrayList<>();
    for (int p = 0; p < proposers; p++) {
      int id = p;
      threads.add(Thread.ofVirtual().start(() -> propose(http, url, id, size, end, latencies, ok, failed)));
    }
    awaitUntil(measureFrom);
    latencies.reset();
    ok.set(0);
    failed.set(0);
    JsonNode before = NodeClient.status(url).orElseThrow(() -> new UserError(url + " stopped answering"));
    long t0 = System.nanoTime();
    for (Thread t : threads) {
      t.join();
    }
    double elapsed = (System.nanoTime() - t0) / 1e9;
    Optional<JsonNode> after = NodeClient.status(url);
    var h = latencies.getIntervalHistogram();
    long syncs = after.map(a -> a.path("syncs").asLong() - before.path("syncs").asLong()).orElse(-1L);
    long synced = after.map(a -> a.path("entriesSynced").asLong() - before.path("entriesSynced").asLong()).orElse(-1L);
    PrintWriter out = spec.commandLine().getOut();
    out.println(String.format(Locale.ROOT,
        "{\"proposers\":%d,\"size\":%d,\"seconds\":%.1f,\"committed\":%d,\"failed\":%d,\"committedPerSecond\":%.0f,"
            + "\"p50Ms\":%.2f,\"p99Ms\":%.2f,\"maxMs\":%.2f,\"leaderFsyncs\":%d,\"leaderFsyncsPerSecond\":%.0f,"
            + "\"entriesPerFsync\":%.1f}",
        proposers, size, elapsed, ok.get(), failed.get(), ok.get() / elapsed, h.getValueAtPercentile(50) / 1e6,
        h.getValueAtPercentile(99) / 1e6, h.getMaxValue() / 1e6, syncs, syncs / elapsed,
        syncs > 0 ? (double) synced / syncs : 0.0));
    out.flush();
    return 0;
  }

  /** One closed-loop proposer: each command is tagged with the proposer and a sequence number. */
  private static void propose(HttpClient http, String url, int id, int size, long end, Recorder latencies,
      AtomicLong ok, AtomicLong failed) {
    byte[] body = new byte[size];
    long seq = 0;
    while (System.nanoTime() < end) {
      String tag = id + ":" + (seq++) + ":";
      byte[] tagBytes = tag.getBytes(StandardCharsets.UTF_8);
      System.arraycopy(tagBytes, 0, body, 0, Math.min(tagBytes.length, body.length));
      HttpRequest req = HttpRequest.newBuilder(URI.create(url + "/propose")).timeout(Duration.ofSeconds(10))
          .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
      long t = System.nanoTime();
      try {
        int code = http.send(req, HttpResponse.BodyHandlers.discarding()).statusCode();
        if (code == 200) {
          latencies.recordValue(System.nanoTime() - t);
          ok.incrementAndGet();
        } else {
          failed.incrementAndGet();
        }
      } catch (IOException e) {
        failed.incrementAndGet();
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  private static void awaitUntil(long deadline) throws InterruptedException {
    long left;
    while ((left = deadline - System.nanoTime()) > 0) {
      TimeUnit.NANOSECONDS.sleep(Math.min(left, 100_000_000L));
    }
  }
}
