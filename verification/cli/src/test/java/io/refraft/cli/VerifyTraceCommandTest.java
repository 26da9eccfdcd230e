package io.refraft.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import io.refraft.verification.trace.TraceValidatorTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VerifyTraceCommandTest {
  private static final Path CORPUS = Path.of("..", "..", "traces", "corpus");
  private static final Path VALID = CORPUS.resolve("valid/election-and-replication-3.ndjson");

  @TempDir Path dir;

  record Run(int exit, List<String> out, String err) {
    JsonNode summary() throws Exception {
      return new ObjectMapper().readTree(out.get(out.size() - 1));
    }
  }

  private static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
    return new Run(exit, out.toString().lines().toList(), err.toString());
  }

  /** The valid example with its line {@code n} (1-based) replaced by {@code line}, or cut to {@code n} lines. */
  private Path variant(String name, int n, String line) throws Exception {
    List<String> lines = new java.util.ArrayList<>(Files.readAllLines(VALID, StandardCharsets.UTF_8));
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < lines.size(); i++) {
      sb.append(i == n - 1 ? line : lines.get(i)).append('\n');
    }
    Path p = dir.resolve(name);
    Files.writeString(p, sb.toString(), StandardCharsets.UTF_8);
    return p;
  }

  @Test
  void a_valid_trace_exits_0_with_a_summary() throws Exception {
    Run r = run("verify-trace", VALID.toString());
    assertEquals(0, r.exit(), r.err());
    assertEquals(1, r.out().size(), "one trace: only the summary line");
    JsonNode s = r.summary();
    assertTrue(s.get("valid").asBoolean());
    assertEquals(1, s.get("traces").asInt());
    assertEquals(23, s.get("events").asInt());
    assertEquals(3, s.get("nodes").asInt());
    assertTrue(s.get("divergence").isNull());
    assertTrue(s.has("seconds"));
  }

  @Test
  void steps_lost_in_a_crash_are_counted_and_can_be_refused() throws Exception {
    String crash = CORPUS.resolve("valid/crash-loses-unobserved-steps.ndjson").toString();
    Run r = run("verify-trace", crash);
    assertEquals(0, r.exit(), String.join("\n", r.out()));
    assertEquals(3, r.summary().get("lost_steps").asInt());
    assertTrue(r.out().get(0).contains("3 steps lost in crashes"), r.out().get(0));
    assertEquals(0, run("verify-trace", VALID.toString()).summary().get("lost_steps").asInt());
    r = run("verify-trace", "--max-lost-steps", "0", crash);
    assertEquals(1, r.exit(), String.join("\n", r.out()));
    assertEquals("state", r.summary().get("divergence").get("kind").asText());
    r = run("verify-trace", "--max-lost-steps", "-1", crash);
    assertEquals(2, r.exit());
    assertTrue(r.err().contains("--max-lost-steps must be in 0..65536, got -1"), r.err());
  }

  @Test
  void a_directory_lists_each_trace_and_exits_1_on_a_divergence() throws Exception {
    Run r = run("verify-trace", CORPUS.resolve("invalid").toString());
    assertEquals(1, r.exit(), r.err());
    assertTrue(r.out().stream().anyMatch(l -> l.endsWith("votes-twice.ndjson: invalid")), String.join("\n", r.out()));
    JsonNode s = r.summary();
    assertFalse(s.get("valid").asBoolean());
    JsonNode d = s.get("divergence");
    assertTrue(d.get("file").asText().endsWith(".ndjson"));
    assertTrue(d.get("line").asInt() > 1);
    assertFalse(d.get("diffs").isEmpty() && d.get("reason").asText().isEmpty());
    r = run("verify-trace", CORPUS.resolve("valid").toString());
    assertEquals(0, r.exit(), String.join("\n", r.out()));
    assertTrue(r.summary().get("traces").asInt() >= 10);
  }

  @Test
  void divergence_json_names_line_node_seq_kind_and_fields() throws Exception {
    Run r = run("verify-trace", CORPUS.resolve("invalid/sends-vote-before-persisting.ndjson").toString());
    assertEquals(1, r.exit());
    JsonNode d = r.summary().get("divergence");
    assertEquals("persisted", d.get("kind").asText());
    // The follower moved to term 1 and voted for n1 in one step, and made neither durable.
    assertEquals("durable.term", d.get("diffs").get(0).get("field").asText());
    assertEquals("1", d.get("diffs").get(0).get("expected").asText());
    assertEquals("0", d.get("diffs").get(0).get("observed").asText());
    assertEquals("durable.vote", d.get("diffs").get(1).get("field").asText());
    assertEquals("n1", d.get("diffs").get(1).get("expected").asText());
    assertTrue(d.get("seq").asInt() >= 1);
    assertFalse(d.get("context").isEmpty());
  }

  @Test
  void a_run_directory_is_one_trace_of_per_node_files() throws Exception {
    Path empty = Files.createDirectories(dir.resolve("empty"));
    Run r = run("verify-trace", "--run", empty.toString());
    assertEquals(2, r.exit());
    assertTrue(r.err().contains("no .ndjson files"), r.err());
    Path good = Files.createDirectories(dir.resolve("good"));
    TraceValidatorTest.split(CORPUS.resolve("valid/restart-leader.ndjson"), good, true, null);
    Path bad = Files.createDirectories(dir.resolve("bad"));
    TraceValidatorTest.split(VALID, bad, false, io.refraft.spec.NodeId.of("n1"));
    r = run("verify-trace", "--run", good.toString(), "--run", bad.toString());
    assertEquals(1, r.exit(), String.join("\n", r.out()) + r.err());
    assertEquals(good + ": valid", r.out().get(0));
    assertEquals(bad + ": invalid", r.out().get(1));
    JsonNode s = r.summary();
    assertEquals(2, s.get("traces").asInt());
    assertTrue(s.get("divergence").get("file").asText().endsWith("n1.ndjson"));
    assertEquals("sent", s.get("divergence").get("kind").asText());
  }

  private void assertMalformed(Path file, int line, String reason) {
    Run r = run("verify-trace", file.toString());
    assertEquals(2, r.exit(), String.join("\n", r.out()) + r.err());
    assertTrue(r.err().contains(file + ":" + line + ": " + reason), r.err());
    assertFalse(r.err().contains("Exception"), "no stack trace: " + r.err());
    assertTrue(r.out().isEmpty(), "no verdict on malformed input");
  }

  @Test
  void truncated_unknown_version_types_missing_header_and_seq_exit_2() throws Exception {
    List<String> lines = Files.readAllLines(VALID, StandardCharsets.UTF_8);
    Path cut = dir.resolve("cut.ndjson");
    Files.writeString(cut, lines.get(0) + "\n" + lines.get(1) + "\n" + lines.get(2).substring(0, 50));
    assertMalformed(cut, 3, "truncated last line");
    assertMalformed(variant("v2.ndjson", 1, lines.get(0).replace("\"version\":1", "\"version\":7")), 1,
        "unknown version 7");
    assertMalformed(variant("msg.ndjson", 3, lines.get(2).replace("\"RequestVoteRequest\"", "\"Gossip\"")), 3,
        "'input.message': unknown message type 'Gossip'");
    assertMalformed(variant("in.ndjson", 2, lines.get(1).replace("ElectionTimeout", "Tick")), 2,
        "unknown input type 'Tick'");
    Path noHeader = dir.resolve("noheader.ndjson");
    Files.writeString(noHeader, lines.get(1) + "\n");
    assertMalformed(noHeader, 1, "missing header");
    assertMalformed(variant("seq.ndjson", 5, lines.get(4).replace("\"seq\":2", "\"seq\":1")), 5,
        "seq 1 of n1 where 2 was due");
  }

  @Test
  void bad_usage_exits_2() {
    assertEquals(2, run("verify-trace").exit());
    assertEquals(2, run("verify-trace", "--max-compose", "0", VALID.toString()).exit());
    Run r = run("verify-trace", "no/such/file.ndjson");
    assertEquals(2, r.exit());
    assertTrue(r.err().contains("no/such/file.ndjson"), r.err());
  }

  private Run runWithStdin(byte[] stdin, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    picocli.CommandLine cli = Main.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    VerifyTraceCommand v = cli.getSubcommands().get("verify-trace").getCommand();
    v.stdin = new java.io.ByteArrayInputStream(stdin);
    int exit = cli.execute(args);
    return new Run(exit, out.toString().lines().toList(), err.toString());
  }

  @Test
  void dash_reads_the_trace_from_standard_input() throws Exception {
    Run r = runWithStdin(Files.readAllBytes(VALID), "verify-trace", "-");
    assertEquals(0, r.exit(), r.err());
    assertEquals(23, r.summary().get("events").asInt());
    Run bad = runWithStdin(Files.readAllBytes(variant("bad.ndjson", 3, "{\"seq\":")), "verify-trace", "-");
    assertEquals(2, bad.exit());
    assertTrue(bad.err().contains("<stdin>:3:"), bad.err());
  }

  @Test
  void a_view_of_standard_input_is_refused_before_reading_it() throws Exception {
    Path html = dir.resolve("v.html");
    Run r = runWithStdin(Files.readAllBytes(VALID), "verify-trace", "--view", html.toString(), "-");
    assertEquals(2, r.exit(), r.err());
    assertTrue(r.err().contains("--view") && r.err().contains("standard input"), r.err());
    assertTrue(r.out().isEmpty(), "no verdict: " + r.out());
    assertFalse(Files.exists(html), "no view written");
  }

  @Test
  void a_broken_trace_among_several_gets_its_line_and_the_others_are_validated() throws Exception {
    Path broken = variant("broken.ndjson", 3, "{\"seq\":");
    String missing = dir.resolve("missing.ndjson").toString();
    Run r = run("verify-trace", VALID.toString(), broken.toString(), missing);
    assertEquals(2, r.exit(), r.err());
    assertEquals(VALID + ": valid", r.out().get(0));
    assertTrue(r.out().get(1).startsWith(broken + ": error: line 3: "), r.out().get(1));
    assertTrue(r.out().get(2).startsWith(missing + ": error: "), r.out().get(2));
    JsonNode s = r.summary();
    assertEquals("unknown", s.get("valid").asText());
    assertEquals(2, s.get("errors").asInt());
    assertEquals(3, s.get("traces").asInt());
  }

  /** A 50 MB first line is refused after its first MiB, quoting 200 characters of it, streaming or in chunks. */
  @Test
  void a_huge_first_line_is_refused_quickly_quoting_only_its_start() throws Exception {
    Path huge = dir.resolve("huge.ndjson");
    byte[] line = new byte[50 << 20];
    java.util.Arrays.fill(line, (byte) 'a');
    byte[] start = "{\"format\":\"refraft-trace\",\"x\":\"".getBytes(StandardCharsets.UTF_8);
    System.arraycopy(start, 0, line, 0, start.length);
    Files.write(huge, line);
    long t0 = System.nanoTime();
    Run r = run("verify-trace", huge.toString());
    double seconds = (System.nanoTime() - t0) / 1e9;
    assertEquals(2, r.exit());
    assertTrue(r.err().contains("huge.ndjson:1: the first line is longer than 1024 KiB"), r.err());
    assertTrue(r.err().length() < 600, r.err());
    assertTrue(seconds < 20, "refused in " + seconds + " s");
    Run piped = runWithStdin(line, "verify-trace", "-");
    assertEquals(2, piped.exit());
    assertTrue(piped.err().contains("<stdin>:1: the first line is longer than 1024 KiB"), piped.err());
  }

  @Test
  void an_error_quotes_at_most_a_few_hundred_characters_of_a_long_line() throws Exception {
    Path longField = variant("long-field.ndjson", 2, "{\"" + "x".repeat(100_000) + "\":1}");
    Run r = run("verify-trace", longField.toString());
    assertEquals(2, r.exit());
    assertTrue(r.err().contains("long-field.ndjson:2:") && r.err().contains("100000 characters"), r.err());
    assertTrue(r.err().length() < 600, r.err().length() + " characters on stderr");
  }
}
