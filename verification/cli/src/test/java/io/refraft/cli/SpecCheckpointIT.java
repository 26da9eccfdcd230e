package io.refraft.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A {@code spec check} process killed with SIGKILL after about a third of the space, resumed from
 * its last checkpoint, counts what an uninterrupted run does: the checkpoint on disk is whole
 * whatever moment the kill came at (written beside the last one, then renamed over it).
 */
class SpecCheckpointIT {
  private static final List<String> BOUND = List.of("spec", "check", "--profile", "raft-tla", "--max-log", "1",
      "--symmetry", "off", "--workers", "2");
  private static final Pattern DISTINCT = Pattern.compile("distinct ([0-9,]+)");

  @TempDir Path dir;

  private static JsonNode inProcess(List<String> args) throws Exception {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(args.toArray(new String[0]), new PrintWriter(out, true), new PrintWriter(err, true));
    assertEquals(0, code, err.toString());
    String[] lines = out.toString().strip().split("\n");
    return new ObjectMapper().readTree(lines[lines.length - 1]);
  }

  @Test
  void a_run_killed_with_sigkill_resumes_to_the_counts_of_one_run() throws Exception {
    List<String> quiet = new ArrayList<>(BOUND);
    quiet.addAll(List.of("--progress", "0"));
    JsonNode whole = inProcess(quiet);
    long total = whole.get("distinct_states").asLong();

    Path jar = Path.of(System.getProperty("refraft.jar", "target/refraft-" + System.getProperty("refraft.version")
        + ".jar")).toAbsolutePath();
    assertTrue(Files.isRegularFile(jar), "no runnable jar at " + jar + " (mvn package writes it)");
    String java = ProcessHandle.current().info().command()
        .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    List<String> cmd = new ArrayList<>(List.of(java, "-jar", jar.toString()));
    cmd.addAll(BOUND);
    cmd.addAll(List.of("--progress", "1", "--checkpoint", dir.toString(), "--checkpoint-interval", "1"));
    Path err = dir.resolve("stderr.txt");
    Process p = new ProcessBuilder(cmd).redirectOutput(dir.resolve("stdout.txt").toFile()).redirectError(err.toFile())
        .start();
    try {
      long deadline = System.nanoTime() + 300_000_000_000L;
      while (!(Files.exists(dir.resolve(CheckFiles.CHECKPOINT)) && lastDistinct(err) >= total / 3)) {
        assertTrue(p.isAlive(), "the run ended before it could be killed: " + Files.readString(err));
        assertTrue(System.nanoTime() < deadline, "no checkpoint after a third of the space within 300 s");
        Thread.sleep(50); // polling the child's files: there is nothing to wait on
      }
    } finally {
      p.destroyForcibly().waitFor(); // SIGKILL: no shutdown hook, no last checkpoint
    }
    // resumed by the same build (the jar): a checkpoint names the build it belongs to
    List<String> resume = new ArrayList<>(List.of(java, "-jar", jar.toString()));
    resume.addAll(quiet);
    resume.addAll(List.of("--resume", dir.toString()));
    Path out = dir.resolve("resumed.txt");
    Process r = new ProcessBuilder(resume).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    assertTrue(r.waitFor(300, TimeUnit.SECONDS), "the resumed run did not end in 300 s");
    assertEquals(0, r.exitValue(), Files.readString(err));
    String[] lines = Files.readString(out).strip().split("\n");
    JsonNode resumed = new ObjectMapper().readTree(lines[lines.length - 1]);
    for (String f : List.of("distinct_states", "states_generated", "depth")) {
      assertEquals(whole.get(f).asLong(), resumed.get(f).asLong(), f);
    }
  }

  private static long lastDistinct(Path err) throws Exception {
    long last = 0;
    for (String line : Files.readAllLines(err, StandardCharsets.UTF_8)) {
      Matcher m = DISTINCT.matcher(line);
      if (m.find()) {
        last = Long.parseLong(m.group(1).replace(",", ""));
      }
    }
    return last;
  }
}
