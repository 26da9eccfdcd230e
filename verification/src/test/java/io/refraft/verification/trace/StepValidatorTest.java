package io.refraft.verification.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.refraft.traces.TraceReader;
import io.refraft.traces.TraceStep;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * {@link StepValidator} fed the decoded steps of each corpus trace in file order reaches the
 * verdict {@link TraceValidator#validateFile} reaches: valid, or the same first divergent line
 * and kind.
 */
class StepValidatorTest {
  private static final TraceValidator.Options OPTIONS = TraceValidator.Options.defaults();

  @Test
  void every_corpus_trace_gets_the_file_validators_verdict() throws Exception {
    List<Path> files;
    try (Stream<Path> s = Stream.concat(Files.list(TraceCorpusTest.CORPUS.resolve("valid")),
        Files.list(TraceCorpusTest.CORPUS.resolve("invalid")))) {
      files = s.filter(f -> f.toString().endsWith(".ndjson")).sorted().toList();
    }
    assertTrue(files.size() >= 25, "corpus found: " + files.size());
    int invalid = 0;
    for (Path f : files) {
      ValidationResult expected = new TraceValidator(OPTIONS).validateFile(f);
      ValidationResult online = stepByStep(f);
      assertEquals(expected.valid(), online.valid(), f.toString());
      assertEquals(expected.events(), online.events(), f.toString());
      assertEquals(line(expected.divergence()), line(online.divergence()), f.toString());
      assertEquals(expected.divergence().map(Divergence::kind), online.divergence().map(Divergence::kind),
          f.toString());
      invalid += expected.valid() ? 0 : 1;
    }
    assertTrue(invalid >= 15, "invalid cases compared: " + invalid);
  }

  private static ValidationResult stepByStep(Path f) throws IOException, io.refraft.traces.TraceFormatException {
    try (TraceReader r = TraceReader.open(f)) {
      StepValidator v = new StepValidator(r.header(), OPTIONS);
      for (TraceStep s = r.next(); s != null; s = r.next()) {
        if (!v.step(f.toString(), r.line(), s)) {
          break;
        }
      }
      return v.finish();
    }
  }

  private static Optional<Long> line(Optional<Divergence> d) {
    return d.map(Divergence::line);
  }
}
