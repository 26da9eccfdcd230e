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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SpecCommandTest {
  private record Run(int code, String out, String err) {
    JsonNode lastLine() throws Exception {
      String[] lines = out.strip().split("\n");
      return new ObjectMapper().readTree(lines[lines.length - 1]);
    }
  }

  private static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
    return new Run(code, out.toString(), err.toString());
  }

  @Test
  void when_the_space_has_no_violation_then_exit_0_and_a_json_summary() throws Exception {
    Run r = run("spec", "check", "--max-term", "1", "--max-log", "1", "--workers", "1");
    assertEquals(0, r.code(), r.err());
    JsonNode j = r.lastLine();
    assertEquals("ok", j.get("result").asText());
    assertTrue(j.get("distinct_states").asLong() > 10);
    assertTrue(j.get("states_generated").asLong() >= j.get("distinct_states").asLong());
    assertEquals(1, j.get("bounds").get("max_term").asInt());
  }

  @Test
  void when_a_mutant_is_checked_then_exit_1_with_a_counterexample_trace(@TempDir Path dir) throws Exception {
    Path trace = dir.resolve("cx.ndjson");
    Run r = run("spec", "check", "--mutant", "forget-vote-on-restart", "--out", trace.toString());
    assertEquals(1, r.code(), r.err());
    assertEquals("VoteOncePerTerm", r.lastLine().get("invariant").asText());
    assertTrue(r.out().contains("violates VoteOncePerTerm"));
    List<String> lines = Files.readAllLines(trace);
    assertTrue(lines.size() >= 3, "header and steps: " + lines);
    ObjectMapper m = new ObjectMapper();
    for (String line : lines) {
      m.readTree(line); // every line is JSON
    }
  }

  @Test
  void when_mutants_are_listed_then_every_name_is_checkable() {
    Run r = run("spec", "mutants");
    assertEquals(0, r.code());
    List<String> lines = r.out().strip().lines().toList();
    List<String> names = lines.stream().map(l -> l.split("\t", 2)[0]).toList();
    assertEquals(io.refraft.spec.explore.Mutant.values().length, names.size(), names.toString());
    assertTrue(names.contains("commit-previous-term"));
    for (String l : lines) {
      String[] f = l.split("\t", 2);
      assertEquals(2, f.length, "name, a tab and a description: " + l);
      assertTrue(io.refraft.spec.explore.Mutant.byName(f[0]).isPresent(), f[0]);
      assertEquals(io.refraft.spec.explore.Mutant.byName(f[0]).get().description(), f[1]);
      assertTrue(f[1].length() > 20, "a description that says something: " + l);
    }
  }

  @Test
  void when_simulating_then_the_seed_is_printed_and_the_run_repeats() throws Exception {
    Run a = run("spec", "simulate", "--steps", "5000", "--seed", "7", "--max-term", "4", "--max-msgs", "4");
    Run b = run("spec", "simulate", "--steps", "5000", "--seed", "7", "--max-term", "4", "--max-msgs", "4");
    assertEquals(0, a.code(), a.err());
    assertTrue(a.out().startsWith("seed 7"));
    assertEquals(a.lastLine().get("walks"), b.lastLine().get("walks"));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "--max-term 99|--max-term must be in 1..8",
      "--servers 0|--servers must be in 1..7",
      "--mutant nope|unknown mutant 'nope'",
      "--faults drop,xx|unknown fault 'xx'",
      "--prevote maybe|--prevote must be on or off",
      "--workers 0|--workers must be in 1..64",
      "--bogus|Unknown option: '--bogus'",
      "--profile tla|unknown profile 'tla'",
      "--out /nonexistent-dir-refraft/x.ndjson|does not exist"})
  void when_input_is_bad_then_exit_2_naming_the_argument(String args, String message) {
    String[] argv = ("spec check " + args).split(" ");
    Run r = run(argv);
    assertEquals(2, r.code(), r.out() + r.err());
    assertTrue(r.err().contains(message), r.err());
    assertFalse(r.err().contains("Exception"), "no stack trace: " + r.err());
  }

  /** A run stopped at a checkpoint and resumed counts what one run does; a checkpoint of other bounds is refused. */
  @Test
  void when_a_run_stops_at_a_checkpoint_then_resume_gives_the_counts_of_one_run(@TempDir Path dir) throws Exception {
    String[] bound = {"--max-term", "1", "--max-log", "1", "--workers", "2", "--progress", "0"};
    JsonNode whole = run(cat(new String[] {"spec", "check"}, bound)).lastLine();
    long half = whole.get("distinct_states").asLong() / 2;
    Run stopped = run(cat(new String[] {"spec", "check", "--checkpoint", dir.toString(), "--stop-at", "" + half}, bound));
    assertEquals(3, stopped.code(), stopped.out() + stopped.err());
    assertEquals("stopped at a checkpoint", stopped.lastLine().get("reason").asText());
    assertTrue(Files.exists(dir.resolve(CheckFiles.CHECKPOINT)));
    Run resumed = run(cat(new String[] {"spec", "check", "--resume", dir.toString()}, bound));
    assertEquals(0, resumed.code(), resumed.err());
    for (String f : List.of("distinct_states", "states_generated", "depth")) {
      assertEquals(whole.get(f).asLong(), resumed.lastLine().get(f).asLong(), f);
    }
    Run other = run("spec", "check", "--resume", dir.toString(), "--max-term", "2", "--max-log", "1");
    assertEquals(2, other.code(), other.out() + other.err());
    assertTrue(other.err().contains("another bounds"), other.err());
    assertFalse(other.err().contains("Exception"), other.err());
  }

  @Test
  void when_memory_is_short_then_the_queue_spills_and_the_counts_are_unchanged() throws Exception {
    JsonNode whole = run("spec", "check", "--max-term", "1", "--max-log", "1", "--workers", "1").lastLine();
    Run r = run("spec", "check", "--max-term", "1", "--max-log", "1", "--workers", "1", "--memory", "1m");
    assertEquals(0, r.code(), r.err());
    for (String f : List.of("distinct_states", "states_generated", "depth")) {
      assertEquals(whole.get(f).asLong(), r.lastLine().get(f).asLong(), f);
    }
    Run bad = run("spec", "check", "--memory", "lots");
    assertEquals(2, bad.code());
    assertTrue(bad.err().contains("--memory: expected a size"), bad.err());
  }

  private static String[] cat(String[] a, String[] b) {
    String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
