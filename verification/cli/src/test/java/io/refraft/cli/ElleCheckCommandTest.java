package io.refraft.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
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

/** {@code refraft check --workload list-append|rw-register}: exit codes, the JSON summary, --out. */
class ElleCheckCommandTest {
  private static final String SERIAL = """
      {:process 0, :type :invoke, :f :txn, :value [[:append 1 1]]}
      {:process 0, :type :ok, :f :txn, :value [[:append 1 1]]}
      {:process 1, :type :invoke, :f :txn, :value [[:r 1 nil]]}
      {:process 1, :type :ok, :f :txn, :value [[:r 1 [1]]]}
      """;
  /** Write skew: each transaction misses the other's append. */
  private static final String WRITE_SKEW = """
      {:process 0, :type :invoke, :f :txn, :value [[:r 1 nil] [:r 2 nil] [:append 1 1]]}
      {:process 1, :type :invoke, :f :txn, :value [[:r 1 nil] [:r 2 nil] [:append 2 1]]}
      {:process 0, :type :ok, :f :txn, :value [[:r 1 []] [:r 2 []] [:append 1 1]]}
      {:process 1, :type :ok, :f :txn, :value [[:r 1 []] [:r 2 []] [:append 2 1]]}
      {:process 2, :type :invoke, :f :txn, :value [[:r 1 nil] [:r 2 nil]]}
      {:process 2, :type :ok, :f :txn, :value [[:r 1 [1]] [:r 2 [1]]]}
      """;

  @TempDir Path dir;

  private record Run(int exit, List<String> out, String err) {
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
  void a_serial_list_append_history_exits_0() throws Exception {
    Run r = run("check", "--workload", "list-append", file("serial.edn", SERIAL));
    assertEquals(0, r.exit(), r.err() + r.out());
    assertTrue(r.summary().get("valid").asBoolean());
  }

  @Test
  void write_skew_exits_1_naming_the_anomaly_and_writes_explanations() throws Exception {
    Path out = dir.resolve("out");
    Run r = run("check", "--workload", "list-append", "--model", "snapshot-isolation,repeatable-read",
        "--out", out.toString(), file("skew.edn", WRITE_SKEW));
    assertEquals(1, r.exit(), r.err());
    JsonNode s = r.summary();
    assertEquals("[\"G2-item\"]", s.get("anomaly_types").toString());
    assertEquals("[\"repeatable-read\"]", s.get("not").toString());
    assertTrue(Files.readString(out.resolve("skew/G2-item.txt")).contains("did not observe"));
    assertTrue(Files.exists(out.resolve("skew/G2-item/0.dot")));
    assertEquals(0, run("check", "--workload", "list-append", "--model", "snapshot-isolation",
        file("skew2.edn", WRITE_SKEW)).exit());
  }

  @Test
  void nothing_committed_exits_3() throws Exception {
    String failed = """
        {:process 0, :type :invoke, :f :txn, :value [[:w 1 1]]}
        {:process 0, :type :fail, :f :txn, :value [[:w 1 1]]}
        """;
    Run r = run("check", "--workload", "rw-register", file("failed.edn", failed));
    assertEquals(3, r.exit(), r.err());
    assertEquals("unknown", r.summary().get("valid").asText());
  }

  @Test
  void bad_input_exits_2_naming_the_op() throws Exception {
    String dup = """
        {:index 7, :process 0, :type :invoke, :f :txn, :value [[:append 1 1]]}
        {:index 8, :process 0, :type :ok, :f :txn, :value [[:append 1 1]]}
        {:index 9, :process 1, :type :invoke, :f :txn, :value [[:append 1 1]]}
        {:index 10, :process 1, :type :ok, :f :txn, :value [[:append 1 1]]}
        """;
    Run r = run("check", "--workload", "list-append", file("dup.edn", dup));
    assertEquals(2, r.exit());
    assertTrue(r.err().contains("dup.edn") && r.err().contains("op index 10"), r.err());
    Run m = run("check", "--workload", "list-append", "--model", "eventual", file("s.edn", SERIAL));
    assertEquals(2, m.exit());
    assertTrue(m.err().contains("--model"), m.err());
  }
}
