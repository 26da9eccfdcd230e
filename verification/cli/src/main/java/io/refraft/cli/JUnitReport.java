package io.refraft.cli;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Option;

/**
 * {@code --junit FILE}: a command's verdicts as a JUnit XML report in the schema Ant and Maven
 * Surefire write ({@code <testsuites><testsuite><testcase>}), which CI dashboards (GitHub, GitLab,
 * Jenkins) read. One test case per file, seed or run: a valid one passes, an invalid one carries a
 * {@code <failure>} with the explanation, an unknown one an {@code <error type="unknown">} (the
 * checker gave up: neither a pass nor a proven failure), and an input that could not be checked at
 * all (a missing or malformed file among several) an {@code <error type="error">}. The file is
 * replaced atomically, so a dashboard never reads half a report. A picocli mixin: the option and
 * its writer in one place.
 */
final class JUnitReport {
  @Option(names = "--junit", paramLabel = "FILE",
      description = "also write the verdicts as a JUnit XML report (one test case per file, seed or run) to FILE")
  Path file;

  private final List<Case> cases = new ArrayList<>();
  private final Instant started = Instant.now();

  /**
   * What one test case says; {@code detail} is the explanation a failure or error carries, and
   * {@code errorType} the type of an unknown case's {@code <error>}: "unknown", or "error" for an
   * input that could not be checked.
   */
  record Case(String name, Summary.Verdict verdict, double seconds, String message, String detail, String errorType) {
    Case(String name, Summary.Verdict verdict, double seconds, String message, String detail) {
      this(name, verdict, seconds, message, detail, "unknown");
    }
  }

  /** Fails before any work, exit 2, when FILE's directory is missing or not writable. */
  void checkWritable() {
    if (file == null) {
      return;
    }
    Path dir = file.toAbsolutePath().getParent();
    if (dir == null || !Files.isDirectory(dir)) {
      throw new UserError("--junit: directory " + dir + " does not exist");
    }
    if (!Files.isWritable(dir)) {
      throw new UserError("--junit: directory " + dir + " is not writable");
    }
    if (Files.isDirectory(file)) {
      throw new UserError("--junit: " + file + " is a directory");
    }
  }

  void add(Case c) {
    cases.add(c);
  }

  /** Writes the report when --junit was given; {@code suite} names the command, e.g. "refraft check". */
  void write(String suite) {
    if (file == null) {
      return;
    }
    try {
      writeAtomically(file, xml(suite, cases, started));
    } catch (IOException e) {
      throw new UserError("--junit: cannot write " + file + ": " + e.getMessage(), e);
    }
  }

  static String xml(String suite, List<Case> cases, Instant timestamp) {
    long failures = cases.stream().filter(c -> c.verdict() == Summary.Verdict.INVALID).count();
    long errors = cases.stream().filter(c -> c.verdict() == Summary.Verdict.UNKNOWN).count();
    double total = cases.stream().mapToDouble(Case::seconds).sum();
    String counts = String.format(Locale.ROOT, "tests=\"%d\" failures=\"%d\" errors=\"%d\" skipped=\"0\" time=\"%.3f\"",
        cases.size(), failures, errors, total);
    StringBuilder sb = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    sb.append("<testsuites name=").append(attr(suite)).append(' ').append(counts).append(">\n");
    sb.append("  <testsuite name=").append(attr(suite)).append(' ').append(counts).append(" timestamp=")
        .append(attr(timestamp.truncatedTo(ChronoUnit.SECONDS).toString().replace("Z", ""))).append(">\n");
    String classname = suite.replace(' ', '.');
    for (Case c : cases) {
      sb.append("    <testcase name=").append(attr(c.name())).append(" classname=").append(attr(classname))
          .append(String.format(Locale.ROOT, " time=\"%.3f\"", c.seconds()));
      switch (c.verdict()) {
        case VALID -> sb.append("/>\n");
        case INVALID -> sb.append(">\n      <failure type=\"invalid\" message=").append(attr(c.message())).append('>')
            .append(text(c.detail())).append("</failure>\n    </testcase>\n");
        case UNKNOWN -> sb.append(">\n      <error type=").append(attr(c.errorType())).append(" message=")
            .append(attr(c.message())).append('>')
            .append(text(c.detail())).append("</error>\n    </testcase>\n");
      }
    }
    return sb.append("  </testsuite>\n</testsuites>\n").toString();
  }

  private static String attr(String s) {
    return "\"" + text(s).replace("\"", "&quot;").replace("\n", "&#10;") + "\"";
  }

  /** XML character data: markup escaped, and the characters XML 1.0 cannot hold at all dropped. */
  private static String text(String s) {
    StringBuilder sb = new StringBuilder(s.length());
    s.codePoints().forEach(cp -> {
      switch (cp) {
        case '&' -> sb.append("&amp;");
        case '<' -> sb.append("&lt;");
        case '>' -> sb.append("&gt;");
        default -> {
          boolean legal = cp == '\t' || cp == '\n' || cp == '\r' || (cp >= 0x20 && cp <= 0xD7FF)
              || (cp >= 0xE000 && cp <= 0xFFFD) || cp >= 0x10000;
          if (legal) {
            sb.appendCodePoint(cp);
          }
        }
      }
    });
    return sb.toString();
  }

  /** Write to a temporary file beside the target, fsync, rename over it: never half a report. */
  static void writeAtomically(Path target, String content) throws IOException {
    Path dir = target.toAbsolutePath().getParent();
    Path tmp = Files.createTempFile(dir, ".refraft-junit-", ".tmp");
    try {
      Files.writeString(tmp, content, StandardCharsets.UTF_8);
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
        ch.force(true);
      }
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }
}
