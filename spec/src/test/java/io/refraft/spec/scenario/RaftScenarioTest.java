package io.refraft.spec.scenario;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Golden scenario scripts ({@code src/test/resources/scenarios/*.txt}), one dynamic test each:
 * every command's output must equal the text below it. Run with {@code -Drefraft.rewrite=true}
 * to write the actual output into the scripts instead, then review the change as a diff.
 *
 * <p>Scripts are read from the source tree (Surefire runs in the module directory), so a rewrite
 * changes the files under version control, never a copy in {@code target/}.
 */
class RaftScenarioTest {
  private static final Path DIR = Path.of("src", "test", "resources", "scenarios");
  private static final boolean REWRITE = Boolean.getBoolean("refraft.rewrite");

  @TestFactory
  Stream<DynamicTest> scenarios() throws IOException {
    assertTrue(Files.isDirectory(DIR), "no scenario directory " + DIR.toAbsolutePath()
        + ": run the tests from the spec module directory (mvn -pl spec does)");
    List<Path> files;
    try (Stream<Path> s = Files.list(DIR)) {
      files = s.filter(p -> p.getFileName().toString().endsWith(".txt")).sorted().toList();
    }
    assertTrue(files.size() >= 11, "expected at least 11 scenario scripts in " + DIR + ", found " + files.size());
    return files.stream().map(f -> DynamicTest.dynamicTest(f.getFileName().toString(), () -> run(f)));
  }

  private static void run(Path file) throws IOException {
    String name = DIR.resolve(file.getFileName()).toString();
    String text = Files.readString(file, StandardCharsets.UTF_8);
    Script script = Script.parse(name, text);
    Interpreter interpreter = new Interpreter(name);
    List<List<String>> outputs = new ArrayList<>();
    StringBuilder mismatches = new StringBuilder();
    for (Script.Case c : script.cases()) {
      List<String> actual = interpreter.run(c);
      outputs.add(actual);
      if (!actual.equals(c.expected())) {
        mismatches.append(diff(name, c, actual));
      }
    }
    String rendered = script.render(outputs);
    if (REWRITE) {
      if (!rendered.equals(text)) {
        Files.writeString(file, rendered, StandardCharsets.UTF_8);
      }
      return;
    }
    if (!mismatches.isEmpty()) {
      fail(mismatches + "(run with -Drefraft.rewrite=true to accept the actual output, then review the diff)");
    }
    if (!rendered.equals(text)) {
      fail(name + ": layout differs from the canonical form (run with -Drefraft.rewrite=true to normalize it)");
    }
  }

  private static String diff(String name, Script.Case c, List<String> actual) {
    StringBuilder sb = new StringBuilder(name + ":" + c.line() + ": output of '" + c.command() + "' differs\n");
    int n = Math.max(c.expected().size(), actual.size());
    for (int i = 0; i < n; i++) {
      String e = i < c.expected().size() ? c.expected().get(i) : null;
      String a = i < actual.size() ? actual.get(i) : null;
      if (e != null && e.equals(a)) {
        sb.append("   ").append(e).append('\n');
        continue;
      }
      if (e != null) {
        sb.append(" - ").append(e).append('\n');
      }
      if (a != null) {
        sb.append(" + ").append(a).append('\n');
      }
    }
    return sb.toString();
  }
}
