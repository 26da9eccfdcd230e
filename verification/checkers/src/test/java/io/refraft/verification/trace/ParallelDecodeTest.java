package io.refraft.verification.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.refraft.traces.TraceFormatException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A trace decoded in chunks on several threads (as files of 4 MiB and more are) gets the verdict
 * the one-thread reader gives: the same events and first divergence, or the same malformed-input
 * error. Small chunks put sends and their receives in different chunks, where a receive is decoded
 * in full instead of reusing its send.
 */
class ParallelDecodeTest {
  private static final TraceValidator VALIDATOR = new TraceValidator(TraceValidator.Options.defaults());

  /** The verdict in words: events and divergence, or the error. */
  private static String verdict(Path f, int chunk) throws IOException {
    try {
      ValidationResult r = chunk == 0 ? VALIDATOR.validateFile(f) : VALIDATOR.validateInChunks(f, 2, chunk);
      return r.events() + " events, " + r.divergence().map(Divergence::toString).orElse("valid");
    } catch (TraceFormatException e) {
      return "malformed: " + e.getMessage();
    }
  }

  private static List<Path> corpus() throws IOException {
    List<Path> files = new ArrayList<>(TraceCorpusTest.files("valid"));
    files.addAll(TraceCorpusTest.files("invalid"));
    return files;
  }

  @Test
  void every_corpus_trace_gets_the_same_verdict_in_chunks() throws IOException {
    List<Path> files = corpus();
    assertTrue(files.size() > 20, "the corpus is in traces/corpus");
    for (Path f : files) {
      String whole = verdict(f, 0);
      for (int chunk : new int[] {1, 700, 4096, ParallelDecode.CHUNK}) {
        assertEquals(whole, verdict(f, chunk), f + " in chunks of " + chunk + " bytes");
      }
    }
  }

  /** Found by the seeded test below (seed 24930399201617): the header line was read without its newline. */
  @Test
  void a_header_broken_inside_its_line_is_not_reported_as_a_truncated_file(@TempDir Path tmp) throws IOException {
    Path from = corpus().get(0);
    byte[] b = Files.readAllBytes(from);
    int end = 0;
    while (b[end] != '\n') {
      end++;
    }
    int inside = end / 2;
    while (b[inside] != '"') { // at a string's quote, so the line now ends inside a string
      inside++;
    }
    b[inside + 1] = '\n';
    Path f = tmp.resolve("broken-header.ndjson");
    Files.write(f, b);
    String whole = verdict(f, 0);
    assertTrue(whole.contains("does not end on its line"), whole);
    assertEquals(whole, verdict(f, 700));
  }

  /** Seeded: a corpus trace with one byte changed, mostly malformed at some line: the same error either way. */
  @Test
  void a_changed_byte_gets_the_same_verdict_in_chunks(@TempDir Path tmp) throws IOException {
    long seed = Long.getLong("refraft.seed", System.nanoTime());
    System.out.println("ParallelDecodeTest seed=" + seed + " (rerun: -Drefraft.seed=" + seed + ")");
    Random rnd = new Random(seed);
    List<Path> files = corpus();
    byte[] alphabet = "{}[]\",:0123456789nt-x \\\n".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    Path f = tmp.resolve("changed.ndjson");
    for (int round = 0; round < 60; round++) {
      Path from = files.get(rnd.nextInt(files.size()));
      byte[] b = Files.readAllBytes(from);
      int at = rnd.nextInt(b.length);
      b[at] = alphabet[rnd.nextInt(alphabet.length)];
      Files.write(f, b);
      String whole = verdict(f, 0).replace(f.toString(), "F");
      assertEquals(whole, verdict(f, 1 + rnd.nextInt(2048)).replace(f.toString(), "F"),
          from + " with byte " + at + " changed (seed " + seed + ")");
    }
  }
}
