package io.refraft.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.refraft.verification.fault.FaultKind;
import io.refraft.verification.harness.NemesisSchedule;
import io.refraft.verification.history.History;
import io.refraft.verification.history.HistoryFormat;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A short {@code refraft test} against three real node processes with partitions and kill -9: the
 * run is valid, its outputs are there and well-formed, and no node process or port outlives it.
 */
class TestCommandIT {
  private static final int SECONDS = 24;
  /** Slack for restarts that run late on a loaded machine: both faults must start this long before the end. */
  private static final int SLACK_SECONDS = 12;
  private static final Pattern CLIENT_PORT = Pattern.compile("clients on http://127\\.0\\.0\\.1:(\\d+)");

  @TempDir Path dir;

  /**
   * A seed whose schedule starts both a partition and a kill at least {@link #SLACK_SECONDS} before the
   * end (searched from a random start, printed): the runner injects each fault after healing the one
   * before, and a node restarted under CI's load can take seconds to come up, which once pushed the
   * second fault of an 18 s run past its end (seed 131991638).
   */
  private static long seedWithPartitionAndKill() {
    long seed = Long.getLong("refraft.seed", System.nanoTime() & 0xFFFF_FFFFL);
    Set<FaultKind> kinds = EnumSet.of(FaultKind.PARTITION, FaultKind.KILL);
    long latestStart = TimeUnit.SECONDS.toNanos(SECONDS - SLACK_SECONDS);
    while (NemesisSchedule.plan(seed, kinds, 3, TimeUnit.SECONDS.toNanos(SECONDS)).entries().stream()
        .filter(e -> e.startNanos() <= latestStart).map(e -> e.fault().getClass()).distinct().count() < 2) {
      seed++;
    }
    System.out.println("TestCommandIT seed " + seed + " (rerun: -Drefraft.seed=" + seed + ")");
    return seed;
  }

  @Test
  void short_run_with_partitions_and_kills_is_valid_and_leaves_nothing_running() throws Exception {
    long seed = seedWithPartitionAndKill();
    Path out = dir.resolve("run");
    String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    StringWriter stdout = new StringWriter();
    StringWriter stderr = new StringWriter();
    int code = Main.run(new String[] {"test", "--time", Integer.toString(SECONDS), "--nemesis", "partition,kill",
        "--rate", "50", "--concurrency", "6", "--seed", Long.toString(seed), "--out", out.toString(),
        "--node-classpath", cp, "--junit", dir.resolve("junit.xml").toString()}, new PrintWriter(stdout),
        new PrintWriter(stderr));
    String[] lines = stdout.toString().strip().split("\n");
    assertEquals(0, code, stdout + "\n" + stderr + logs(out));
    JsonNode last = SummarySchema.assertConforms("test", lines[lines.length - 1]);
    String junit = Files.readString(dir.resolve("junit.xml"));
    assertTrue(junit.contains("<testcase name=\"list-append seed " + seed + "\"") && junit.contains("tests=\"1\" failures=\"0\""),
        junit);
    assertTrue(last.get("valid").asBoolean(), last.toString());
    assertTrue(last.get("trace_valid").asBoolean(), last.toString());
    assertTrue(last.get("ok").asInt() > 100, "acknowledged ops: " + last);
    assertEquals(last.get("ops").asInt(), last.get("ok").asInt() + last.get("info").asInt() + last.get("fail").asInt());
    assertEquals(0, last.get("anomalies").size());
    assertTrue(last.get("nemesis_events").asInt() >= 2, last.toString());
    assertEquals(out.resolve("index.html").toString(), last.get("report").asText());

    JsonNode results = new ObjectMapper().readTree(out.resolve("results.json").toFile());
    Set<String> kinds = results.get("nemesis").findValuesAsText("kind").stream().collect(Collectors.toSet());
    assertEquals(Set.of("partition", "kill"), kinds);
    for (JsonNode e : results.get("nemesis")) {
      if (e.get("kind").asText().equals("kill")) {
        assertTrue(e.get("detail").asText().contains("exit status 137"), "SIGKILL is 128 + 9: " + e);
      }
    }
    assertTrue(results.get("liveness").get("live").asBoolean());
    History h = HistoryFormat.EDN.read(out.resolve("history.edn"));
    assertEquals(last.get("ops").asInt(), h.clientOps().pairs().size());
    assertEquals(h.clientOps(), HistoryFormat.JSONL.read(out.resolve("history.jsonl")).clientOps());
    assertTrue(Files.readString(out.resolve("index.html")).contains("<svg"));
    assertTrue(Files.size(out.resolve("traces").resolve("n1.trace.ndjson")) > 0);

    assertNoNodeLeft(out);
  }

  /** No child process of this JVM runs a node, and every client port the nodes logged can be bound again. */
  private static void assertNoNodeLeft(Path out) throws IOException {
    List<ProcessHandle> nodes = ProcessHandle.current().descendants()
        .filter(p -> p.info().commandLine().orElse("").contains(" node --id ")).toList();
    assertEquals(List.of(), nodes, "node processes left running");
    for (int i = 1; i <= 3; i++) {
      Matcher m = CLIENT_PORT.matcher(Files.readString(out.resolve("n" + i + ".log")));
      while (m.find()) {
        try (ServerSocket s = new ServerSocket(Integer.parseInt(m.group(1)), 1, InetAddress.getLoopbackAddress())) {
          assertTrue(s.isBound());
        }
      }
    }
  }

  private static String logs(Path out) {
    StringBuilder sb = new StringBuilder();
    for (int i = 1; i <= 3; i++) {
      try {
        List<String> l = Files.readAllLines(out.resolve("n" + i + ".log"));
        sb.append("\n--- n").append(i).append(".log\n").append(String.join("\n", l.subList(Math.max(0, l.size() - 15), l.size())));
      } catch (IOException e) {
        sb.append("\n(no n").append(i).append(".log)");
      }
    }
    return sb.toString();
  }
}
