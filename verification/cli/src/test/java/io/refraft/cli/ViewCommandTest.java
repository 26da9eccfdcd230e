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
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ViewCommandTest {
  private static final Path CORPUS = Path.of("..", "..", "traces", "corpus");
  private static final Path VALID = CORPUS.resolve("valid/election-and-replication-3.ndjson");

  @TempDir Path dir;

  record Run(int exit, List<String> out, String err) {
    JsonNode summary() throws Exception {
      return new ObjectMapper().readTree(out.get(out.size() - 1));
    }
  }

  static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
    return new Run(exit, out.toString().lines().toList(), err.toString());
  }

  private List<String> files() throws Exception {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void a_valid_trace_becomes_one_self_contained_page() throws Exception {
    Path out = dir.resolve("v.html");
    Run r = run("view", VALID.toString(), "--out", out.toString());
    assertEquals(0, r.exit(), r.err());
    JsonNode s = r.summary();
    assertTrue(s.get("valid").asBoolean());
    assertEquals(23, s.get("events").asInt());
    assertEquals(Files.size(out), s.get("bytes").asLong());
    String html = Files.readString(out, StandardCharsets.UTF_8);
    assertTrue(html.startsWith("<!DOCTYPE html>"));
    assertFalse(html.contains("{{"), "every placeholder filled");
    // no network: nothing loaded from elsewhere
    assertFalse(html.matches("(?s).*(src|href)\\s*=\\s*[\"']?(https?:)?//.*"), "no external resource");
    assertEquals(23, html.substring(html.indexOf("id=\"rf-steps\">"), html.indexOf("</script>", html.indexOf("rf-steps")))
        .lines().filter(l -> l.startsWith("[{") && l.contains("]\t[")).count(), "one data line per step");
    assertEquals(List.of("v.html"), files(), "nothing else left beside it");
  }

  @Test
  void a_malformed_trace_gets_verify_traces_error_and_no_page() throws Exception {
    List<String> lines = new ArrayList<>(Files.readAllLines(VALID, StandardCharsets.UTF_8));
    lines.set(5, lines.get(5).replace("\"seq\":", "\"sequence\":"));
    Path bad = dir.resolve("bad.ndjson");
    Files.writeString(bad, String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
    Path out = dir.resolve("bad.html");
    Run view = run("view", bad.toString(), "--out", out.toString());
    Run verify = run("verify-trace", bad.toString());
    assertEquals(2, view.exit());
    assertEquals(2, verify.exit());
    assertTrue(view.err().contains(bad + ":6:"), view.err());
    assertEquals(verify.err(), view.err(), "the same file:line error as verify-trace");
    assertEquals(List.of(), view.out(), "bad input: nothing on stdout (docs/json.md)");
    assertEquals(List.of("bad.ndjson"), files(), "no page, no temporary file");
  }

  /** Broken far into a long trace: megabytes of the page are written by then, and none of it is left. */
  @Test
  void a_trace_broken_after_megabytes_of_page_leaves_nothing() throws Exception {
    Path trace = dir.resolve("long.ndjson");
    io.refraft.verification.trace.TraceBench.generate(trace, 5, 20_000, 10);
    List<String> lines = new ArrayList<>(Files.readAllLines(trace, StandardCharsets.UTF_8));
    int broken = 15_000;
    lines.set(broken - 1, lines.get(broken - 1).replace("\"term\":", "\"term\":\"x").substring(0, 80));
    Files.writeString(trace, String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
    Run view = run("view", trace.toString(), "--out", dir.resolve("long.html").toString());
    Run verify = run("verify-trace", trace.toString());
    assertEquals(2, view.exit(), view.err());
    assertTrue(view.err().contains(trace + ":" + broken + ":"), view.err());
    assertEquals(verify.err(), view.err(), "the same file:line error as verify-trace");
    assertEquals(List.of(), view.out());
    assertEquals(List.of("long.ndjson"), files(), "no page, no temporary file");
  }

  @Test
  void a_truncated_trace_gets_no_page() throws Exception {
    String text = Files.readString(VALID, StandardCharsets.UTF_8);
    Path cut = dir.resolve("cut.ndjson");
    Files.writeString(cut, text.substring(0, text.length() - 40), StandardCharsets.UTF_8);
    Run r = run("view", cut.toString());
    assertEquals(2, r.exit());
    assertTrue(r.err().contains("cut.ndjson:24:"), r.err());
    assertEquals(List.of(), r.out());
    assertEquals(List.of("cut.ndjson"), files());
  }

  @Test
  void an_invalid_trace_gets_its_page_with_the_divergence_and_exit_1() throws Exception {
    Path trace = CORPUS.resolve("invalid/commits-without-quorum.ndjson");
    Path out = dir.resolve("inv.html");
    Run r = run("view", trace.toString(), "--out", out.toString());
    assertEquals(1, r.exit(), r.err());
    Run verify = run("verify-trace", trace.toString());
    JsonNode d = verify.summary().get("divergence");
    String html = Files.readString(out, StandardCharsets.UTF_8);
    assertTrue(html.contains("\"line\":" + d.get("line").asLong() + ",\"node\":"), "the validator's divergence line");
    assertTrue(html.contains("\"kind\":\"" + d.get("kind").asText() + "\""));
  }

  @Test
  void verify_trace_view_writes_the_same_page_with_the_same_verdict() throws Exception {
    Path out = dir.resolve("vt.html");
    Run r = run("verify-trace", VALID.toString(), "--view", out.toString());
    assertEquals(0, r.exit(), r.err());
    assertTrue(r.summary().get("valid").asBoolean());
    assertTrue(Files.size(out) > 0);
    Run two = run("verify-trace", VALID.toString(), VALID.toString(), "--view", out.toString());
    assertEquals(2, two.exit(), "one page holds one trace");
  }

  @Test
  void a_run_directory_is_viewed_as_one_run() throws Exception {
    Path runDir = dir.resolve("run");
    Files.createDirectories(runDir);
    List<String> lines = Files.readAllLines(VALID, StandardCharsets.UTF_8);
    for (String n : List.of("n1", "n2", "n3")) {
      StringBuilder sb = new StringBuilder(lines.get(0).replaceFirst("^\\{", "{\"node\":\"" + n + "\",")).append('\n');
      lines.stream().skip(1).filter(l -> l.startsWith("{\"node\":\"" + n + "\"")).forEach(l -> sb.append(l).append('\n'));
      Files.writeString(runDir.resolve(n + ".ndjson"), sb.toString(), StandardCharsets.UTF_8);
    }
    Run r = run("view", "--run", runDir.toString());
    assertEquals(0, r.exit(), r.err() + r.out());
    assertEquals(23, r.summary().get("events").asInt());
    assertTrue(Files.isRegularFile(dir.resolve("run.html")), "default: beside the run directory");
    Run none = run("view", "--run", dir.resolve("missing").toString());
    assertEquals(2, none.exit());
  }
}
