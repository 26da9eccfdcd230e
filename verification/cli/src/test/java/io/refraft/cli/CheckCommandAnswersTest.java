package io.refraft.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Answers of {@code refraft check} that a CI gate must not misread (issue 20, part 5). */
class CheckCommandAnswersTest {
  private static final String VALID = """
      {:process 0, :type :invoke, :f :write, :value 1}
      {:process 0, :type :ok, :f :write, :value 1}
      {:process 1, :type :invoke, :f :read, :value nil}
      {:process 1, :type :ok, :f :read, :value 1}
      """;

  @TempDir Path dir;

  record Run(int exit, List<String> out, String err) {
    JsonNode summary() throws Exception {
      return new ObjectMapper().readTree(out.get(out.size() - 1));
    }
  }

  private Run run(String stdin, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = Main.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    if (stdin != null) {
      CheckCommand check = cli.getSubcommands().get("check").getCommand();
      check.stdin = new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8));
    }
    int exit = cli.execute(args);
    return new Run(exit, out.toString().lines().toList(), err.toString());
  }

  private String file(String name, String content) throws Exception {
    Path p = dir.resolve(name);
    Files.writeString(p, content);
    return p.toString();
  }

  @Test
  void model_linearizable_is_accepted_for_every_linearizability_workload() throws Exception {
    String reg = file("ok.edn", VALID);
    for (String w : List.of("register", "cas-register")) {
      assertEquals(0, run(null, "check", "--workload", w, "--model", "linearizable", reg).exit(), w);
    }
    String kv = file("kv.edn", """
        {:process 0, :type :invoke, :f :put, :key "x", :value "a"}
        {:process 0, :type :ok, :f :put, :key "x", :value "a"}
        """);
    assertEquals(0, run(null, "check", "--workload", "kv", "--model", "linearizable", kv).exit());
    String set = file("set.edn", """
        {:process 0, :type :invoke, :f :add, :value 1}
        {:process 0, :type :ok, :f :add, :value 1}
        {:process 1, :type :invoke, :f :read, :value nil}
        {:process 1, :type :ok, :f :read, :value #{1}}
        """);
    assertEquals(0, run(null, "check", "--workload", "set", "--model", "linearizable", set).exit());
    String multi = file("multi.edn", """
        {:process 0, :type :invoke, :f :txn, :value [[:write :x 1]]}
        {:process 0, :type :ok, :f :txn, :value [[:write :x 1]]}
        {:process 1, :type :invoke, :f :txn, :value [[:read :x nil]]}
        {:process 1, :type :ok, :f :txn, :value [[:read :x 1]]}
        """);
    Run m = run(null, "check", "--workload", "multi-register", "--model", "linearizable", "--initial", "{:x 0}", multi);
    assertEquals(0, m.exit(), m.err());
    Run wrong = run(null, "check", "--workload", "register", "--model", "serializable", reg);
    assertEquals(2, wrong.exit());
    assertTrue(wrong.err().contains("linearizable"), wrong.err());
  }

  @Test
  void empty_and_all_ignored_histories_are_not_valid() throws Exception {
    Run empty = run(null, "check", "--workload", "register", file("empty.edn", ""));
    assertEquals(2, empty.exit());
    assertTrue(empty.err().contains("empty history"), empty.err());
    Run ignored = run(null, "check", "--workload", "register", file("noproc.edn", VALID.replaceAll(":process \\d+, ", "")));
    assertEquals(2, ignored.exit());
    assertTrue(ignored.err().contains("all 4 ops were ignored"), ignored.err());
    Run failed = run(null, "check", "--workload", "register", file("failed.edn",
        "{:process 0, :type :invoke, :f :write, :value 1}\n{:process 0, :type :fail, :f :write, :value 1}\n"));
    assertEquals(2, failed.exit());
    assertTrue(failed.err().contains("ignores all 2 client ops"), failed.err());
    Run elle = run(null, "check", "--workload", "list-append", file("empty2.edn", ""));
    assertEquals(2, elle.exit());
  }

  @Test
  void a_broken_file_does_not_stop_the_others_and_each_kind_is_counted() throws Exception {
    String ok = file("ok.edn", VALID);
    String stale = file("stale.edn", VALID.replace(":ok, :f :read, :value 1", ":ok, :f :read, :value 0"));
    String broken = file("broken.edn", "{:process 0, :type :okay}\n");
    String missing = dir.resolve("missing.edn").toString();
    Run r = run(null, "check", "--workload", "register", "--initial", "0", ok, broken, stale, missing);
    assertEquals(1, r.exit(), "an invalid file outranks the errors");
    assertEquals(ok + ": valid", r.out().get(0));
    assertTrue(r.out().get(1).startsWith(broken + ": error: line 1: "), r.out().get(1));
    assertTrue(r.out().get(2).startsWith(stale + ": invalid"), r.out().get(2));
    assertEquals(missing + ": error: no such file", r.out().get(3));
    JsonNode c = r.summary().get("counts");
    assertEquals(1, c.get("valid").asInt());
    assertEquals(1, c.get("invalid").asInt());
    assertEquals(0, c.get("unknown").asInt());
    assertEquals(2, c.get("error").asInt());
    assertEquals(4, r.summary().get("files").asInt());
    Run errorsOnly = run(null, "check", "--workload", "register", ok, broken);
    assertEquals(2, errorsOnly.exit());
    assertEquals("unknown", errorsOnly.summary().get("valid").asText());
    assertFalse(errorsOnly.err().contains("\tat "), errorsOnly.err());
  }

  @Test
  void an_error_quotes_at_most_a_few_hundred_characters_of_the_input() throws Exception {
    String huge = "{:process 0, :type :invoke, :f :read, :value nil}\n" + "z".repeat(1_000_000) + "\n";
    Run r = run(null, "check", "--workload", "register", file("huge.edn", huge));
    assertEquals(2, r.exit());
    assertTrue(r.err().length() < 1000, r.err().length() + " characters on stderr");
    assertTrue(r.err().contains("huge.edn:2:"), r.err());
    String bigValue = "{:process 0, :type :invoke, :f :read, :value nil}\n{:process 0, :type :ok, :f :read, :value \""
        + "y".repeat(1_000_000) + "\"}\n";
    Run invalid = run(null, "check", "--workload", "register", file("big.edn", bigValue));
    assertEquals(1, invalid.exit(), invalid.err());
    assertTrue(String.join("\n", invalid.out()).length() < 5000, "the explanation quotes the value in part");
  }

  @Test
  void dash_reads_standard_input() throws Exception {
    Run r = run(VALID, "check", "--workload", "register", "-");
    assertEquals(0, r.exit(), r.err());
    assertEquals("<stdin>: valid", r.out().get(0));
    Run bad = run("{:process 0, :type :okay}\n", "check", "--workload", "register", "-");
    assertEquals(2, bad.exit());
    assertTrue(bad.err().contains("<stdin>:1:"), bad.err());
  }

  @Test
  void a_spent_memory_budget_is_unknown_with_the_reason() throws Exception {
    StringBuilder h = new StringBuilder();
    // Crashed cas ops over few values: the search's cache grows fast, and no polynomial decision applies.
    for (int p = 0; p < 30; p++) {
      h.append("{:process ").append(p).append(", :type :invoke, :f :cas, :value [").append(p % 3).append(' ')
          .append((p + 1) % 3).append("]}\n");
    }
    h.append("{:process 99, :type :invoke, :f :read, :value nil}\n{:process 99, :type :ok, :f :read, :value 7}\n");
    Run r = run(null, "check", "--workload", "cas-register", "--initial", "0", "--max-memory", "64k",
        file("hard.edn", h.toString()));
    assertEquals(3, r.exit(), r.err() + r.out());
    assertTrue(r.out().get(0).contains("memory budget"), r.out().get(0));
    assertEquals("unknown", r.summary().get("valid").asText());
    assertEquals(2, run(null, "check", "--workload", "register", "--max-memory", "lots", file("ok.edn", VALID)).exit());
  }

  /**
   * With a budget larger than the heap, the heap runs out before the budget: the checker's backstop
   * still answers unknown, exit 3, without a stack trace. In a JVM of its own, with a small heap.
   */
  @Test
  void a_search_that_exhausts_the_heap_is_unknown_not_a_crash() throws Exception {
    // 40 crashed writes, each read by a concurrent read, and a read of a value never written: to
    // refute it the search must try every subset of the 40 reads (no reduction merges them). The
    // write of the initial value 0 keeps the polynomial unique-value decision out.
    StringBuilder h = new StringBuilder();
    for (int p = 0; p < 40; p++) {
      h.append("{:process ").append(p).append(", :type :invoke, :f :write, :value ").append(p).append("}\n");
      h.append("{:process ").append(100 + p).append(", :type :invoke, :f :read, :value nil}\n");
    }
    h.append("{:process 99, :type :invoke, :f :read, :value nil}\n{:process 99, :type :ok, :f :read, :value 1000}\n");
    for (int p = 0; p < 40; p++) {
      h.append("{:process ").append(100 + p).append(", :type :ok, :f :read, :value ").append(p).append("}\n");
    }
    String hard = file("hard-heap.edn", h.toString());
    String java = ProcessHandle.current().info().command().orElse("java");
    Process p = new ProcessBuilder(java, "-Xmx64m", "-cp", System.getProperty("java.class.path"),
        "io.refraft.cli.Main", "check", "--workload", "cas-register", "--initial", "0", "--max-memory", "1g",
        "--timeout", "600", hard).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(3, p.waitFor(), out);
    assertTrue(out.contains(": unknown - ") && out.contains("heap"), out);
    assertFalse(out.contains("\tat ") || out.contains("Exception in thread"), out);
  }
}
