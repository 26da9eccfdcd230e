package io.refraft.verification.sim;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.refraft.verification.fault.FaultKind;
import io.refraft.verification.history.History;
import io.refraft.verification.history.HistoryWriter;
import io.refraft.verification.history.Op;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
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
 * @param digest         a fingerprint of the run ({@link RunDigest}: every step, message, counter, the
 *     history and the schedule; 16 hex digits); equal for equal seeds, whether or not the text was written
 * @param traces         each node's trace (traces/FORMAT.md per-node file), by node name; empty when the
 *     run did not write them (a passing run of {@link Simulation#run})
 * @param counters       network, fault and client counters, by name
 * @param notes          what the checkers could not decide (not failures)
 * @param history        the clients' history (invocations and completions, virtual times)
 * @param schedule       the faults the nemesis injected; replaying it with the same seed reruns the run
 * @param bugFired       how many times each planted bug fired, by its flag (empty without one); not part of
 *     the digest, which stays that of the run as before these were counted
 */
public record SimResult(long seed, Simulation.Options options, Optional<String> failure, List<String> notes,
    long events, long simulatedNanos, long wallNanos, String digest, Map<String, String> traces,
    Map<String, Long> counters, List<Op> history, Schedule schedule, Map<String, Long> bugFired) {

  private static final ObjectMapper JSON = new ObjectMapper();

  public SimResult {
    Objects.requireNonNull(failure, "failure");
    traces = Map.copyOf(traces);
    counters = Map.copyOf(counters);
    notes = List.copyOf(notes);
    history = List.copyOf(history);
    Objects.requireNonNull(schedule, "schedule");
    bugFired = java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(bugFired));
  }

  static SimResult of(long seed, Simulation.Options options, Optional<String> failure, List<String> notes,
      long events, long simNanos,
      long wallNanos, SimTraceSink[] sinks, SimNetwork net, ClientLoad clients, Nemesis nemesis, long fullChecks,
      long lostSyncs, long tornSyncs, long lostSteps, RunDigest digest, Map<String, Long> bugFired) {
    Map<String, String> traces = new LinkedHashMap<>();
    for (SimTraceSink s : sinks) {
      if (s.writesText()) {
        traces.put(s.node().name(), s.text());
      }
    }
    Map<String, Long> c = new LinkedHashMap<>();
    c.put("messages_sent", net.sent);
    c.put("messages_dropped", net.dropped);
    c.put("messages_duplicated", net.duplicated);
    c.put("messages_delivered", net.delivered);
    c.put("partitions", nemesis.partitions);
    c.put("crashes", nemesis.crashes);
    c.put("slow_disks", nemesis.slowDisks);
    c.put("lost_syncs", lostSyncs);
    c.put("torn_syncs", tornSyncs);
    c.put("lost_steps", lostSteps);
    c.put("snapshots_taken", java.util.Arrays.stream(sinks).mapToLong(s -> s.snapshotsTaken).sum());
    c.put("snapshots_installed", java.util.Arrays.stream(sinks).mapToLong(s -> s.snapshotsInstalled).sum());
    c.put("snapshots_shipped", net.snapshotsShipped);
    c.put("snapshots_delivered", net.snapshotsDelivered);
    c.put("ops_ok", clients.ok);
    c.put("ops_fail", clients.failed);
    c.put("ops_info", clients.unknown);
    c.put("session_retries", clients.retries);
    c.put("proposals_acked", (long) clients.acked().size());
    c.put("full_invariant_checks", fullChecks);
    List<Op> history = clients.history();
    Schedule schedule = nemesis.schedule();
    return new SimResult(seed, options, failure, notes, events, simNanos, wallNanos,
        digest(digest, c, events, simNanos, history, schedule), traces, c, history, schedule, bugFired);
  }

  /** The steps and messages {@code d} heard, then the counters, the history and the schedule. */
  private static String digest(RunDigest d, Map<String, Long> counters, long events, long simNanos,
      List<Op> history, Schedule schedule) {
    counters.forEach((name, value) -> {
      d.add(name);
      d.add(value);
    });
    d.add(events);
    d.add(simNanos);
    for (Op op : history) {
      d.add(op.index());
      d.add(op.type().ordinal());
      d.addValue(op.process());
      d.addValue(op.f());
      d.addValue(op.value());
      d.add(op.time());
      d.addValue(op.error());
    }
    for (Schedule.Planned p : schedule.faults()) {
      d.add(p.at());
      d.add(p.duration());
      switch (p) {
        case Schedule.Partition x -> {
          d.add(Schedule.flag(x.shape()));
          x.order().forEach(d::add);
        }
        case Schedule.Crash x -> d.add(-1 - x.node());
        case Schedule.SlowDisk x -> d.add(-100 - x.node());
      }
    }
    return d.hex();
  }

  /** This result with {@code why} as its failure. */
  SimResult withFailure(String why) {
    return new SimResult(seed, options, Optional.of(why), notes, events, simulatedNanos, wallNanos, digest, traces,
        counters, history, schedule, bugFired);
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
    // arrays, not strings: one JSON vocabulary for every command (docs/json.md)
    var f = o.putArray("faults");
    options.faults().stream().map(FaultKind::flag).sorted().forEach(f::add);
    var b = o.putArray("bugs");
    options.bugs().stream().map(io.refraft.impl.planted.InjectedBug::flag).sorted().forEach(b::add);
    o.put("reads", options.reads());
    o.put("passed", passed());
    o.put("failure", failure.orElse(null));
    o.put("events", events);
    o.put("simulated_seconds", simulatedNanos / 1e9);
    o.put("digest", digest);
    o.put("ops", history.size() / 2);
    o.put("faults_injected", schedule.faults().size());
    if (!notes.isEmpty()) {
      o.put("notes", String.join("; ", notes));
    }
    counters.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> o.put(e.getKey(), e.getValue()));
    if (!bugFired.isEmpty()) {
      ObjectNode fired = o.putObject("bug_fired");
      bugFired.forEach(fired::put);
    }
    return o.toString();
  }

  /** The planted bugs that never fired in this run (their flags); such a seed tests nothing about them. */
  public List<String> bugsNeverFired() {
    return bugFired.entrySet().stream().filter(e -> e.getValue() == 0).map(Map.Entry::getKey).toList();
  }

  /**
   * Writes each node's trace ({@code n1.ndjson}, ...), the clients' history ({@code history.edn},
   * Jepsen's format, and {@code history.jsonl}), the nemesis schedule ({@code schedule.json}, for
   * {@code --schedule}) and {@code summary.json} into {@code dir}.
   */
  public void writeTo(Path dir) throws IOException {
    Files.createDirectories(dir);
    for (Map.Entry<String, String> t : traces.entrySet()) {
      Files.writeString(dir.resolve(t.getKey() + ".ndjson"), t.getValue(), StandardCharsets.UTF_8);
    }
    Files.writeString(dir.resolve("history.edn"), edn(history), StandardCharsets.UTF_8);
    StringWriter jsonl = new StringWriter();
    HistoryWriter.writeJsonl(History.of(history), jsonl);
    Files.writeString(dir.resolve("history.jsonl"), jsonl.toString(), StandardCharsets.UTF_8);
    Files.writeString(dir.resolve("schedule.json"), schedule.toJson() + "\n", StandardCharsets.UTF_8);
    Files.writeString(dir.resolve("summary.json"), summaryJson() + "\n", StandardCharsets.UTF_8);
  }

  private static String edn(List<Op> history) {
    StringWriter w = new StringWriter();
    try {
      HistoryWriter.writeEdn(History.of(history), w);
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a StringWriter does not fail
    }
    return w.toString();
  }
}
