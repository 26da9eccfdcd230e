package io.refraft.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code refraft bench}: N closed-loop clients (each sends its next request when the previous one is
 * answered) against refraft's KV API or etcd v3's JSON gateway, for a fixed duration after a warm-up.
 *
 * <p>What is measured: every operation that <em>starts</em> after the warm-up and before the end of
 * the measured window; its latency (send to last byte of the response, retries none) goes into one
 * HdrHistogram, 3 significant digits. Throughput is those operations over the time from the start of
 * the window to the last one's answer. The warm-up (JIT compilation on both sides, connection set-up,
 * the leader's first batches) is excluded. Reads preload every key once, before the warm-up, so a get
 * finds a value of {@code --value-size} bytes. All clients send to the leader (found through each
 * system's status call), because a follower would only forward or redirect the request.
 * Not a test: figures depend on the machine and its load.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
    description = {"Closed-loop load on refraft's KV API (or etcd's v3 JSON gateway, or refraft's raw log): "
        + "throughput and latency percentiles from one HdrHistogram, warm-up excluded.",
        "The last line of stdout is {\"ops\",\"seconds\",\"throughput\",\"p50_ms\",\"p99_ms\",\"max_ms\",\"errors\",...}.",
        "Exit 0 after a run (errors are counted, not fatal); 2: bad usage or no leader among the endpoints."})
public final class BenchCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--endpoints", required = true, split = ",", paramLabel = "URL[,URL...]",
      description = "the cluster's client URLs, e.g. http://127.0.0.1:7001,http://127.0.0.1:7002")
  List<String> endpoints;

  @Option(names = "--api", defaultValue = "refraft", paramLabel = "refraft|etcd|raw",
      description = "refraft: PUT/GET /kv/{key}, POST /txn; etcd: POST /v3/kv/put|range|txn; "
          + "raw: refraft's POST /propose, every op a proposal (default: ${DEFAULT-VALUE})")
  String api;

  @Option(names = "--clients", defaultValue = "64", paramLabel = "N", description = "concurrent clients (default: ${DEFAULT-VALUE})")
  int clients;

  @Option(names = "--duration", defaultValue = "10", paramLabel = "S", description = "measured seconds (default: ${DEFAULT-VALUE})")
  int duration;

  @Option(names = "--warmup", defaultValue = "3", paramLabel = "S",
      description = "seconds of load before measuring, excluded from the figures (default: ${DEFAULT-VALUE})")
  int warmup;

  @Option(names = "--value-size", defaultValue = "100", paramLabel = "B", description = "bytes per value (default: ${DEFAULT-VALUE})")
  int valueSize;

  @Option(names = "--keys", defaultValue = "1000", paramLabel = "K", description = "keys drawn uniformly (default: ${DEFAULT-VALUE})")
  int keys;

  @Option(names = "--mix", defaultValue = "put", paramLabel = "put|get|50/50|txn",
      description = "put; get (linearizable); 50/50 of both; txn (read one key, write another, atomically) "
          + "(default: ${DEFAULT-VALUE})")
  String mix;

  @Option(names = "--seed", paramLabel = "N", description = "seed of the key choices (default: random, printed)")
  Long seed;

  private enum Mix { PUT, GET, HALF, TXN }

  @picocli.CommandLine.Mixin ClientTlsOptions tls;

  @Override
  public Integer call() throws Exception {
    Mix m = validate();
    tls.apply();
    BenchApi target = BenchApi.of(api);
    long s = seed != null ? seed : new SplittableRandom().nextLong();
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).executor(Runnable::run)
        .connectTimeout(Duration.ofSeconds(2)).build();
    URI leader = findLeader(http, target);
    PrintWriter err = spec.commandLine().getErr();
    err.printf("bench: %s api, leader %s, %d clients, mix %s, %d keys, %d-byte values, seed %d%n", api, leader,
        clients, mix, keys, valueSize, s);
    String value = "v".repeat(valueSize);
    if (m == Mix.GET || m == Mix.HALF || m == Mix.TXN) {
      preload(http, target, leader, value);
    }
    Recorder latencies = new Recorder(3);
    AtomicLong ok = new AtomicLong();
    AtomicLong errors = new AtomicLong();
    AtomicLong lastAnswer = new AtomicLong();
    AtomicLong answered = new AtomicLong();
    long measureFrom = System.nanoTime() + TimeUnit.SECONDS.toNanos(warmup);
    long end = measureFrom + TimeUnit.SECONDS.toNanos(duration);
    SplittableRandom seeds = new SplittableRandom(s);
    List<Thread> threads = new ArrayList<>();
    for (int c = 0; c < clients; c++) {
      Client client = new Client(http, target, leader, m, value, keys, seeds.split(), measureFrom, end, latencies, ok,
          errors, lastAnswer, answered);
      threads.add(Thread.ofVirtual().name("bench-" + c).start(client::run));
    }
    Optional<JsonNode> before = Optional.empty();
    if (!(target instanceof BenchApi.Etcd)) {
      TimeUnit.NANOSECONDS.sleep(Math.max(0, measureFrom - System.nanoTime()));
      before = NodeClient.status(leader.toString());
    }
    for (Thread t : threads) {
      t.join();
    }
    Optional<JsonNode> after = before.isEmpty() ? Optional.empty() : NodeClient.status(leader.toString());
    double elapsed = Math.max(lastAnswer.get() - measureFrom, 1) / 1e9;
    Histogram h = latencies.getIntervalHistogram();
    PrintWriter out = spec.commandLine().getOut();
    String measured = String.format(Locale.ROOT,
        "{\"api\":\"%s\",\"mix\":\"%s\",\"clients\":%d,\"ops\":%d,\"seconds\":%.2f,\"throughput\":%.0f,"
            + "\"p50_ms\":%.2f,\"p99_ms\":%.2f,\"max_ms\":%.2f,\"errors\":%d,\"ops_with_warmup\":%d%s}",
        api, mix, clients, ok.get(), elapsed, ok.get() / elapsed, h.getValueAtPercentile(50) / 1e6,
        h.getValueAtPercentile(99) / 1e6, h.getMaxValue() / 1e6, errors.get(), answered.get(),
        fsyncs(before, after, elapsed));
    // a measurement, not a verdict: valid says the load ran to its end
    return Summary.print(out, Summary.of(Summary.Verdict.VALID, 0, (ObjectNode) Summary.JSON.readTree(measured)));
  }

  /** The leader's fsyncs in the window, from its {@code /status} counters (refraft only). */
  private static String fsyncs(Optional<JsonNode> before, Optional<JsonNode> after, double elapsed) {
    if (before.isEmpty() || after.isEmpty()) {
      return "";
    }
    long syncs = after.get().path("syncs").asLong() - before.get().path("syncs").asLong();
    long synced = after.get().path("entriesSynced").asLong() - before.get().path("entriesSynced").asLong();
    return String.format(Locale.ROOT, ",\"leader_fsyncs_per_s\":%.0f,\"entries_per_fsync\":%.1f", syncs / elapsed,
        syncs > 0 ? (double) synced / syncs : 0.0);
  }

  private Mix validate() {
    if (!List.of("refraft", "etcd", "raw").contains(api)) {
      throw new UserError("--api must be refraft, etcd or raw, got '" + api + "'");
    }
    Mix m = switch (mix) {
      case "put" -> Mix.PUT;
      case "get" -> Mix.GET;
      case "50/50" -> Mix.HALF;
      case "txn" -> Mix.TXN;
      default -> throw new UserError("--mix must be put, get, 50/50 or txn, got '" + mix + "'");
    };
    check(clients >= 1 && clients <= 10_000, "--clients must be 1..10000, got " + clients);
    check(duration >= 1, "--duration must be >= 1 second, got " + duration);
    check(warmup >= 0, "--warmup must be >= 0 seconds, got " + warmup);
    check(valueSize >= 1 && valueSize <= 1 << 20, "--value-size must be 1..1048576 bytes, got " + valueSize);
    check(keys >= 1, "--keys must be >= 1, got " + keys);
    for (String e : endpoints) {
      URI u;
      try {
        u = new URI(e);
      } catch (java.net.URISyntaxException ex) {
        throw new UserError("--endpoints: '" + e + "' is not a URL: " + ex.getMessage());
      }
      check(("http".equals(u.getScheme()) || "https".equals(u.getScheme())) && u.getHost() != null && u.getPort() > 0,
          "--endpoints: '" + e + "' must look like http(s)://HOST:PORT");
    }
    return m;
  }

  private static void check(boolean condition, String message) {
    if (!condition) {
      throw new UserError(message);
    }
  }

  /** The endpoint that says it leads; polls for up to 10 s while an election settles. */
  private URI findLeader(HttpClient http, BenchApi target) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    boolean anyAnswered = false;
    do {
      for (String e : endpoints) {
        URI base = URI.create(e.replaceAll("/+$", ""));
        Optional<Boolean> leads = target.isLeader(http, base);
        anyAnswered |= leads.isPresent();
        if (leads.orElse(false)) {
          return base;
        }
      }
      TimeUnit.MILLISECONDS.sleep(200);
    } while (System.nanoTime() < deadline);
    throw new UserError("--endpoints: " + (anyAnswered ? "no leader among " : "no answer from any of ") + endpoints
        + " within 10 s (is --api " + api + " right?)");
  }

  /** Writes every key once, {@code clients} at a time, so reads find values. */
  private void preload(HttpClient http, BenchApi target, URI leader, String value) throws InterruptedException {
    AtomicLong next = new AtomicLong();
    AtomicLong failed = new AtomicLong();
    List<Thread> threads = new ArrayList<>();
    for (int c = 0; c < Math.min(clients, keys); c++) {
      threads.add(Thread.ofVirtual().start(() -> {
        for (long k = next.getAndIncrement(); k < keys; k = next.getAndIncrement()) {
          if (Client.send(http, target.put(leader, "k" + k, value), target) < 0) {
            failed.incrementAndGet();
          }
        }
      }));
    }
    for (Thread t : threads) {
      t.join();
    }
    if (failed.get() > 0) {
      spec.commandLine().getErr().printf("bench: %d of %d preloading writes failed%n", failed.get(), keys);
    }
  }

  /** One closed-loop client. */
  private record Client(HttpClient http, BenchApi target, URI leader, Mix mix, String value, int keys,
      SplittableRandom random, long measureFrom, long end, Recorder latencies, AtomicLong ok, AtomicLong errors,
      AtomicLong lastAnswer, AtomicLong answered) {
    void run() {
      long start;
      while ((start = System.nanoTime()) < end) {
        HttpRequest req = next();
        long took = send(http, req, target);
        answered.incrementAndGet();
        if (start < measureFrom) {
          continue;
        }
        long now = System.nanoTime();
        lastAnswer.accumulateAndGet(now, Math::max);
        if (took >= 0) {
          latencies.recordValue(took);
          ok.incrementAndGet();
        } else {
          errors.incrementAndGet();
        }
        if (Thread.currentThread().isInterrupted()) {
          return;
        }
      }
    }

    private HttpRequest next() {
      String key = "k" + random.nextInt(keys);
      return switch (mix) {
        case PUT -> target.put(leader, key, value);
        case GET -> target.get(leader, key);
        case HALF -> random.nextBoolean() ? target.put(leader, key, value) : target.get(leader, key);
        case TXN -> target.txn(leader, key, "k" + random.nextInt(keys), value);
      };
    }

    /** The latency in ns of a successful request, or -1 for an error status or a failed exchange. */
    static long send(HttpClient http, HttpRequest req, BenchApi target) {
      long t = System.nanoTime();
      try {
        HttpResponse<Void> r = http.send(req, HttpResponse.BodyHandlers.discarding());
        long took = System.nanoTime() - t;
        return target.ok(r.statusCode()) ? took : -1;
      } catch (IOException e) {
        return -1;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return -1;
      }
    }
  }
}
