package io.refraft.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The Markdown files quote only what exists. In fenced and inline code of every {@code *.md} file of
 * the repository: each {@code bin/refraft ...} or {@code java -jar refraft.jar ...} command line
 * names a real subcommand path and only options of that command (checked against picocli's model of {@link Main#commandLine()}; nothing
 * is run); each {@code bin/refraft-tool NAME} names a tool of {@code bin/refraft-tool}; each quoted
 * script path ({@code impl/*.sh}, {@code bin/*}, {@code .ci/*}) exists. And each relative link
 * points at a file inside the repository, and its anchor, if any, at a heading of that file.
 */
class DocCommandsTest {
  /** The repository root, from this module's working directory (verification/cli). */
  private static final Path ROOT = Path.of("../..").toAbsolutePath().normalize();
  private static final Pattern INLINE_CODE = Pattern.compile("`([^`]+)`");
  private static final Pattern LINK = Pattern.compile("\\]\\(([^)\\s]+)\\)");
  private static final Pattern LONG_OPTION = Pattern.compile("--(\\[no-])?([A-Za-z][A-Za-z0-9-]*)");
  private static final Pattern SCRIPT = Pattern.compile("(?<![\\w./-])((?:bin|impl|\\.ci)/[A-Za-z0-9_./-]+)");
  private static final Pattern SUBCOMMAND = Pattern.compile("[a-z][a-z0-9-]*(\\|[a-z][a-z0-9-]*)*");

  @Test
  void every_quoted_command_option_tool_script_and_link_exists() throws IOException {
    List<Path> docs;
    try (Stream<Path> s = Files.walk(ROOT)) {
      docs = s.filter(p -> p.toString().endsWith(".md") && !skipped(ROOT.relativize(p))).sorted().toList();
    }
    Checker checker = new Checker();
    for (Path doc : docs) {
      checker.scan(doc, Files.readString(doc, StandardCharsets.UTF_8));
    }
    assertEquals("", String.join("\n", checker.problems), checker.problems.size() + " problems in " + docs.size()
        + " Markdown files");
    // Guard against a vacuous pass: the scan must have found the READMEs' commands.
    assertTrue(docs.size() >= 10 && checker.commands >= 50 && checker.tools >= 5 && checker.scripts >= 10
            && checker.links >= 30,
        docs.size() + " files, " + checker.commands + " commands, " + checker.tools + " tools, " + checker.scripts
            + " scripts, " + checker.links + " links");
  }

  /** Every command and subcommand answers {@code --help} with its usage and exit 0 (kv's subcommands once did not). */
  @Test
  void every_command_answers_help() {
    List<String> failed = new ArrayList<>();
    int[] checked = {0};
    helpOf(Main.commandLine(), new ArrayList<>(), failed, checked);
    assertEquals(List.of(), failed, "commands whose --help does not exit 0");
    assertTrue(checked[0] > 15, "only " + checked[0] + " commands found");
  }

  private static void helpOf(CommandLine c, List<String> path, List<String> failed, int[] checked) {
    for (Map.Entry<String, CommandLine> e : c.getSubcommands().entrySet()) {
      if (e.getValue().getCommandSpec().aliases().length > 0 && !e.getKey().equals(e.getValue().getCommandName())) {
        continue;
      }
      List<String> args = new ArrayList<>(path);
      args.add(e.getKey());
      if (!e.getKey().equals("help")) {
        args.add("--help");
        java.io.StringWriter out = new java.io.StringWriter();
        int rc = Main.run(args.toArray(String[]::new), new java.io.PrintWriter(out), new java.io.PrintWriter(out));
        checked[0]++;
        if (rc != 0 || !out.toString().contains("Usage: refraft")) {
          failed.add(String.join(" ", args) + " -> exit " + rc);
        }
        args.remove(args.size() - 1);
      }
      helpOf(e.getValue(), args, failed, checked);
    }
  }

  @Test
  void a_missing_command_option_tool_script_link_or_anchor_is_reported() {
    String doc = """
        # Title

        ```
        bin/refraft simulate --seeds 10 --no-such-option 1   # an option simulate lacks
        bin/refraft spec chek
        bin/refraft-tool no-such-tool
        impl/no-such-script.sh 20
        java -jar refraft.jar check --junitt r.xml FILE
        ```

        Also `bin/refraft kv get\\|nope --endpoints URL`, [a file](no-such-file.md), [an anchor](#no-such-heading)
        and [a way out](../outside.md). Fine: `bin/refraft verify-trace --run DIR`, [here](#title).
        """;
    Checker checker = new Checker();
    checker.scan(ROOT.resolve("README.md"), doc);
    List<String> expected = List.of("--no-such-option", "refraft spec chek", "no-such-tool", "impl/no-such-script.sh",
        "--junitt", "refraft kv nope", "no-such-file.md", "#no-such-heading", "../outside.md");
    assertEquals(expected.size(), checker.problems.size(), String.join("\n", checker.problems));
    for (int i = 0; i < expected.size(); i++) {
      assertTrue(checker.problems.get(i).contains(expected.get(i)), checker.problems.get(i) + " should name "
          + expected.get(i));
    }
  }

  private static boolean skipped(Path relative) {
    for (Path part : relative) {
      String name = part.toString();
      if (name.equals("target") || name.startsWith(".") || name.equals("node_modules")) {
        return true;
      }
    }
    return false;
  }

  /** Scans Markdown texts and collects what they quote that does not exist. */
  private static final class Checker {
    final List<String> problems = new ArrayList<>();
    final CommandLine cli = Main.commandLine();
    final Set<String> toolNames = toolNames();
    final Map<Path, Set<String>> anchors = new HashMap<>();
    int commands;
    int tools;
    int scripts;
    int links;

    void scan(Path file, String text) {
      String where = ROOT.relativize(file).toString();
      anchors.put(file, anchorsOf(text)); // a link to this file's own headings sees the text scanned
      String[] lines = text.split("\n", -1);
      List<String> code = new ArrayList<>();
      StringBuilder paragraph = new StringBuilder();
      List<Integer> starts = new ArrayList<>(); // where each line of the paragraph starts in it
      int paragraphLine = 0;
      boolean fenced = false;
      for (int i = 0; i < lines.length; i++) {
        String line = lines[i];
        if (line.strip().startsWith("```")) {
          if (fenced) {
            codeBlock(where, i + 1 - code.size(), code);
            code.clear();
          }
          fenced = !fenced;
          continue;
        }
        if (fenced) {
          code.add(line);
        } else if (line.isBlank()) {
          prose(file, where, paragraphLine, starts, paragraph.toString());
          paragraph.setLength(0);
          starts.clear();
        } else {
          if (paragraph.isEmpty()) {
            paragraphLine = i + 1;
          }
          starts.add(paragraph.length());
          paragraph.append(line).append(' ');
        }
      }
      prose(file, where, paragraphLine, starts, paragraph.toString());
    }

    /** Lines of a fenced block; a trailing backslash, or an indented line after a command, continues it. */
    private void codeBlock(String where, int firstLine, List<String> lines) {
      StringBuilder logical = new StringBuilder();
      int logicalLine = firstLine;
      for (int k = 0; k < lines.size(); k++) {
        String line = lines.get(k);
        boolean continues = !logical.isEmpty()
            && (logical.toString().endsWith("\\ ") || (line.startsWith(" ") && logical.indexOf("bin/refraft ") >= 0));
        if (!continues && !logical.isEmpty()) {
          quoted(where + ":" + logicalLine, logical.toString());
          logical.setLength(0);
        }
        if (logical.isEmpty()) {
          logicalLine = firstLine + k;
        }
        logical.append(line.endsWith("\\") ? line.substring(0, line.length() - 1) + "\\ " : line + " ");
      }
      if (!logical.isEmpty()) {
        quoted(where + ":" + logicalLine, logical.toString());
      }
    }

    /**
     * A paragraph or table of prose, its lines joined (an inline code span may wrap): its inline code,
     * then its links outside code. Code spans are replaced by as many x's, so offsets stay the same.
     */
    private void prose(Path file, String where, int firstLine, List<Integer> starts, String text) {
      Matcher m = INLINE_CODE.matcher(text);
      StringBuilder withoutCode = new StringBuilder(text);
      while (m.find()) {
        quoted(where + ":" + line(firstLine, starts, m.start()), m.group(1).replace("\\|", "|")); // escaped in tables
        for (int k = m.start(); k < m.end(); k++) {
          withoutCode.setCharAt(k, 'x');
        }
      }
      Matcher link = LINK.matcher(withoutCode);
      while (link.find()) {
        link(file, where + ":" + line(firstLine, starts, link.start()), link.group(1));
      }
    }

    private static int line(int firstLine, List<Integer> starts, int offset) {
      int n = 0;
      while (n + 1 < starts.size() && starts.get(n + 1) <= offset) {
        n++;
      }
      return firstLine + n;
    }

    private void quoted(String where, String code) {
      for (int at = code.indexOf("bin/refraft"); at >= 0; at = code.indexOf("bin/refraft", at + 1)) {
        int end = at + "bin/refraft".length();
        char before = at == 0 ? ' ' : code.charAt(at - 1);
        if ("/._-".indexOf(before) < 0 && !Character.isLetterOrDigit(before)) {
          if (code.startsWith("-tool", end)) {
            tool(where, tokens(code.substring(end + "-tool".length())));
          } else if (end == code.length() || Character.isWhitespace(code.charAt(end))) {
            command(where, tokens(code.substring(end)));
          }
        }
      }
      // the runnable jar's command line is bin/refraft's (docs/ci)
      String jar = "java -jar refraft.jar ";
      for (int at = code.indexOf(jar); at >= 0; at = code.indexOf(jar, at + 1)) {
        command(where, tokens(code.substring(at + jar.length() - 1)));
      }
      Matcher m = SCRIPT.matcher(code);
      while (m.find()) {
        String path = m.group(1).replaceAll("[.,]+$", "");
        if (path.startsWith("bin/") || path.startsWith(".ci/") || path.endsWith(".sh")) {
          scripts++;
          if (!Files.exists(ROOT.resolve(path))) {
            problems.add(where + ": no script " + path);
          }
        }
      }
    }

    /** The words of a command line up to a comment, a pipe, a redirection or the end of the command. */
    private static List<String> tokens(String rest) {
      List<String> out = new ArrayList<>();
      int depth = 0;
      for (String t : rest.strip().split("\\s+")) {
        if (t.isEmpty()) {
          continue;
        }
        if (t.startsWith("#") || t.equals("&&") || t.equals(";") || t.startsWith(">") || t.startsWith("2>")
            || (t.equals("|") && depth == 0)) {
          break;
        }
        depth += count(t, '[') - count(t, ']');
        out.add(t);
        if (t.endsWith(";") || t.endsWith(")") && depth == 0 && count(t, '(') < count(t, ')')) {
          break;
        }
      }
      return out;
    }

    private static int count(String s, char c) {
      return (int) s.chars().filter(x -> x == c).count();
    }

    private void command(String where, List<String> words) {
      commands++;
      List<CommandLine> current = List.of(cli);
      String path = "refraft";
      int i = 0;
      for (; i < words.size(); i++) {
        String w = words.get(i).replaceAll("[);,]+$", "");
        boolean expectsSubcommand = current.stream().noneMatch(c -> c.getSubcommands().isEmpty());
        if (!expectsSubcommand || !SUBCOMMAND.matcher(w).matches()) {
          break;
        }
        List<CommandLine> next = new ArrayList<>();
        for (String alternative : w.split("\\|")) {
          for (CommandLine c : current) {
            CommandLine sub = c.getSubcommands().get(alternative);
            if (sub == null) {
              problems.add(where + ": no command '" + path + " " + alternative + "'");
            } else {
              next.add(sub);
            }
          }
        }
        if (next.isEmpty()) {
          return;
        }
        current = next;
        path += " " + w;
      }
      options(where, current, words.subList(i, words.size()));
    }

    /** Every long option among {@code words} must be one of each command's (a negatable one either way). */
    private void options(String where, List<CommandLine> commands, List<String> words) {
      boolean quoted = false; // inside a quoted value: options there are another program's
      for (String w : words) {
        if (quoted || w.startsWith("\"") || w.startsWith("'")) {
          boolean closes = w.endsWith("\"") || w.endsWith("'");
          quoted = quoted ? !closes : !(w.length() > 1 && closes);
          continue;
        }
        String bare = w.replaceFirst("^[\\[(]+", "");
        if (!bare.startsWith("--")) {
          continue;
        }
        Matcher m = LONG_OPTION.matcher(bare);
        while (m.find()) {
          List<String> names = m.group(1) == null ? List.of("--" + m.group(2))
              : List.of("--" + m.group(2), "--no-" + m.group(2));
          for (String name : names) {
            for (CommandLine c : commands) {
              if (!hasOption(c.getCommandSpec(), name)) {
                problems.add(where + ": '" + c.getCommandSpec().qualifiedName() + "' has no option " + name);
              }
            }
          }
        }
      }
    }

    private static boolean hasOption(CommandSpec spec, String name) {
      if (spec.findOption(name) != null) {
        return true;
      }
      for (OptionSpec o : spec.options()) {
        if (o.negatable()) {
          for (String n : o.names()) {
            if (spec.negatableOptionTransformer().makeNegative(n, spec).equals(name)) {
              return true;
            }
          }
        }
      }
      return false;
    }

    private void tool(String where, List<String> words) {
      tools++;
      if (!words.isEmpty() && SUBCOMMAND.matcher(words.get(0)).matches() && !toolNames.contains(words.get(0))) {
        problems.add(where + ": bin/refraft-tool has no tool " + words.get(0) + " (tools: " + toolNames + ")");
      }
    }

    private void link(Path file, String where, String target) {
      if (target.contains("://") || target.startsWith("mailto:")) {
        return;
      }
      links++;
      int hash = target.indexOf('#');
      String path = hash < 0 ? target : target.substring(0, hash);
      Path resolved = path.isEmpty() ? file : file.getParent().resolve(path).normalize();
      if (!resolved.startsWith(ROOT)) {
        problems.add(where + ": link " + target + " points outside the repository");
      } else if (!Files.exists(resolved)) {
        problems.add(where + ": link " + target + " names no file");
      } else if (hash >= 0 && resolved.toString().endsWith(".md")
          && !anchors.computeIfAbsent(resolved, p -> anchorsOf(read(p))).contains(target.substring(hash + 1))) {
        problems.add(where + ": link " + target + " names no heading of " + ROOT.relativize(resolved));
      }
    }

    /** GitHub's heading anchors: lower case, punctuation dropped, spaces as hyphens, repeats numbered. */
    private static Set<String> anchorsOf(String markdown) {
      Set<String> out = new HashSet<>();
      Map<String, Integer> seen = new HashMap<>();
      boolean fenced = false;
      for (String line : markdown.split("\n")) {
        fenced ^= line.strip().startsWith("```");
        if (!fenced && line.matches("#{1,6} .*")) {
          String slug = line.replaceFirst("^#+ ", "").replaceAll("\\s+#+\\s*$", "").strip()
              .toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N} _-]", "").replace(' ', '-');
          int n = seen.merge(slug, 1, Integer::sum);
          out.add(n == 1 ? slug : slug + "-" + (n - 1));
        }
      }
      return out;
    }

    private static String read(Path p) {
      try {
        return Files.readString(p, StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    /** The names between bin/refraft-tool's marker lines: the first word of each tool's line. */
    private static Set<String> toolNames() {
      Set<String> names = new TreeSet<>();
      boolean in = false;
      for (String line : read(ROOT.resolve("bin/refraft-tool")).split("\n")) {
        if (line.equals("# tools:end")) {
          break;
        }
        if (in && !line.isBlank()) {
          names.add(line.strip().split("\\s+")[0]);
        }
        in |= line.equals("# tools:begin");
      }
      if (names.isEmpty()) {
        throw new AssertionError("no tools between the marker lines of bin/refraft-tool");
      }
      return names;
    }
  }
}
