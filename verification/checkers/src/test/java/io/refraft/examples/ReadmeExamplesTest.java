package io.refraft.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The code blocks of the checkers README's "Library API" section are the tests' code: each block
 * marked {@code <!-- example: NAME -->} equals, line for line (indentation aside), the lines between
 * {@code // README: NAME} and {@code // README: end} in {@link LibraryExamplesTest} or
 * {@link RaftImplementationTraceTest}, which compile and run. So a README example cannot rot.
 */
class ReadmeExamplesTest {
  private static final Path README = Path.of("README.md");
  private static final Path SOURCES = Path.of("src", "test", "java", "io", "refraft", "examples");
  private static final Pattern BLOCK = Pattern.compile("<!-- example: ([a-z-]+) -->\\n```java\\n(.*?)\\n```",
      Pattern.DOTALL);

  @Test
  void every_readme_example_is_the_code_of_a_test() throws IOException {
    Map<String, List<String>> inTests = new LinkedHashMap<>();
    for (String test : List.of("LibraryExamplesTest.java", "RaftImplementationTraceTest.java")) {
      inTests.putAll(marked(Files.readAllLines(SOURCES.resolve(test))));
    }
    Matcher m = BLOCK.matcher(Files.readString(README));
    List<String> shown = new ArrayList<>();
    while (m.find()) {
      String name = m.group(1);
      shown.add(name);
      assertTrue(inTests.containsKey(name), "README example '" + name + "' has no '// README: " + name + "' in a test");
      assertEquals(inTests.get(name), stripped(m.group(2).lines().toList()),
          "README example '" + name + "' differs from its test's code");
    }
    assertEquals(List.copyOf(inTests.keySet()).stream().sorted().toList(), shown.stream().sorted().toList(),
        "every marked example is shown once in the README");
  }

  private static Map<String, List<String>> marked(List<String> lines) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    String name = null;
    List<String> body = new ArrayList<>();
    for (String line : lines) {
      String t = line.strip();
      if (t.equals("// README: end")) {
        out.put(name, stripped(body));
        name = null;
        body = new ArrayList<>();
      } else if (t.startsWith("// README: ")) {
        name = t.substring("// README: ".length());
      } else if (name != null) {
        body.add(line);
      }
    }
    return out;
  }

  private static List<String> stripped(List<String> lines) {
    return lines.stream().map(String::strip).toList();
  }
}
