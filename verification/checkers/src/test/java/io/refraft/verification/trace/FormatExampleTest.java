package io.refraft.verification.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The worked example in traces/FORMAT.md is the corpus file it names, and it validates. */
class FormatExampleTest {
  private static final String BEGIN = "<!-- BEGIN EXAMPLE traces/corpus/valid/election-and-replication-3.ndjson -->";

  @Test
  void the_format_example_is_the_corpus_file_and_is_valid(@TempDir Path tmp) throws Exception {
    String doc = Files.readString(Path.of("..", "..", "traces", "FORMAT.md"), StandardCharsets.UTF_8);
    int b = doc.indexOf(BEGIN);
    assertTrue(b >= 0, "FORMAT.md has the example block");
    int open = doc.indexOf("```json\n", b) + "```json\n".length();
    int close = doc.indexOf("```\n<!-- END EXAMPLE -->", open);
    String example = doc.substring(open, close);
    assertEquals(Files.readString(TraceCorpusTest.CORPUS.resolve("valid/election-and-replication-3.ndjson"),
        StandardCharsets.UTF_8), example, "FORMAT.md's example differs from the corpus file: paste it again");
    Path f = tmp.resolve("example.ndjson");
    Files.writeString(f, example, StandardCharsets.UTF_8);
    ValidationResult r = new TraceValidator(TraceValidator.Options.defaults()).validateFile(f);
    assertTrue(r.valid(), () -> r.divergence().get().explain());
    assertEquals(23, r.events());
    assertEquals(3, r.nodes());
  }
}
