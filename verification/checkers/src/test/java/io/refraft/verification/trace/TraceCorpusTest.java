package io.refraft.verification.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.refraft.verification.trace.CorpusGenerator.Case;
import io.refraft.verification.trace.CorpusGenerator.Expected;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Replays traces/corpus on every build: each valid trace validates; each invalid trace diverges
 * first at the line and with the kind its {@code .expected} names. Also checks the corpus is what
 * {@link CorpusGenerator} generates, so it stays reproducible.
 */
class TraceCorpusTest {
  static final Path CORPUS = Path.of("..", "..", "traces", "corpus");

  /** The corpus's {@code .ndjson} files in {@code sub} ({@code valid} or {@code invalid}), sorted. */
  static List<Path> files(String sub) throws IOException {
    try (Stream<Path> s = Files.list(CORPUS.resolve(sub))) {
      return s.filter(p -> p.toString().endsWith(".ndjson")).sorted().toList();
    }
  }

  @Test
  void corpus_has_enough_cases() throws IOException {
    assertTrue(files("valid").size() >= 10, "valid traces: " + files("valid").size());
    assertTrue(files("invalid").size() >= 15, "invalid traces: " + files("invalid").size());
  }

  @TestFactory
  List<DynamicTest> valid_traces_validate() throws IOException {
    List<DynamicTest> out = new ArrayList<>();
    for (Path f : files("valid")) {
      out.add(DynamicTest.dynamicTest(f.getFileName().toString(), () -> {
        ValidationResult r = new TraceValidator(TraceValidator.Options.defaults()).validateFile(f);
        assertTrue(r.valid(), () -> r.divergence().get().explain());
        assertTrue(r.events() > 0);
      }));
    }
    return out;
  }

  @TestFactory
  List<DynamicTest> invalid_traces_diverge_where_expected() throws IOException {
    List<DynamicTest> out = new ArrayList<>();
    for (Path f : files("invalid")) {
      out.add(DynamicTest.dynamicTest(f.getFileName().toString(), () -> {
        Path side = Path.of(f.toString().replace(".ndjson", ".expected"));
        Expected e = Expected.parse(Files.readString(side, StandardCharsets.UTF_8));
        ValidationResult r = new TraceValidator(TraceValidator.Options.defaults()).validateFile(f);
        assertTrue(r.divergence().isPresent(), f + " validated, but " + e.bug());
        Divergence d = r.divergence().get();
        assertEquals(e.line(), d.line(), d.explain());
        assertEquals(e.kind(), d.kind(), d.explain());
      }));
    }
    return out;
  }

  @Test
  void corpus_on_disk_is_what_the_generator_writes() throws IOException {
    for (Case c : CorpusGenerator.all()) {
      Path dir = CORPUS.resolve(c.expected().isPresent() ? "invalid" : "valid");
      Path f = dir.resolve(c.name() + ".ndjson");
      assertTrue(Files.exists(f), f + " is missing: run CorpusGenerator (see its Javadoc)");
      assertEquals(c.text(), Files.readString(f, StandardCharsets.UTF_8),
          f + " differs from the generator's output: run CorpusGenerator (see its Javadoc)");
      if (c.expected().isPresent()) {
        assertEquals(c.expected().get().sidecar(),
            Files.readString(Path.of(f.toString().replace(".ndjson", ".expected")), StandardCharsets.UTF_8));
      }
    }
  }

}
