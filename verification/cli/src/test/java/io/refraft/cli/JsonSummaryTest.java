package io.refraft.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * Every command that ends with a summary, run to each verdict it can reach without node processes
 * ({@code test} and {@code bench}: TestCommandIT, KvHttpIT): its last stdout line is what
 * docs/json.md says, and its {@code --junit} report is JUnit XML with one test case per file, trace
 * or seed, failures carrying the explanation.
 */
class JsonSummaryTest {
  private static final Path CORPUS = Path.of("..", "..", "traces", "corpus");
  private static final String VALID = """
      {:process 0, :type :invoke, :f :write, :value 1}
      {:process 0, :type :ok, :f :write, :value 1}
      {:process 1, :type :invoke, :f :read, :value nil}
      {:process 1, :type :ok, :f :read, :value 1}
      """;
  private static final String STALE = """
      {:process 0, :type :invoke, :f :write, :value 1}
      {:process 0, :type :ok, :f :write, :value 1}
      {:process 1, :type :invoke, :f :read, :value nil}
      {:process 1, :type :ok, :f :read, :value 0}
      """;

  @TempDir Path dir;

  record Run(int exit, List<String> out, String err) {
    String last() {
      return out.isEmpty() ? "" : out.get(out.size() - 1);
    }
  }

  private static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
    return new Run(exit, out.toString().lines().toList(), err.toString());
  }

  /** Runs the command and checks its summary against docs/json.md and its exit code against the summary's. */
  private static JsonNode summary(String command, int expectedExit, String... args) {
    Run r = run(args);
    assertEquals(expectedExit, r.exit(), String.join("\n", r.out()) + r.err());
    JsonNode s = SummarySchema.assertConforms(command, r.last());
    assertEquals(r.exit(), s.get("exit").asInt());
    return s;
  }

  private String file(String name, String content) throws Exception {
    Path p = dir.resolve(name);
    Files.writeString(p, content);
    return p.toString();
  }

  private static Document xml(Path p) throws Exception {
    return DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(p.toFile());
  }

  private static List<Element> testcases(Document d) {
    NodeList n = d.getElementsByTagName("testcase");
    return java.util.stream.IntStream.range(0, n.getLength()).mapToObj(i -> (Element) n.item(i)).toList();
  }

  @Test
  void check_valid_invalid_and_unknown_and_its_junit_report() throws Exception {
    String ok = file("ok.edn", VALID);
    String stale = file("stale.edn", STALE);
    assertEquals(true, summary("check", 0, "check", "--workload", "register", "--initial", "0", ok)
        .get("valid").asBoolean());
    Path report = dir.resolve("check.xml");
    JsonNode bad = summary("check", 1, "check", "--workload", "cas-register", "--initial", "0", "--junit",
        report.toString(), ok, stale);
    assertFalse(bad.get("valid").asBoolean());
    Document d = xml(report);
    Element suite = (Element) d.getElementsByTagName("testsuite").item(0);
    assertEquals("2", suite.getAttribute("tests"));
    assertEquals("1", suite.getAttribute("failures"));
    List<Element> cases = testcases(d);
    assertEquals(List.of(ok, stale), cases.stream().map(c -> c.getAttribute("name")).toList());
    assertEquals(0, cases.get(0).getChildNodes().getLength(), "a valid file passes");
    Element failure = (Element) cases.get(1).getElementsByTagName("failure").item(0);
    assertTrue(failure.getAttribute("message").contains("nonlinearizable"), failure.getAttribute("message"));
    assertFalse(failure.getTextContent().isBlank(), "the failure carries the explanation");

    StringBuilder h = new StringBuilder();
    // Each value is written twice, so the unique-value register decision does not apply: only the search.
    // Each crashed write is read by a concurrent read (one nobody reads is dropped before the search).
    for (int p = 0; p < 40; p++) {
      h.append("{:process ").append(p).append(", :type :invoke, :f :write, :value ").append(p / 2).append("}\n");
      h.append("{:process ").append(100 + p).append(", :type :invoke, :f :read, :value nil}\n");
    }
    h.append("{:process 99, :type :invoke, :f :read, :value nil}\n{:process 99, :type :ok, :f :read, :value 1000}\n");
    for (int p = 0; p < 40; p++) {
      h.append("{:process ").append(100 + p).append(", :type :ok, :f :read, :value ").append(p / 2).append("}\n");
    }
    Path unknownReport = dir.resolve("unknown.xml");
    JsonNode unknown = summary("check", 3, "check", "--workload", "register", "--timeout", "0", "--junit",
        unknownReport.toString(), file("hard.edn", h.toString()));
    assertEquals("unknown", unknown.get("valid").asText());
    Element error = (Element) xml(unknownReport).getElementsByTagName("error").item(0);
    assertEquals("unknown", error.getAttribute("type"));
  }

  @Test
  void verify_trace_valid_and_invalid_and_its_junit_report() throws Exception {
    Path valid = CORPUS.resolve("valid");
    summary("verify-trace", 0, "verify-trace", valid.toString());
    Path report = dir.resolve("traces.xml");
    Path invalid = CORPUS.resolve("invalid").resolve("leader-overwrites-entry.ndjson");
    JsonNode s = summary("verify-trace", 1, "verify-trace", "--junit", report.toString(), invalid.toString());
    assertTrue(s.get("divergence").isObject(), s.toString());
    List<Element> cases = testcases(xml(report));
    assertEquals(1, cases.size());
    Element failure = (Element) cases.get(0).getElementsByTagName("failure").item(0);
    assertTrue(failure.getAttribute("message").contains(invalid.toString()), failure.getAttribute("message"));
    assertTrue(failure.getTextContent().contains(s.get("divergence").get("reason").asText()),
        "the explanation: " + failure.getTextContent());
  }

  @Test
  void view_valid_and_invalid() throws Exception {
    Path page = dir.resolve("v.html");
    JsonNode ok = summary("view", 0, "view", CORPUS.resolve("valid/election-5.ndjson").toString(), "--out",
        page.toString());
    assertEquals(java.nio.file.Files.size(page), ok.get("bytes").asLong());
    assertEquals(page.toString(), ok.get("out").asText());
    JsonNode bad = summary("view", 1, "view", CORPUS.resolve("invalid/votes-twice.ndjson").toString(), "--out",
        dir.resolve("i.html").toString());
    assertTrue(bad.get("steps_drawn").asLong() >= bad.get("events").asLong(), bad.toString());
  }

  @Test
  void a_file_that_cannot_be_read_among_several_is_counted_and_a_junit_error() throws Exception {
    String ok = file("ok.edn", VALID);
    String missing = dir.resolve("missing.edn").toString();
    Path report = dir.resolve("errors.xml");
    JsonNode check = summary("check", 2, "check", "--workload", "register", "--initial", "0", "--junit",
        report.toString(), ok, missing);
    assertEquals("unknown", check.get("valid").asText());
    assertEquals(1, check.get("counts").get("valid").asInt(), check.toString());
    assertEquals(1, check.get("counts").get("error").asInt(), check.toString());
    List<Element> cases = testcases(xml(report));
    assertEquals(List.of(ok, missing), cases.stream().map(c -> c.getAttribute("name")).toList());
    Element error = (Element) cases.get(1).getElementsByTagName("error").item(0);
    assertEquals("error", error.getAttribute("type"));
    assertTrue(error.getAttribute("message").contains("no such file"), error.getAttribute("message"));

    Path traces = dir.resolve("traces.xml");
    String missingTrace = dir.resolve("missing.ndjson").toString();
    JsonNode vt = summary("verify-trace", 2, "verify-trace", "--junit", traces.toString(),
        CORPUS.resolve("valid").resolve("election-5.ndjson").toString(), missingTrace);
    assertEquals("unknown", vt.get("valid").asText());
    assertEquals(1, vt.get("errors").asInt(), vt.toString());
    List<Element> traceCases = testcases(xml(traces));
    assertEquals(2, traceCases.size());
    assertEquals(0, traceCases.get(0).getChildNodes().getLength(), "the readable trace passes");
    Element traceError = (Element) traceCases.get(1).getElementsByTagName("error").item(0);
    assertEquals("error", traceError.getAttribute("type"));
    assertTrue(traceError.getAttribute("message").contains("no such file"), traceError.getAttribute("message"));
  }

  @Test
  void simulate_one_case_per_seed() throws Exception {
    Path report = dir.resolve("sim.xml");
    JsonNode s = summary("simulate", 0, "simulate", "--seed", "7", "--seeds", "2", "--steps", "300", "--workers", "1",
        "--junit", report.toString());
    assertTrue(s.get("valid").asBoolean());
    assertEquals(List.of("seed 7", "seed 8"), testcases(xml(report)).stream().map(c -> c.getAttribute("name")).toList());
    Run seedLines = run("simulate", "--seed", "7", "--steps", "300", "--faults", "drop,crash");
    JsonNode seed = new com.fasterxml.jackson.databind.ObjectMapper().readTree(seedLines.out().get(0));
    assertTrue(seed.get("faults").isArray(), "faults is an array: " + seed);
    assertEquals(List.of("crash", "drop"), List.of(seed.get("faults").get(0).asText(), seed.get("faults").get(1).asText()));
  }

  @Test
  void a_failing_seed_carries_its_failure_and_replay_command() throws Exception {
    Path report = dir.resolve("bug.xml");
    JsonNode s = summary("simulate", 1, "simulate", "--seed", "1", "--steps", "3000", "--inject-bug", "skip-fsync",
        "--shrink", "0", "--out", dir.resolve("out").toString(), "--junit", report.toString());
    assertEquals(1, s.get("first_failure_seed").asLong());
    Element failure = (Element) xml(report).getElementsByTagName("failure").item(0);
    assertTrue(failure.getTextContent().contains("replay: refraft simulate --seed 1"), failure.getTextContent());
  }

  @Test
  void spec_check_and_simulate_keep_result_beside_valid() {
    JsonNode ok = summary("spec check", 0, "spec", "check", "--max-term", "1", "--max-log", "1", "--workers", "1");
    assertEquals("ok", ok.get("result").asText());
    JsonNode bad = summary("spec check", 1, "spec", "check", "--mutant", "forget-vote-on-restart", "--workers", "1");
    assertEquals("violation", bad.get("result").asText());
    assertTrue(bad.has("invariant"));
    assertFalse(bad.get("recovery").asBoolean());
    JsonNode stuck = summary("spec check", 1, "spec", "check", "--mutant", "never-step-down", "--workers", "1");
    assertEquals("Recovery", stuck.get("invariant").asText());
    assertTrue(stuck.get("recovery").asBoolean(), "the mutant turns the recovery check on");
    assertTrue(stuck.get("recovery_check").get("unrecoverable").asLong() > 0, stuck.toString());
    JsonNode sim = summary("spec simulate", 0, "spec", "simulate", "--steps", "2000", "--seed", "3");
    assertEquals("ok", sim.get("result").asText());
  }

  @Test
  void status_and_kv_without_a_node_to_answer() {
    String nobody = "http://127.0.0.1:9";
    JsonNode status = summary("status", 1, "status", "--endpoints", nobody);
    assertEquals(1, status.get("unreachable").asInt());
    JsonNode kv = summary("kv", 3, "kv", "get", "k", "--endpoints", nobody, "--timeout-ms", "300");
    assertEquals("unknown", kv.get("valid").asText());
  }

  @Test
  void junit_file_in_a_missing_directory_is_refused_before_any_work() throws Exception {
    Run r = run("check", "--workload", "register", "--junit", dir.resolve("no/such/dir/r.xml").toString(),
        file("ok.edn", VALID));
    assertEquals(2, r.exit(), r.err());
    assertTrue(r.err().contains("--junit"), r.err());
    assertTrue(r.out().isEmpty(), "no verdict: " + r.out());
  }

  @Test
  void junit_text_escapes_markup_and_drops_what_xml_cannot_hold() throws Exception {
    String x = JUnitReport.xml("refraft check", List.of(new JUnitReport.Case("a<b>&\"c\".edn", Summary.Verdict.INVALID,
        0.5, "invalid: G2", "T1 < T2 & \u0001bell")), java.time.Instant.EPOCH);
    Path p = dir.resolve("x.xml");
    Files.writeString(p, x);
    Element tc = testcases(xml(p)).get(0);
    assertEquals("a<b>&\"c\".edn", tc.getAttribute("name"));
    assertEquals("T1 < T2 & bell", tc.getElementsByTagName("failure").item(0).getTextContent());
  }
}
