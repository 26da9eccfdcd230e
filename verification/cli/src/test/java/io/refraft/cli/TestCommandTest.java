package io.refraft.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code refraft test}'s bad input: exit 2, a message naming it, no stack trace, no node started. */
class TestCommandTest {
  @TempDir Path dir;

  private record Run(int code, String out, String err) {}

  private Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(args, new PrintWriter(out), new PrintWriter(err));
    return new Run(code, out.toString(), err.toString());
  }

  private void assertUsageError(String expected, String... args) {
    Run r = run(args);
    assertEquals(2, r.code(), r.out() + r.err());
    assertTrue(r.err().contains(expected), "stderr should name " + expected + ": " + r.err());
    assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
  }

  @Test
  void unknown_workload_nemesis_or_bug_is_named() {
    Path out = dir.resolve("run");
    assertUsageError("'bank'", "test", "--workload", "bank", "--out", out.toString());
    assertUsageError("'clock-skew'", "test", "--nemesis", "partition,clock-skew", "--out", out.toString());
    assertUsageError("'lose-everything'", "test", "--inject-bug", "lose-everything", "--out", out.toString());
    assertFalse(Files.exists(out), "nothing is created for bad input");
  }

  @Test
  void zero_time_and_bad_numbers_are_named() {
    assertUsageError("--time", "test", "--time", "0", "--out", dir.resolve("a").toString());
    assertUsageError("--nodes", "test", "--nodes", "0", "--out", dir.resolve("b").toString());
    assertUsageError("--rate", "test", "--rate", "0", "--out", dir.resolve("c").toString());
    assertUsageError("--concurrency", "test", "--concurrency", "0", "--out", dir.resolve("d").toString());
  }

  @Test
  void unwritable_or_used_output_directory_is_refused() throws Exception {
    Path file = Files.writeString(dir.resolve("a-file"), "x");
    assertUsageError("--out " + file.resolve("run"), "test", "--time", "5", "--out", file.resolve("run").toString());
    Path used = Files.createDirectories(dir.resolve("used"));
    Files.writeString(used.resolve("history.edn"), "");
    assertUsageError("not empty", "test", "--time", "5", "--out", used.toString());
  }
}
