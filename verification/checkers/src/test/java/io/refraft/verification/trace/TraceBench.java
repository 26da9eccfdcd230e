package io.refraft.verification.trace;

import io.refraft.spec.Config;
import io.refraft.spec.Input;
import io.refraft.spec.Message;
import io.refraft.spec.NodeState;
import io.refraft.spec.Output;
import io.refraft.spec.Payload;
import io.refraft.spec.Raft;
import io.refraft.spec.Transition;
import io.refraft.traces.TraceHeader;
import io.refraft.traces.TraceRecorder;
import io.refraft.traces.TraceWriter;
import java.io.BufferedWriter;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Locale;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Trace validation throughput and memory (a main, not a test). Generates a trace of a 5-node
 * cluster from the spec — an election, then rounds of one proposal replicated to every follower,
 * with a heartbeat round every 10 proposals — then validates it several times and reports events
 * per second, and validates two lengths while sampling the heap after forced collections.
 *
 * <pre>
 * bin/refraft-tool trace-bench [EVENTS] [DIR] [ROUNDS] [--no-heap]
 * </pre>
 * (DIR must exist; a trace generated there before with the same length is reused.)
 */
public final class TraceBench {
  private TraceBench() {}

  public static void main(String[] args) throws Exception {
    long events = args.length > 0 ? Long.parseLong(args[0]) : 1_000_000;
    Path dir = args.length > 1 ? Path.of(args[1]) : Files.createTempDirectory("trace-bench");
    Path big = dir.resolve("bench-" + events + ".ndjson");
    Path quarter = dir.resolve("bench-" + events / 4 + ".ndjson");
    int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 4;
    boolean heap = args.length <= 3 || !args[3].equals("--no-heap");
    long t0 = System.nanoTime();
    // The generator is deterministic: files left by an earlier run with the same length are reused.
    long logLength = Files.exists(big) ? -1 : generate(big, 5, events, 10);
    long quarterLog = Files.exists(quarter) ? -1 : generate(quarter, 5, events / 4, 10);
    System.out.printf(Locale.ROOT, "generated %s (%d MB, log length %d, -1: reused) in %.1f s%n", big,
        Files.size(big) >> 20, logLength, (System.nanoTime() - t0) / 1e9);
    TraceValidator v = new TraceValidator(TraceValidator.Options.defaults());
    var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    for (int round = 1; round <= rounds; round++) {
      long cpu = os.getProcessCpuTime();
      long start = System.nanoTime();
      ValidationResult r = v.validateFile(big);
      double secs = (System.nanoTime() - start) / 1e9;
      double cpuSecs = (os.getProcessCpuTime() - cpu) / 1e9;
      System.out.printf(Locale.ROOT, "round %d: %s, %d events in %.2f s = %.0f events/s; %.2f CPU-s (both threads, GC"
              + " and JIT included) = %.2f CPU-us/event; %d full invariant checks%n",
          round, r.valid() ? "valid" : r.divergence().get().explain(), r.events(), secs, r.events() / secs, cpuSecs,
          cpuSecs * 1e6 / r.events(), r.fullChecks());
    }
    if (!heap) {
      return;
    }
    for (Path f : new Path[] {quarter, big}) {
      long peak = peakHeap(() -> v.validateFile(f));
      System.out.printf(Locale.ROOT, "%s: peak heap after GC while validating: %.1f MB (log length %d)%n",
          f.getFileName(), peak / 1048576.0, f == big ? logLength : quarterLog);
    }
    // The same cluster with a log that stops growing (heartbeats only after 1,000 proposals): the
    // heap is the spec's state and the in-flight window, whatever the number of events.
    for (long n : new long[] {events / 4, events}) {
      Path f = dir.resolve("bench-idle-" + n + ".ndjson");
      long log = generate(f, 5, n, 1);
      long peak = peakHeap(() -> v.validateFile(f));
      System.out.printf(Locale.ROOT, "%s: peak heap after GC while validating: %.1f MB (log length %d)%n",
          f.getFileName(), peak / 1048576.0, log);
      Files.delete(f);
    }
  }

  interface Job {
    void run() throws Exception;
  }

  /** The largest heap in use right after a forced collection, sampled every 250 ms while {@code job} runs. */
  static long peakHeap(Job job) throws Exception {
    AtomicLong peak = new AtomicLong();
    Thread sampler = new Thread(() -> {
      var mem = ManagementFactory.getMemoryMXBean();
      while (!Thread.currentThread().isInterrupted()) {
        System.gc();
        peak.accumulateAndGet(mem.getHeapMemoryUsage().getUsed(), Math::max);
        try {
          Thread.sleep(250);
        } catch (InterruptedException e) {
          return;
        }
      }
    });
    System.gc();
    long base = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    sampler.start();
    job.run();
    sampler.interrupt();
    sampler.join();
    return peak.get() - base;
  }

  /**
   * Writes a trace of about {@code events} steps: rounds of one proposal, every {@code heartbeatEvery}-th
   * round a heartbeat instead (1: only heartbeats after the first 1,000 proposals). Returns the
   * leader's final log length.
   */
  public static long generate(Path file, int n, long events, int heartbeatEvery) throws IOException {
    Config config = Config.ofSize(n);
    NodeState[] nodes = new NodeState[n];
    for (int i = 0; i < n; i++) {
      nodes[i] = NodeState.initial(config.members().get(i), config);
    }
    TraceRecorder rec = new TraceRecorder(config);
    ArrayDeque<Message> network = new ArrayDeque<>();
    long[] written = {0};
    try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.CREATE,
        java.nio.file.StandardOpenOption.TRUNCATE_EXISTING, java.nio.file.StandardOpenOption.WRITE);
        TraceWriter w = new TraceWriter(out)) {
      w.header(TraceHeader.of(config, TraceHeader.NetworkModel.NO_DUPLICATES, TraceHeader.Persistence.explicit,
          new TraceHeader.Source("refraft-spec", "TraceBench: " + n + " nodes, " + events + " events")));
      Stepper step = (i, in) -> {
        Transition t = Raft.step(nodes[i], in);
        w.step(rec.record(nodes[i], in, t, OptionalLong.of(++written[0])));
        nodes[i] = t.next();
        for (Output o : t.outputs()) {
          if (o instanceof Output.Send(Message m)) {
            network.add(m);
          }
        }
      };
      step.apply(0, new Input.ElectionTimeout());
      drain(network, config, step);
      long round = 0;
      while (written[0] < events) {
        round++;
        if (round % heartbeatEvery == 0 && (heartbeatEvery > 1 || round > 1000)) {
          step.apply(0, Input.HeartbeatTimeout.all());
        } else {
          byte[] value = String.format(Locale.ROOT, "set k%d=%d", round % 97, round).getBytes(StandardCharsets.UTF_8);
          step.apply(0, Input.ClientPropose.of(Payload.Data.wrap(value)));
        }
        drain(network, config, step);
      }
    }
    return nodes[0].log().lastIndex();
  }

  interface Stepper {
    void apply(int node, Input in) throws IOException;
  }

  private static void drain(ArrayDeque<Message> network, Config config, Stepper step) throws IOException {
    while (!network.isEmpty()) {
      Message m = network.poll();
      step.apply(config.members().indexOf(m.to()), new Input.MessageReceived(m));
    }
  }

}
