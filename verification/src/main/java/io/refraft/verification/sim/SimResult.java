package io.refraft.verification.sim;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The outcome of one seed.
 *
 * @param failure        the first failed check, empty when the run passed
 * @param events         events taken (faulty phase and settling)
 * @param simulatedNanos virtual time at the end
 * @param wallNanos      real time the run took (not part of the digest: it is not deterministic)
 * @param digest         SHA-256 over every node's trace and the counters; equal for equal seeds
 * @param traces         each node's trace (traces/FORMAT.md per-node file), by node name
 * @param counters       network, fault and client counters, by name
 */
public record SimResult(long seed, Simulation.Options options, Optional<String> failure, long events,
    long simulatedNanos, long wallNanos, String digest, Map<String, String> traces, Map<String, Long> counters) {

  private static final ObjectMapper JSON = new ObjectMapper();

  public SimResult {
    Objects.requireNonNull(failure, "failure");
    traces = Map.copyOf(traces);
    counters = Map.copyOf(counters);
  }

  static SimResult of(long seed, Simulation.Options options, Optional<String> failure, long events, long simNanos,
      long wallNanos, SimTraceSink[] sinks, SimNetwork net, ClientLoad clients, Nemesis nemesis, long fullChecks) {
    Map<String, String> traces = new LinkedHashMap<>();
    for (SimTraceSink s : sinks) {
      traces.put(s.node().name(), s.text());
    }
    Map<String, Long> c = new LinkedHashMap<>();
    c.put("messages_sent", net.sent);
    c.put("messages_dropped", net.dropped);
    c.put("messages_duplicated", net.duplicated);
    c.put("messages_delivered", net.delivered);
    c.put("partitions", nemesis.partitions);
    c.put("crashes", nemesis.crashes);
    c.put("proposals", clients.proposed);
    c.put("proposals_acked", (long) clients.acked().size());
    c.put("proposals_unknown", clients.lost);
    c.put("proposals_rejected", clients.gaveUp);
    c.put("reads_ok", clients.readsOk);
    c.put("reads_failed", clients.readsFailed);
    c.put("full_invariant_checks", fullChecks);
    return new SimResult(seed, options, failure, events, simNanos, wallNanos, digest(traces, c, events, simNanos),
        traces, c);
  }

  private static String digest(Map<String, String> traces, Map<String, Long> counters, long events, long simNanos) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      for (Map.Entry<String, String> t : traces.entrySet()) {
        md.update((t.getKey() + "\n" + t.getValue()).getBytes(StandardCharsets.UTF_8));
      }
      md.update((counters + "/" + events + "/" + simNanos).getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(md.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  public boolean passed() {
    return failure.isEmpty();
  }

  /** One JSON object describing the run (without the traces). */
  public String summaryJson() {
    ObjectNode o = JSON.createObjectNode();
    o.put("seed", seed);
    o.put("nodes", options.nodes());
    o.put("steps", options.steps());
    o.put("faults", options.faults().stream().map(f -> f.name().toLowerCase(java.util.Locale.ROOT)).sorted()
        .toList().toString());
    o.put("reads", options.reads());
    o.put("passed", passed());
    o.put("failure", failure.orElse(null));
    o.put("events", events);
    o.put("simulated_seconds", simulatedNanos / 1e9);
    o.put("digest", digest);
    counters.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> o.put(e.getKey(), e.getValue()));
    return o.toString();
  }

  /** Writes each node's trace ({@code n1.ndjson}, ...) and {@code summary.json} into {@code dir}. */
  public void writeTo(Path dir) throws IOException {
    Files.createDirectories(dir);
    for (Map.Entry<String, String> t : traces.entrySet()) {
      Files.writeString(dir.resolve(t.getKey() + ".ndjson"), t.getValue(), StandardCharsets.UTF_8);
    }
    Files.writeString(dir.resolve("summary.json"), summaryJson() + "\n", StandardCharsets.UTF_8);
  }
}
