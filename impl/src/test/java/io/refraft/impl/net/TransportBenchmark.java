package io.refraft.impl.net;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Throughput of one direction of one connection between two {@link TcpTransport}s on loopback:
 * delivered messages/s and payload MB/s for 100-byte and 4 KiB payloads. A measurement, not a
 * test: run it with {@code impl/bench-net.sh [SECONDS]}. The last line of output is one JSON
 * object.
 *
 * <p>The sender keeps the outbound queue at most half full, so the figure is what the transport
 * delivers, not how fast a producer can be refused.
 */
public final class TransportBenchmark {

  private static final int[] SIZES = {100, 4096};
  private static final int BATCH = 256;

  record Result(int payloadBytes, double seconds, long messages, long dropped) {
    double messagesPerSecond() {
      return messages / seconds;
    }

    double megabytesPerSecond() {
      return messages * (double) payloadBytes / seconds / 1e6;
    }
  }

  private TransportBenchmark() {}

  public static void main(String[] args) throws Exception {
    double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 5;
    if (!(seconds > 0 && seconds <= 600)) {
      System.err.println("usage: TransportBenchmark [SECONDS per payload size, 0 < s <= 600]");
      System.exit(2);
    }
    List<Result> results = new ArrayList<>();
    for (int size : SIZES) {
      results.add(run(size, Duration.ofMillis(Math.round(seconds * 1000))));
    }
    for (Result r : results) {
      System.out.printf(Locale.ROOT, "payload %5d B: %,12.0f msg/s %9.1f MB/s (%,d messages in %.1f s, %d dropped)%n",
          r.payloadBytes(), r.messagesPerSecond(), r.megabytesPerSecond(), r.messages(), r.seconds(), r.dropped());
    }
    StringBuilder json = new StringBuilder("{\"benchmark\":\"transport-loopback\",\"java\":\"")
        .append(Runtime.version()).append("\",\"cpus\":").append(Runtime.getRuntime().availableProcessors())
        .append(",\"results\":[");
    for (int i = 0; i < results.size(); i++) {
      Result r = results.get(i);
      json.append(i == 0 ? "" : ",").append(String.format(Locale.ROOT,
          "{\"payload_bytes\":%d,\"seconds\":%.3f,\"messages\":%d,\"messages_per_s\":%.0f,\"mb_per_s\":%.1f,\"dropped\":%d}",
          r.payloadBytes(), r.seconds(), r.messages(), r.messagesPerSecond(), r.megabytesPerSecond(), r.dropped()));
    }
    System.out.println(json.append("]}"));
  }

  private static Result run(int payloadBytes, Duration measure) throws IOException {
    Map<String, InetSocketAddress> directory = new ConcurrentHashMap<>();
    InetSocketAddress any = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    AtomicLong received = new AtomicLong();
    try (TcpTransport sender = TcpTransport.bind(TransportConfig.of("n1", "bench", Set.of("n2"), any),
            p -> Optional.ofNullable(directory.get(p)), new SplittableRandom(1));
        TcpTransport receiver = TcpTransport.bind(TransportConfig.of("n2", "bench", Set.of("n1"), any),
            p -> Optional.ofNullable(directory.get(p)), new SplittableRandom(2))) {
      directory.put("n1", sender.localAddress());
      directory.put("n2", receiver.localAddress());
      receiver.start((from, payload) -> received.incrementAndGet());
      sender.start((from, payload) -> { });
      byte[] payload = new byte[payloadBytes];
      int highWater = sender.config().queueCapacity() / 2;
      pump(sender, payload, highWater, System.nanoTime() + Duration.ofSeconds(1).toNanos()); // warm-up
      long startCount = received.get();
      long start = System.nanoTime();
      pump(sender, payload, highWater, start + measure.toNanos());
      long count = received.get() - startCount;
      double elapsed = (System.nanoTime() - start) / 1e9;
      return new Result(payloadBytes, elapsed, count, sender.stats("n2").droppedQueueFull());
    }
  }

  private static void pump(TcpTransport sender, byte[] payload, int highWater, long until) {
    while (System.nanoTime() < until) {
      if (sender.stats("n2").queued() > highWater) {
        LockSupport.parkNanos(20_000);
        continue;
      }
      for (int i = 0; i < BATCH; i++) {
        sender.send("n2", payload);
      }
    }
  }
}
