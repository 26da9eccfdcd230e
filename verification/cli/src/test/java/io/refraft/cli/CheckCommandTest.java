package io.refraft.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckCommandTest {

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
    JsonNode summary() throws Exception {
      return new ObjectMapper().readTree(out.get(out.size() - 1));
    }
  }

  private Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
    return new Run(exit, out.toString().lines().toList(), err.toString());
  }

  private String file(String name, String content) throws Exception {
    Path p = dir.resolve(name);
    Files.writeString(p, content);
    return p.toString();
  }

  @Test
  void valid_history_exits_0_with_json_summary() throws Exception {
    Run r = run("check", "--workload", "register", "--initial", "0", file("ok.edn", VALID));
    assertEquals(0, r.exit(), r.err());
    JsonNode s = r.summary();
    assertTrue(s.get("valid").asBoolean());
    assertEquals(1, s.get("files").asInt());
    assertEquals(4, s.get("ops").asInt());
    assertEquals(0, s.get("anomaly_types").size());
    assertTrue(s.has("seconds"));
  }

  @Test
  void one_invalid_file_among_several_exits_1_and_writes_a_timeline() throws Exception {
    String ok = file("ok.edn", VALID);
    String bad = file("stale.edn", STALE);
    Path out = dir.resolve("out");
    Run r = run("check", "--workload", "cas-register", "--initial", "0", "--out", out.toString(), ok, bad);
    assertEquals(1, r.exit(), r.err());
    assertEquals(ok + ": valid", r.out().get(0));
    assertTrue(r.out().get(1).startsWith(bad + ": invalid"), r.out().get(1));
    JsonNode s = r.summary();
    assertFalse(s.get("valid").asBoolean());
    assertEquals("nonlinearizable", s.get("anomaly_types").get(0).asText());
    assertEquals(2, s.get("files").asInt());
    String html = Files.readString(out.resolve("stale.edn.timeline.html"));
    assertTrue(html.contains("op blocked"), "the failing op is marked");
    assertFalse(html.contains("<script"), "self-contained, no scripts");
  }

  @Test
  void time_limit_exits_3_with_unknown() throws Exception {
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
    Run r = run("check", "--workload", "register", "--timeout", "0", file("hard.edn", h.toString()));
    assertEquals(3, r.exit(), r.err());
    assertEquals("unknown", r.summary().get("valid").asText());
  }

  @Test
  void malformed_input_exits_2_naming_file_and_line_without_stack_trace() throws Exception {
    String bad = file("bad.edn", "{:process 0, :type :invoke, :f :read, :value nil}\n{:process 0, :type :okay, :f :read}\n");
    Run r = run("check", "--workload", "register", bad);
    assertEquals(2, r.exit());
    assertTrue(r.err().contains(bad + ":2: "), r.err());
    assertFalse(r.err().contains("\tat "), r.err());
    assertTrue(r.out().isEmpty(), "no verdict for bad input");
  }

  @Test
  void model_mismatch_missing_file_and_bad_options_exit_2() throws Exception {
    Run cas = run("check", "--workload", "register", file("cas.edn",
        "{:process 0, :type :invoke, :f :cas, :value [0 1]}\n{:process 0, :type :ok, :f :cas, :value [0 1]}\n"));
    assertEquals(2, cas.exit());
    assertTrue(cas.err().contains("op 0"), cas.err());
    assertEquals(2, run("check", "--workload", "register", dir.resolve("missing.edn").toString()).exit());
    assertEquals(2, run("check", "--workload", "register", "--format", "yaml", file("ok.edn", VALID)).exit());
    assertEquals(2, run("check", "--workload", "queue", file("ok.edn", VALID)).exit());
    assertEquals(2, run("check", "--workload", "register", "--initial", "{:x", file("ok.edn", VALID)).exit());
  }

  @Test
  void transactional_workloads_reject_non_transaction_ops() throws Exception {
    // The Elle checker is wired in (ElleCheckCommandTest); a register history is not a list-append one.
    Run r = run("check", "--workload", "list-append", file("la.edn", VALID));
    assertEquals(2, r.exit());
    assertTrue(r.err().contains("op index 0") && r.err().contains(":txn"), r.err());
  }

  @Test
  void jepsen_log_defaults_to_porcupines_reading() throws Exception {
    // A failed cas from 1 while the register holds 1: legal if :fail means "no effect", not if it saw another value.
    String log = "INFO  jepsen.util - 0\t:invoke\t:write\t1\nINFO  jepsen.util - 0\t:ok\t:write\t1\n"
        + "INFO  jepsen.util - 1\t:invoke\t:cas\t[1 2]\nINFO  jepsen.util - 1\t:fail\t:cas\t[1 2]\n";
    String f = file("etcd.log", log);
    assertEquals(1, run("check", "--workload", "cas-register", f).exit());
    assertEquals(0, run("check", "--workload", "cas-register", "--failed-cas", "no-effect", f).exit());
  }
}
