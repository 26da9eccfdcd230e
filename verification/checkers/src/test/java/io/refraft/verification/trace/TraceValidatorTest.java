package io.refraft.verification.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.refraft.spec.NodeId;
import io.refraft.traces.TraceFormatException;
import io.refraft.traces.TraceHeader;
import io.refraft.traces.TraceReader;
import io.refraft.traces.TraceStep;
import io.refraft.traces.TraceWriter;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

public class TraceValidatorTest {
  private static final TraceValidator VALIDATOR = new TraceValidator(TraceValidator.Options.defaults());

  /**
   * Splits a self-contained trace into per-node files, optionally without times (then only
   * causality orders the merge) and with the first step of {@code skipFirstSendOf} sending nothing.
   */
  public static List<Path> split(Path trace, Path dir, boolean dropTime, NodeId skipFirstSendOf) throws Exception {
    Map<NodeId, List<TraceStep>> per = new HashMap<>();
    TraceHeader h;
    try (TraceReader r = TraceReader.open(trace)) {
      h = r.header();
      for (TraceStep s = r.next(); s != null; s = r.next()) {
        per.computeIfAbsent(s.node(), k -> new ArrayList<>()).add(dropTime ? new TraceStep(s.node(), s.seq(),
            OptionalLong.empty(), s.input(), s.actions(), s.state(), s.persisted(), s.sent()) : s);
      }
    }
    List<Path> files = new ArrayList<>();
    for (NodeId n : h.config().members()) {
      Path f = dir.resolve(n.name() + ".ndjson");
      try (Writer out = Files.newBufferedWriter(f, StandardCharsets.UTF_8); TraceWriter w = new TraceWriter(out)) {
        w.header(h.forNode(n));
        List<TraceStep> steps = per.getOrDefault(n, List.of());
        for (int i = 0; i < steps.size(); i++) {
          TraceStep s = steps.get(i);
          if (n.equals(skipFirstSendOf) && i == 0) {
            s = new TraceStep(s.node(), s.seq(), s.time(), s.input(), s.actions(), s.state(), s.persisted(), List.of());
          }
          w.step(s);
        }
      }
      files.add(f);
    }
    return files;
  }

  @Test
  void per_node_files_of_a_run_validate_with_or_without_time(@TempDir Path tmp) throws Exception {
    Path trace = TraceCorpusTest.CORPUS.resolve("valid/leader-isolated.ndjson");
    ValidationResult whole = VALIDATOR.validateFile(trace);
    for (boolean dropTime : new boolean[] {false, true}) {
      Path dir = Files.createDirectories(tmp.resolve("run-" + dropTime));
      ValidationResult r = VALIDATOR.validateRun(split(trace, dir, dropTime, null));
      assertTrue(r.valid(), () -> r.divergence().get().explain());
      assertEquals(whole.events(), r.events());
    }
  }

  @Test
  void a_run_whose_send_is_missing_diverges_at_the_receive(@TempDir Path tmp) throws Exception {
    Path trace = TraceCorpusTest.CORPUS.resolve("valid/election-and-replication-3.ndjson");
    ValidationResult r = VALIDATOR.validateRun(split(trace, tmp, false, NodeId.of("n1")));
    assertTrue(r.divergence().isPresent());
    // n1's first step now sends nothing, which the spec does not do: the divergence is that step.
    assertEquals(Divergence.Kind.SENT, r.divergence().get().kind());
    assertEquals(2, r.divergence().get().line());
    assertTrue(r.divergence().get().file().endsWith("n1.ndjson"));
  }

  @Test
  void run_headers_must_agree_and_name_distinct_nodes(@TempDir Path tmp) throws Exception {
    Path trace = TraceCorpusTest.CORPUS.resolve("valid/election-and-replication-3.ndjson");
    List<Path> files = split(trace, tmp, false, null);
    TraceFormatException e = assertThrows(TraceFormatException.class,
        () -> VALIDATOR.validateRun(List.of(files.get(0), files.get(0))));
    assertTrue(e.reason().contains("a second file for node n1"), e.getMessage());
    e = assertThrows(TraceFormatException.class, () -> VALIDATOR.validateRun(List.of(trace)));
    assertTrue(e.reason().contains("per-node files"), e.getMessage());
    e = assertThrows(TraceFormatException.class, () -> VALIDATOR.validateFile(files.get(0)));
    assertTrue(e.reason().contains("--run"), e.getMessage());
  }

  @Test
  void coarse_steps_need_compositions(@TempDir Path tmp) throws IOException, TraceFormatException {
    Path trace = TraceCorpusTest.CORPUS.resolve("valid/coarse-steps-compositions.ndjson");
    ValidationResult r = VALIDATOR.validateFile(trace);
    assertTrue(r.valid(), () -> r.divergence().get().explain());
    assertTrue(r.compositions() > 0, "compositions: " + r.compositions());
    ValidationResult strict = new TraceValidator(TraceValidator.Options.defaults().withMaxCompose(1)).validateFile(trace);
    assertEquals(Divergence.Kind.SENT, strict.divergence().orElseThrow().kind());
    assertEquals(2, strict.divergence().get().line());
  }

  @Test
  void an_unlogged_election_timeout_is_explained_by_a_composition(@TempDir Path tmp) throws Exception {
    // The isolated leader n2 times out twice: CheckQuorum (nothing visible changes), then StepDown.
    // An implementation that logs only the second, without actions, is explained by two timeouts.
    Path src = TraceCorpusTest.CORPUS.resolve("valid/check-quorum-step-down.ndjson");
    ObjectMapper json = new ObjectMapper();
    List<String> out = new ArrayList<>();
    boolean dropped = false;
    for (String line : Files.readAllLines(src, StandardCharsets.UTF_8)) {
      ObjectNode o = (ObjectNode) json.readTree(line);
      if (o.has("seq") && o.get("node").asText().equals("n2")) {
        if (!dropped && o.get("actions").toString().equals("[\"CheckQuorum\"]")) {
          dropped = true;
          continue;
        }
        if (dropped) {
          o.put("seq", o.get("seq").asLong() - 1);
          o.remove("actions");
        }
      }
      out.add(json.writeValueAsString(o));
    }
    assertTrue(dropped, "the scenario has a CheckQuorum step of n2");
    Path f = tmp.resolve("unlogged-timeout.ndjson");
    Files.write(f, out, StandardCharsets.UTF_8);
    ValidationResult r = VALIDATOR.validateFile(f);
    assertTrue(r.valid(), () -> r.divergence().get().explain());
    assertEquals(1, r.compositions());
    assertEquals(Divergence.Kind.STATE,
        new TraceValidator(TraceValidator.Options.defaults().withMaxCompose(1)).validateFile(f).divergence()
            .orElseThrow().kind());
  }

  @Test
  void a_receive_of_a_message_never_sent_names_the_retention_once_messages_were_forgotten(@TempDir Path tmp)
      throws Exception {
    Path trace = TraceCorpusTest.CORPUS.resolve("valid/replication-batches-5.ndjson");
    ValidationResult r = new TraceValidator(new TraceValidator.Options(3, 2, 5, TraceValidator.DEFAULT_LOST_STEPS)).validateFile(trace);
    Divergence d = r.divergence().orElseThrow();
    assertEquals(Divergence.Kind.UNSENT_MESSAGE, d.kind());
    assertTrue(d.reason().contains("no longer retained"), d.reason());
    assertTrue(VALIDATOR.validateFile(trace).valid());
  }

  @Test
  void a_divergence_report_shows_the_steps_before_it() throws Exception {
    ValidationResult r = VALIDATOR.validateFile(TraceCorpusTest.CORPUS.resolve("invalid/commits-without-quorum.ndjson"));
    Divergence d = r.divergence().orElseThrow();
    assertEquals(5, d.context().size());
    assertTrue(d.explain().contains("state.commitIndex: expected 1, observed 2"), d.explain());
  }

  @Test
  void a_malformed_line_past_the_prefetched_batches_is_reported_at_its_line(@TempDir Path tmp) throws Exception {
    Path f = tmp.resolve("long.ndjson");
    TraceBench.generate(f, 3, 700, 10);
    assertTrue(VALIDATOR.validateFile(f).valid());
    List<String> lines = new ArrayList<>(Files.readAllLines(f, StandardCharsets.UTF_8));
    assertTrue(lines.size() > 600, "lines: " + lines.size());
    for (int bad : new int[] {257, 258, 513, 600}) {
      List<String> copy = new ArrayList<>(lines);
      copy.set(bad - 1, copy.get(bad - 1).replace("\"seq\":", "\"sequence\":"));
      Path g = tmp.resolve("bad-" + bad + ".ndjson");
      Files.write(g, copy, StandardCharsets.UTF_8);
      TraceFormatException e = assertThrows(TraceFormatException.class, () -> VALIDATOR.validateFile(g));
      assertEquals(bad, e.line(), e.getMessage());
      assertTrue(e.reason().contains("unknown field 'sequence'"), e.getMessage());
    }
  }

  @Test
  void a_large_file_decoded_in_parallel_chunks_reports_errors_at_their_line(@TempDir Path tmp) throws Exception {
    Path f = tmp.resolve("large.ndjson");
    TraceBench.generate(f, 3, 16_000, 10);
    assertTrue(Files.size(f) > 5L << 20, "big enough for parallel decoding: " + Files.size(f));
    ValidationResult ok = VALIDATOR.validateFile(f);
    assertTrue(ok.valid(), () -> ok.divergence().get().explain());
    List<String> lines = new ArrayList<>(Files.readAllLines(f, StandardCharsets.UTF_8));
    assertEquals(lines.size() - 1, ok.events());
    // the first line of the second 1 MiB chunk, and a line deep in the file
    long bytes = 0;
    int firstOfSecondChunk = -1;
    for (int i = 0; i < lines.size(); i++) {
      if (bytes >= 1 << 20) {
        firstOfSecondChunk = i + 1;
        break;
      }
      bytes += lines.get(i).getBytes(StandardCharsets.UTF_8).length + 1;
    }
    for (int bad : new int[] {firstOfSecondChunk - 1, firstOfSecondChunk, firstOfSecondChunk + 1, lines.size() - 5}) {
      List<String> copy = new ArrayList<>(lines);
      copy.set(bad - 1, copy.get(bad - 1).replace("\"seq\":", "\"sequence\":"));
      Path g = tmp.resolve("bad-" + bad + ".ndjson");
      Files.write(g, copy, StandardCharsets.UTF_8);
      TraceFormatException e = assertThrows(TraceFormatException.class, () -> VALIDATOR.validateFile(g));
      assertEquals(bad, e.line(), e.getMessage());
    }
    // Two steps of one node swapped across the chunk boundary (the last line of the first chunk and
    // that node's next step): the node's seq jumps ahead at the first chunk's last line.
    int a = firstOfSecondChunk - 2; // 0-based: the last line of the first chunk
    String node = lines.get(a).replaceAll(".*?\"node\":\"([^\"]+)\".*", "$1");
    int b = a + 1;
    while (!lines.get(b).contains("\"node\":\"" + node + "\"")) {
      b++;
    }
    List<String> reordered = new ArrayList<>(lines);
    reordered.set(a, lines.get(b));
    reordered.set(b, lines.get(a));
    Path swapped = tmp.resolve("swapped.ndjson");
    Files.write(swapped, reordered, StandardCharsets.UTF_8);
    TraceFormatException swap = assertThrows(TraceFormatException.class, () -> VALIDATOR.validateFile(swapped));
    assertEquals(a + 1, swap.line(), swap.getMessage());
    assertTrue(swap.reason().contains("was due"), swap.getMessage());
    String text = Files.readString(f, StandardCharsets.UTF_8);
    Path cut = tmp.resolve("cut.ndjson");
    Files.writeString(cut, text.substring(0, text.length() - 40), StandardCharsets.UTF_8);
    TraceFormatException e = assertThrows(TraceFormatException.class, () -> VALIDATOR.validateFile(cut));
    assertEquals(lines.size(), e.line());
    assertTrue(e.reason().startsWith("truncated last line"), e.getMessage());
  }

  /** The verdict of the file validator on a scenario's trace, written to {@code dir}. */
  static ValidationResult validate(LostStepScenarios.Scenario s, Path dir) throws Exception {
    Path f = dir.resolve(s.name() + ".ndjson");
    Files.writeString(f, s.cluster().text(s.cluster().header(false, s.name())), StandardCharsets.UTF_8);
    return new TraceValidator(s.options()).validateFile(f);
  }

  @TestFactory
  List<DynamicTest> a_restart_may_lose_the_last_steps_only_when_nothing_observed_them(@TempDir Path tmp) {
    List<DynamicTest> out = new ArrayList<>();
    for (LostStepScenarios.Scenario s : LostStepScenarios.all()) {
      out.add(DynamicTest.dynamicTest(s.name(), () -> {
        ValidationResult r = validate(s, tmp);
        String why = r.divergence().map(Divergence::explain).orElse("valid");
        assertEquals(s.divergence().map(LostStepScenarios.Expected::line), r.divergence().map(Divergence::line), why);
        assertEquals(s.divergence().map(LostStepScenarios.Expected::kind), r.divergence().map(Divergence::kind), why);
        assertEquals(s.lostSteps(), r.lostSteps(), why);
      }));
    }
    return out;
  }

  @Test
  void with_a_duplicating_network_a_received_message_still_makes_its_step_observed(@TempDir Path tmp)
      throws Exception {
    // with duplicates a delivered id stays in flight: what was received is told by the sender's ids
    for (LostStepScenarios.Scenario s : List.of(LostStepScenarios.followerLosesAppends(3, 64),
        LostStepScenarios.lostAppendWasAcknowledged(), LostStepScenarios.lostVoteReceivedAfterTheRestart())) {
      Path f = tmp.resolve(s.name() + "-dup.ndjson");
      Files.writeString(f, s.cluster().text(s.cluster().header(true, s.name())), StandardCharsets.UTF_8);
      ValidationResult r = new TraceValidator(s.options()).validateFile(f);
      String why = r.divergence().map(Divergence::explain).orElse("valid");
      assertEquals(s.divergence().map(LostStepScenarios.Expected::line), r.divergence().map(Divergence::line), why);
      assertEquals(s.divergence().map(LostStepScenarios.Expected::kind), r.divergence().map(Divergence::kind), why);
      assertEquals(s.lostSteps(), r.lostSteps(), why);
    }
  }

  @Test
  void a_receive_of_a_lost_steps_message_says_a_crash_lost_it(@TempDir Path tmp) throws Exception {
    ValidationResult r = validate(LostStepScenarios.lostVoteReceivedAfterTheRestart(), tmp);
    String reason = r.divergence().orElseThrow().reason();
    assertTrue(reason.contains("only a step lost in a crash sent"), reason);
  }

  @Test
  void the_read_scenarios_lost_step_did_answer_the_read() {
    // else lost-step-answered-a-read would diverge for another reason than the read
    List<TraceStep> steps = LostStepScenarios.lostStepAnsweredARead().cluster().steps();
    TraceStep lastBeforeRestart = steps.get(steps.size() - 2);
    assertEquals(NodeId.of("n1"), lastBeforeRestart.node());
    assertEquals(1, lastBeforeRestart.reads().size(), lastBeforeRestart.toString());
  }

  @Test
  void the_per_node_files_of_a_run_with_a_lost_step_validate(@TempDir Path tmp) throws Exception {
    for (LostStepScenarios.Scenario s : List.of(LostStepScenarios.lostVote(), LostStepScenarios.followerLosesOneAppend())) {
      Path whole = tmp.resolve(s.name() + ".ndjson");
      Files.writeString(whole, s.cluster().text(s.cluster().header(false, s.name())), StandardCharsets.UTF_8);
      Path dir = Files.createDirectories(tmp.resolve(s.name()));
      ValidationResult r = new TraceValidator(s.options()).validateRun(split(whole, dir, false, null));
      assertTrue(r.valid(), () -> r.divergence().get().explain());
      assertEquals(s.lostSteps(), r.lostSteps());
    }
  }
}
