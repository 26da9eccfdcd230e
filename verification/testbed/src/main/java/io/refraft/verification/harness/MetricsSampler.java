package io.refraft.verification.harness;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Scrapes every node's {@code GET /metrics} once a second during a run, keeping a few series for the
 * report's plots ({@link #SERIES}). One virtual thread per node, each with a short timeout, so a
 * paused or killed node leaves a gap in its own line and delays no other. Reads the exposition
 * leniently (unlabelled samples by exact name); the format itself is tested in impl.
 */
final class MetricsSampler implements AutoCloseable {
  /** The series kept: commit index, fsyncs and leader changes seen, as counters or gauges. */
  static final Set<String> SERIES = Set.of("refraft_raft_commit_index", "refraft_raft_term",
      "refraft_storage_fsyncs_total", "refraft_raft_leader_changes_seen_total");
  private static final Duration PERIOD = Duration.ofSeconds(1);
  private static final Duration TIMEOUT = Duration.ofMillis(800);

  /** One value of one series of node {@code node} (0-based) at {@code atNanos}, recorder time. */
  record Sample(int node, long atNanos, String series, double value) {}

  private final LocalCluster cluster;
  private final LongSupplier clock;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
  private final List<Sample> samples = new ArrayList<>();
  private final List<Thread> threads = new ArrayList<>();
  private volatile boolean stopped;

  MetricsSampler(LocalCluster cluster, LongSupplier clock) {
    this.cluster = cluster;
    this.clock = clock;
  }

  void start() {
    for (int i = 0; i < cluster.size(); i++) {
      int node = i;
      threads.add(Thread.ofVirtual().name("metrics-" + LocalCluster.id(i)).start(() -> loop(node)));
    }
  }

  private void loop(int node) {
    long next = clock.getAsLong();
    while (!stopped) {
      if (cluster.alive(node) && !cluster.paused(node)) {
        scrape(node);
      }
      next += PERIOD.toNanos();
      long wait = next - clock.getAsLong();
      if (wait > 0) {
        try {
          TimeUnit.NANOSECONDS.sleep(wait);
        } catch (InterruptedException e) {
          return;
        }
      }
    }
  }

  private void scrape(int node) {
    try {
      HttpRequest req = HttpRequest.newBuilder(URI.create(cluster.url(node) + "/metrics")).timeout(TIMEOUT).GET().build();
      HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString());
      long at = clock.getAsLong();
      if (r.statusCode() == 200) {
        List<Sample> got = parse(node, at, r.body());
        synchronized (samples) {
          samples.addAll(got);
        }
      }
    } catch (IOException e) {
      // a node being killed or restarted: a gap in its line
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The kept series' samples of one scrape. */
  static List<Sample> parse(int node, long atNanos, String exposition) {
    List<Sample> out = new ArrayList<>();
    for (String line : exposition.split("\n")) {
      int sp = line.lastIndexOf(' ');
      if (line.startsWith("#") || sp < 0 || !SERIES.contains(line.substring(0, sp))) {
        continue;
      }
      try {
        out.add(new Sample(node, atNanos, line.substring(0, sp), Double.parseDouble(line.substring(sp + 1))));
      } catch (NumberFormatException e) {
        // not a plain number (NaN is spelled so, +Inf is not): skipped
      }
    }
    return out;
  }

  /** Stops scraping; returns every sample taken. */
  List<Sample> stop() throws InterruptedException {
    stopped = true;
    for (Thread t : threads) {
      t.interrupt();
      t.join();
    }
    synchronized (samples) {
      return List.copyOf(samples);
    }
  }

  @Override
  public void close() {
    stopped = true;
    threads.forEach(Thread::interrupt);
    http.close();
  }

  /** Node {@code node}'s values of {@code series} as (seconds, value) points, in time order. */
  static List<double[]> points(List<Sample> samples, int node, String series) {
    List<double[]> out = new ArrayList<>();
    for (Sample s : samples) {
      if (s.node() == node && s.series().equals(series)) {
        out.add(new double[] {s.atNanos() / 1e9, s.value()});
      }
    }
    out.sort((a, b) -> Double.compare(a[0], b[0]));
    return out;
  }

  /**
   * A counter's increase per second between consecutive scrapes; a value below the previous one is
   * a restarted node, whose counter began again from zero (Prometheus' rule for resets).
   */
  static List<double[]> rate(List<double[]> counter) {
    List<double[]> out = new ArrayList<>();
    for (int i = 1; i < counter.size(); i++) {
      double[] a = counter.get(i - 1);
      double[] b = counter.get(i);
      double inc = b[1] >= a[1] ? b[1] - a[1] : b[1];
      if (b[0] > a[0]) {
        out.add(new double[] {b[0], inc / (b[0] - a[0])});
      }
    }
    return out;
  }

  /** A counter's total increase since the first scrape, across restarts (as {@link #rate}). */
  static List<double[]> increase(List<double[]> counter) {
    List<double[]> out = new ArrayList<>();
    double total = 0;
    for (int i = 0; i < counter.size(); i++) {
      if (i > 0) {
        double prev = counter.get(i - 1)[1];
        double v = counter.get(i)[1];
        total += v >= prev ? v - prev : v;
      }
      out.add(new double[] {counter.get(i)[0], total});
    }
    return out;
  }
}
