package io.refraft.impl.snapshot;

import io.refraft.impl.net.PeerAddresses;
import io.refraft.impl.net.TcpTransport;
import io.refraft.impl.net.Transport;
import io.refraft.impl.net.TransportConfig;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Time and throughput of one snapshot transfer between two {@link TcpTransport}s on loopback, with
 * the default {@link TransferSettings}, for files of the given sizes: from {@code ship} to the
 * receiver's callback (file CRC pass, chunks, per-chunk CRC32C, writes, the final fsync and rename
 * included), while a 100-byte "heartbeat" goes the same way every 5 ms and its delay is recorded. A
 * measurement, not a test: {@code bin/refraft-tool snapshot-xfer-bench [--chunks KIB WINDOW] [DIR] [MB ...]}
 * (default: a temporary directory, 100 and 1000 MB). The last line is one JSON object.
 */
public final class SnapshotTransferBench {
  private static final Duration LIMIT = Duration.ofMinutes(10);

  record Result(long bytes, double seconds, int pings, double pingP50Ms, double pingMaxMs, long resent) {
    double megabytesPerSecond() {
      return bytes / seconds / 1e6;
    }
  }

  private SnapshotTransferBench() {}

  public static void main(String[] args) throws Exception {
    TransferSettings settings = TransferSettings.defaults();
    List<String> rest = new ArrayList<>(List.of(args));
    try {
      if (rest.size() >= 3 && rest.get(0).equals("--chunks")) {
        settings = settings.withChunks(Integer.parseInt(rest.get(1)) << 10, Integer.parseInt(rest.get(2)));
        rest = rest.subList(3, rest.size());
      }
    } catch (IllegalArgumentException e) {
      usage("--chunks KIB WINDOW: " + e.getMessage());
    }
    if (!rest.isEmpty() && rest.get(0).startsWith("-")) {
      usage("");
    }
    Path dir = !rest.isEmpty() ? Path.of(rest.get(0)) : Files.createTempDirectory("snapshot-transfer-bench");
    List<Long> sizes = new ArrayList<>();
    for (int i = 1; i < rest.size(); i++) {
      try {
        long mb = Long.parseLong(rest.get(i));
        if (mb < 1 || mb > 100_000) {
          usage("size " + rest.get(i) + " is not in 1..100000 MB");
        }
        sizes.add(mb * 1_000_000L);
      } catch (NumberFormatException e) {
        usage("size " + rest.get(i) + " is not a number of MB");
      }
    }
    if (sizes.isEmpty()) {
      sizes = List.of(100_000_000L, 1_000_000_000L);
    }
    List<Result> results = new ArrayList<>();
    for (long size : sizes) {
      results.add(run(Files.createDirectories(dir), size, settings));
    }
    StringBuilder json = new StringBuilder("{\"benchmark\":\"snapshot-transfer-loopback\",\"java\":\"")
        .append(Runtime.version()).append("\",\"cpus\":").append(Runtime.getRuntime().availableProcessors())
        .append(",\"chunkBytes\":").append(settings.chunkBytes())
        .append(",\"windowChunks\":").append(settings.windowChunks()).append(",\"results\":[");
    for (int i = 0; i < results.size(); i++) {
      Result r = results.get(i);
      json.append(i == 0 ? "" : ",").append(String.format(Locale.ROOT,
          "{\"bytes\":%d,\"seconds\":%.3f,\"MBps\":%.1f,\"pings\":%d,\"pingP50Ms\":%.2f,\"pingMaxMs\":%.2f,\"resentBytes\":%d}",
          r.bytes(), r.seconds(), r.megabytesPerSecond(), r.pings(), r.pingP50Ms(), r.pingMaxMs(), r.resent()));
    }
    System.out.println(json.append("]}"));
  }

  private static void usage(String problem) {
    if (!problem.isEmpty()) {
      System.err.println("snapshot-xfer-bench: " + problem);
    }
    System.err.println("usage: snapshot-xfer-bench [--chunks KIB WINDOW] [DIR] [MB ...]   (default: 256 KiB chunks,"
        + " 16 in flight, a temporary directory, 100 and 1000 MB)");
    System.exit(2);
  }

  private static Result run(Path dir, long size, TransferSettings settings) throws Exception {
    Path file = dir.resolve("bench-" + size + ".snapshot");
    write(file, size);
    Map<String, InetSocketAddress> directory = new ConcurrentHashMap<>();
    PeerAddresses addresses = p -> Optional.ofNullable(directory.get(p));
    try (TcpTransport t1 = bind("n1", "n2", addresses, directory); TcpTransport t2 = bind("n2", "n1", addresses, directory)) {
      LinkedBlockingQueue<ReceivedSnapshot> received = new LinkedBlockingQueue<>();
      LinkedBlockingQueue<Long> pings = new LinkedBlockingQueue<>();
      try (SnapshotTransfers s1 = SnapshotTransfers.open("n1", t1, dir.resolve("n1-in"), settings, r -> {});
          SnapshotTransfers s2 = SnapshotTransfers.open("n2", t2, dir.resolve("n2-in"), settings, received::add)) {
        Transport raft1 = s1.raftTransport();
        raft1.start((from, payload) -> {});
        s2.raftTransport().start((from, payload) -> pings.add(System.nanoTime()));
        warmUp(raft1, pings);
        long t0 = System.nanoTime();
        CompletableFuture<Void> done = s1.ship("n2", 1, file, new byte[100]);
        double[] delays = heartbeats(raft1, pings, done);
        ReceivedSnapshot got = received.poll(LIMIT.toSeconds(), TimeUnit.SECONDS);
        double seconds = (System.nanoTime() - t0) / 1e9;
        if (got == null || Files.mismatch(file, got.file()) != -1) {
          throw new IllegalStateException("the file did not arrive intact: " + got);
        }
        Files.delete(got.file());
        Result r = new Result(size, seconds, delays.length, percentile(delays, 0.5), percentile(delays, 1.0),
            s1.shipperStats().bytesResent());
        System.out.printf(Locale.ROOT, "%,15d bytes: %7.2f s %8.1f MB/s; heartbeat delay p50 %.2f ms, max %.2f ms"
            + " (%d during the transfer); %d bytes sent twice%n", size, seconds, r.megabytesPerSecond(), r.pingP50Ms(),
            r.pingMaxMs(), r.pings(), r.resent());
        return r;
      }
    } finally {
      Files.deleteIfExists(file);
    }
  }

  private static TcpTransport bind(String id, String peer, PeerAddresses addresses, Map<String, InetSocketAddress> directory)
      throws IOException {
    TransportConfig c = TransportConfig.of(id, "bench", Set.of(peer), new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    TcpTransport t = TcpTransport.bind(c, addresses, new SplittableRandom(1));
    directory.put(id, t.localAddress());
    return t;
  }

  private static void write(Path file, long size) throws IOException {
    SplittableRandom r = new SplittableRandom(size);
    byte[] buf = new byte[1 << 20];
    try (OutputStream out = Files.newOutputStream(file)) {
      for (long left = size; left > 0; left -= buf.length) {
        r.nextBytes(buf);
        out.write(buf, 0, (int) Math.min(buf.length, left));
      }
    }
  }

  /** Until the connection is up: one heartbeat through. */
  private static void warmUp(Transport raft, LinkedBlockingQueue<Long> pings) throws InterruptedException {
    while (true) {
      raft.send("n2", new byte[100]);
      if (pings.poll(100, TimeUnit.MILLISECONDS) != null) {
        return;
      }
    }
  }

  /** A 100-byte payload every 5 ms until {@code done}; the delay of each, in ms. */
  private static double[] heartbeats(Transport raft, LinkedBlockingQueue<Long> pings, CompletableFuture<Void> done)
      throws Exception {
    List<Double> delays = new ArrayList<>();
    long deadline = System.nanoTime() + LIMIT.toNanos();
    while (!done.isDone() && System.nanoTime() < deadline) {
      long sent = System.nanoTime();
      raft.send("n2", new byte[100]);
      Long arrived = pings.poll(LIMIT.toSeconds(), TimeUnit.SECONDS);
      if (arrived == null) {
        throw new IllegalStateException("a heartbeat was lost on loopback");
      }
      delays.add((arrived - sent) / 1e6);
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
    }
    done.get(LIMIT.toSeconds(), TimeUnit.SECONDS);
    return delays.stream().mapToDouble(Double::doubleValue).toArray();
  }

  private static double percentile(double[] values, double q) {
    if (values.length == 0) {
      return 0;
    }
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[(int) Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  }
}
