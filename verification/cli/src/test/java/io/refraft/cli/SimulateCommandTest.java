package io.refraft.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SimulateCommandTest {
  @TempDir Path dir;

  private record Run(int code, String out, String err) {}

  private Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(args, new PrintWriter(out), new PrintWriter(err));
    return new Run(code, out.toString(), err.toString());
  }

  @Test
  void passing_seeds_exit_0_with_a_summary_last_line() throws Exception {
    long seed = new SplittableRandom().nextLong();
    System.out.println("SimulateCommandTest seed=" + seed);
    Run r = run("simulate", "--seed", Long.toString(seed), "--steps", "500", "--no-reads", "--out", dir.toString());
    assertEquals(0, r.code(), r.out() + r.err());
    String[] lines = r.out().strip().split("\n");
    JsonNode last = new ObjectMapper().readTree(lines[lines.length - 1]);
    assertEquals(1, last.get("seeds").asInt());
    assertEquals(0, last.get("failures").asInt());
    assertEquals(500, last.get("steps").asLong());
    assertTrue(last.get("simulated_seconds").asDouble() > 0);
    assertTrue(last.has("seconds"));
    assertTrue(last.get("first_failure_seed").isNull());
    assertEquals(seed, new ObjectMapper().readTree(lines[0]).get("seed").asLong());
  }

  @Test
  void seeds_on_several_workers_print_what_one_worker_prints_in_seed_order() throws Exception {
    long seed = new SplittableRandom().nextLong();
    System.out.println("SimulateCommandTest workers seed=" + seed);
    String[] common = {"simulate", "--seed", Long.toString(seed), "--seeds", "5", "--steps", "300", "--out",
        dir.toString()};
    Run one = run(concat(common, "--workers", "1"));
    Run three = run(concat(common, "--workers", "3"));
    assertEquals(0, one.code(), one.out() + one.err());
    assertEquals(0, three.code(), three.out() + three.err());
    assertEquals(withoutWallTimes(one.out()), withoutWallTimes(three.out()));
    String[] lines = three.out().strip().split("\n");
    for (int i = 0; i < 5; i++) {
      assertEquals(seed + i, new ObjectMapper().readTree(lines[i]).get("seed").asLong());
    }
    assertEquals(2, run(concat(common, "--workers", "0")).code());
  }

  private static String[] concat(String[] a, String... b) {
    String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  private static String withoutWallTimes(String out) {
    return out.replaceAll("\"seconds\":[0-9.]+", "");
  }

  @Test
  void bad_usage_exits_2_naming_the_argument() throws Exception {
    Run nodes = run("simulate", "--nodes", "4");
    assertEquals(2, nodes.code());
    assertTrue(nodes.err().contains("--nodes"), nodes.err());
    Run faults = run("simulate", "--faults", "drop,meteor");
    assertEquals(2, faults.code());
    assertTrue(faults.err().contains("meteor"), faults.err());
    Run steps = run("simulate", "--steps", "0");
    assertEquals(2, steps.code());
    assertTrue(steps.err().contains("--steps"), steps.err());
    Run bug = run("simulate", "--inject-bug", "stale-reed");
    assertEquals(2, bug.code());
    assertTrue(bug.err().contains("--inject-bug") && bug.err().contains("stale-reed"), bug.err());
    java.nio.file.Path file = java.nio.file.Files.writeString(dir.resolve("a-file"), "x");
    Run outDir = run("simulate", "--out", file.resolve("sub").toString());
    assertEquals(2, outDir.code());
    assertTrue(outDir.err().contains("--out"), outDir.err());
    Run schedule = run("simulate", "--schedule", dir.resolve("missing.json").toString());
    assertEquals(2, schedule.code());
    assertTrue(schedule.err().contains("missing.json"), schedule.err());
  }

  @Test
  void a_caught_bug_exits_1_writes_its_files_and_shrinks_its_schedule() throws Exception {
    Run r = run("simulate", "--seed", "1", "--steps", "3000", "--inject-bug", "skip-fsync", "--shrink", "10",
        "--out", dir.toString());
    assertEquals(1, r.code(), r.out() + r.err());
    for (String f : new String[] {"n1.ndjson", "history.edn", "history.jsonl", "schedule.json", "summary.json"}) {
      assertTrue(java.nio.file.Files.exists(dir.resolve("seed-1").resolve(f)), f + " in " + r.out());
    }
    assertTrue(r.out().contains("FAILED seed 1: "), r.out());
    assertTrue(r.out().contains("shrunk the fault schedule from "), r.out());
    assertTrue(java.nio.file.Files.exists(dir.resolve("seed-1-shrunk").resolve("schedule.json")), r.out());
    String[] lines = r.out().strip().split("\n");
    JsonNode last = new ObjectMapper().readTree(lines[lines.length - 1]);
    assertEquals(1, last.get("failures").asInt());
    assertEquals(1, last.get("first_failure_seed").asLong());
  }

  @Test
  void a_planted_bug_reports_its_firings_per_seed_and_says_when_it_never_fired() throws Exception {
    long seed = new SplittableRandom().nextLong();
    System.out.println("SimulateCommandTest inject-bug seed=" + seed);
    // Without client reads, the stale-read bug has nothing to serve: it cannot fire.
    Run quiet = run("simulate", "--seed", Long.toString(seed), "--steps", "300", "--no-reads", "--inject-bug",
        "stale-read", "--out", dir.toString());
    String[] lines = quiet.out().strip().split("\n");
    assertEquals(0, new ObjectMapper().readTree(lines[0]).get("bug_fired").get("stale-read").asLong(), quiet.out());
    assertEquals("seed " + seed + ": the planted bug stale-read never fired: this seed says nothing about whether"
        + " the checkers catch it", lines[1]);
    assertEquals(1, new ObjectMapper().readTree(lines[lines.length - 1]).get("seeds_bug_never_fired").asInt());
    Run fired = run("simulate", "--seed", Long.toString(seed), "--steps", "2000", "--inject-bug", "stale-read",
        "--shrink", "0", "--out", dir.toString());
    JsonNode first = new ObjectMapper().readTree(fired.out().strip().split("\n")[0]);
    assertTrue(first.get("bug_fired").get("stale-read").asLong() > 0, fired.out());
    assertTrue(!fired.out().contains("never fired"), fired.out());
    Run none = run("simulate", "--seed", Long.toString(seed), "--steps", "300", "--no-reads", "--out", dir.toString());
    assertTrue(!none.out().contains("bug_fired") && !none.out().contains("seeds_bug_never_fired"), none.out());
  }
}
