package io.refraft.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The runnable jar Maven's package phase writes ({@code refraft-VERSION.jar}) is the whole command
 * line on its own: run with {@code java -jar} from an unrelated working directory, with no class path
 * beside it, it answers {@code --version} with the release and the commit, validates traces, checks a
 * history and starts {@code node}'s command line.
 */
class RunnableJarIT {
  private static final Path CORPUS = Path.of("..", "..", "traces", "corpus").toAbsolutePath().normalize();

  @TempDir Path cwd;

  /** What one run of the jar did. */
  record Run(int exit, String stdout, String stderr) {
    String lastLine() {
      String[] lines = stdout.strip().split("\n");
      return lines[lines.length - 1];
    }
  }

  private static Path jarPath() {
    Path jar = Path.of(System.getProperty("refraft.jar", "target/refraft-" + System.getProperty("refraft.version")
        + ".jar")).toAbsolutePath();
    assertTrue(Files.isRegularFile(jar), "no runnable jar at " + jar + " (mvn package writes it)");
    return jar;
  }

  private Run jar(String... args) throws IOException, InterruptedException {
    Path jar = jarPath();
    String java = ProcessHandle.current().info().command()
        .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    List<String> cmd = new ArrayList<>(List.of(java, "-jar", jar.toString()));
    cmd.addAll(List.of(args));
    Path out = cwd.resolve("stdout.txt");
    Path err = cwd.resolve("stderr.txt");
    Process p = new ProcessBuilder(cmd).directory(cwd.toFile()).redirectOutput(out.toFile())
        .redirectError(err.toFile()).start();
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly().waitFor();
      throw new AssertionError("java -jar " + String.join(" ", args) + " did not finish in 120 s");
    }
    return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
        Files.readString(err, StandardCharsets.UTF_8));
  }

  @Test
  void version_names_the_release_and_the_commit() throws Exception {
    Run r = jar("--version");
    assertEquals(0, r.exit(), r.stderr());
    String expected = "refraft " + System.getProperty("refraft.version") + " (commit ";
    assertTrue(r.stdout().startsWith(expected), r.stdout());
    assertTrue(r.stdout().strip().matches("refraft \\S+ \\(commit ([0-9a-f]{7,40}(\\+dirty)?|unknown)\\)"), r.stdout());
  }

  @Test
  void validates_the_valid_corpus_and_rejects_an_invalid_trace() throws Exception {
    Run ok = jar("verify-trace", CORPUS.resolve("valid").toString());
    assertEquals(0, ok.exit(), ok.stderr());
    JsonNode summary = new ObjectMapper().readTree(ok.lastLine());
    assertTrue(summary.get("valid").asBoolean(), ok.lastLine());
    Run bad = jar("verify-trace", CORPUS.resolve("invalid/leader-overwrites-entry.ndjson").toString());
    assertEquals(1, bad.exit(), bad.stdout() + bad.stderr());
  }

  @Test
  void checks_a_history_given_relative_to_the_working_directory() throws Exception {
    Files.writeString(cwd.resolve("h.edn"), """
        {:process 0, :type :invoke, :f :write, :value 1}
        {:process 0, :type :ok, :f :write, :value 1}
        {:process 1, :type :invoke, :f :read, :value nil}
        {:process 1, :type :ok, :f :read, :value 2}
        """);
    Run r = jar("check", "--workload", "register", "h.edn");
    assertEquals(1, r.exit(), r.stdout() + r.stderr());
    assertEquals(false, new ObjectMapper().readTree(r.lastLine()).get("valid").asBoolean(true), r.lastLine());
  }

  @Test
  void node_command_line_is_inside_too() throws Exception {
    Run r = jar("node", "--help");
    assertEquals(0, r.exit(), r.stderr());
    assertTrue(r.stdout().contains("--peers"), r.stdout());
  }

  /** Class-file major version of Java 21, the oldest runtime the jar promises to run on. */
  private static final int JAVA_21 = 65;

  /**
   * Every class the jar loads on Java 21 was compiled for Java 21 or older: refraft's own classes
   * wherever they are, and the dependencies' base classes. A dependency's multi-release entries
   * under {@code META-INF/versions/N/} are loaded only by runtimes of version N or newer, so they
   * are left out.
   */
  @Test
  void every_class_runs_on_java_21() throws Exception {
    int refraftClasses = 0;
    List<String> tooNew = new ArrayList<>();
    try (var zip = new java.util.zip.ZipFile(jarPath().toFile())) {
      for (var e : java.util.Collections.list(zip.entries())) {
        String name = e.getName();
        boolean ours = name.startsWith("io/refraft/") || name.contains("/io/refraft/");
        if (!name.endsWith(".class") || (!ours && name.startsWith("META-INF/versions/"))) {
          continue;
        }
        byte[] head;
        try (var in = zip.getInputStream(e)) {
          head = in.readNBytes(8);
        }
        assertEquals(0xCAFEBABE, java.nio.ByteBuffer.wrap(head).getInt(), name + " is not a class file");
        int major = ((head[6] & 0xFF) << 8) | (head[7] & 0xFF);
        if (major > JAVA_21) {
          tooNew.add(name + " (major " + major + ")");
        }
        refraftClasses += ours ? 1 : 0;
      }
    }
    assertTrue(tooNew.isEmpty(), "classes that need a runtime newer than Java 21: " + tooNew);
    assertTrue(refraftClasses > 100, "the jar holds refraft's classes: " + refraftClasses);
  }
}
