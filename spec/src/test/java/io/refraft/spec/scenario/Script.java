package io.refraft.spec.scenario;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A scenario script: commands, each followed by a {@code ----} line and the output expected of it,
 * which runs to the next blank line (so expected output never contains a blank line). Lines
 * starting with {@code #} and blank lines before a command are kept as they are when the script
 * is rewritten.
 *
 * <pre>
 * # a comment
 * timeout n1
 * ----
 * n1 ElectionTimeout
 *   ...
 * </pre>
 *
 * @param name     the file name, for messages
 * @param cases    the commands in order
 * @param trailer  comment and blank lines after the last case
 */
record Script(String name, List<Case> cases, List<String> trailer) {
  Script {
    Objects.requireNonNull(name, "name");
    cases = List.copyOf(cases);
    trailer = List.copyOf(trailer);
  }

  /**
   * One command and what it is expected to print.
   *
   * @param leading  comment and blank lines before the command, verbatim
   * @param command  the command line
   * @param line     the command's 1-based line number in the file
   * @param expected the expected output lines
   */
  record Case(List<String> leading, String command, int line, List<String> expected) {
    Case {
      leading = List.copyOf(leading);
      expected = List.copyOf(expected);
    }
  }

  /** Parses {@code text}; a malformed script is reported with its file name and line. */
  static Script parse(String name, String text) {
    List<String> lines = text.lines().toList();
    List<Case> cases = new ArrayList<>();
    List<String> leading = new ArrayList<>();
    int i = 0;
    while (i < lines.size()) {
      String line = lines.get(i);
      if (line.isBlank() || line.startsWith("#")) {
        leading.add(line);
        i++;
        continue;
      }
      if (line.equals("----")) {
        throw new ScriptError(name, i + 1, "'----' without a command before it");
      }
      int commandLine = i + 1;
      if (i + 1 >= lines.size() || !lines.get(i + 1).equals("----")) {
        throw new ScriptError(name, commandLine, "expected a '----' line after the command '" + line.strip() + "'");
      }
      i += 2;
      List<String> expected = new ArrayList<>();
      while (i < lines.size() && !lines.get(i).isBlank()) {
        expected.add(lines.get(i));
        i++;
      }
      cases.add(new Case(leading, line.strip(), commandLine, expected));
      leading = new ArrayList<>();
    }
    return new Script(name, cases, leading);
  }

  /** The script with each case's expected output replaced by {@code outputs} (one list per case). */
  String render(List<List<String>> outputs) {
    if (outputs.size() != cases.size()) {
      throw new IllegalArgumentException(outputs.size() + " outputs for " + cases.size() + " cases");
    }
    StringBuilder sb = new StringBuilder();
    for (int k = 0; k < cases.size(); k++) {
      Case c = cases.get(k);
      if (k > 0 && (c.leading().isEmpty() || !c.leading().get(0).isBlank())) {
        sb.append('\n'); // a case's output ends at a blank line
      }
      for (String l : c.leading()) {
        sb.append(l).append('\n');
      }
      sb.append(c.command()).append('\n').append("----\n");
      for (String l : outputs.get(k)) {
        sb.append(l).append('\n');
      }
    }
    if (!trailer.isEmpty() && !trailer.get(0).isBlank()) {
      sb.append('\n');
    }
    for (String l : trailer) {
      sb.append(l).append('\n');
    }
    return sb.toString();
  }

  /** A script that cannot be parsed or run, naming the file and line. */
  static final class ScriptError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    ScriptError(String file, int line, String message) {
      super(file + ":" + line + ": " + message);
    }
  }
}
