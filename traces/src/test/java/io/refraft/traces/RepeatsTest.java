package io.refraft.traces;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Decoding a buffer of lines in place, where values that repeat the bytes of earlier ones are
 * reused ({@link Repeats}), gives exactly what the streaming reader gives: the same steps, or the
 * same first error at the same line with the same reason.
 */
class RepeatsTest {
  private static final String HEADER = "{\"format\":\"refraft-trace\",\"version\":1,\"nodes\":[\"n1\",\"n2\",\"n3\"],"
      + "\"config\":{\"preVote\":false,\"checkQuorum\":false,\"maxBatch\":64,\"leaderNoop\":false,\"eagerSend\":true},"
      + "\"source\":{\"implementation\":\"test\"}}";

  /** The steps read, and the error that ended the reading (null: none). */
  private record Outcome(List<TraceStep> steps, String error) {}

  private static Outcome streamed(byte[] file) throws IOException {
    List<TraceStep> out = new ArrayList<>();
    try (TraceReader r = new TraceReader("t.ndjson", new ByteArrayInputStream(file))) {
      for (TraceStep s = r.next(); s != null; s = r.next()) {
        out.add(s);
      }
      return new Outcome(out, null);
    } catch (TraceFormatException e) {
      return new Outcome(out, e.getMessage());
    }
  }

  /** As ParallelDecode reads: the header apart, the step lines in place, the order checked per step. */
  private static Outcome inPlace(byte[] file) throws IOException {
    int nl = 0;
    while (file[nl] != '\n') {
      nl++;
    }
    List<TraceStep> out = new ArrayList<>();
    try (TraceReader header = new TraceReader("t.ndjson", new ByteArrayInputStream(Arrays.copyOf(file, nl)))) {
      byte[] lines = Arrays.copyOfRange(file, nl + 1, file.length);
      try (TraceReader r = TraceReader.ofLines("t.ndjson", header.header(), lines, lines.length, 2)) {
        for (TraceStep s = r.next(); s != null; s = r.next()) {
          header.checkOrder(s, r.line());
          out.add(s);
        }
        return new Outcome(out, null);
      }
    } catch (TraceFormatException e) {
      return new Outcome(out, e.getMessage());
    }
  }

  private static void same(byte[] file, String what) throws IOException {
    assertEquals(streamed(file), inPlace(file), what);
  }

  private static List<Path> corpus() throws IOException {
    List<Path> files = new ArrayList<>();
    for (String dir : new String[] {"corpus/valid", "corpus/invalid"}) {
      try (Stream<Path> s = Files.list(Path.of(dir))) {
        s.filter(p -> p.toString().endsWith(".ndjson")).sorted().forEach(files::add);
      }
    }
    return files;
  }

  @Test
  void every_corpus_file_decodes_in_place_to_the_same_steps() throws IOException {
    List<Path> files = corpus();
    assertTrue(files.size() > 20, "the corpus is in traces/corpus");
    for (Path f : files) {
      same(Files.readAllBytes(f), f.toString());
    }
  }

  @Test
  void a_value_that_repeats_a_prefix_and_then_differs_is_decoded_in_full() throws IOException {
    String send = "{\"id\":\"n1/n2/1\",\"type\":\"AppendEntriesRequest\",\"from\":\"n1\",\"to\":\"n2\",\"term\":1,"
        + "\"prevLogIndex\":0,\"prevLogTerm\":0,\"entries\":[{\"term\":1,\"type\":\"Data\",\"data\":\"AQI=\"}],"
        + "\"leaderCommit\":0}";
    String state = "{\"term\":1,\"vote\":\"n1\",\"role\":\"Follower\",\"commitIndex\":0,\"lastLogIndex\":1,"
        + "\"lastLogTerm\":1,\"leader\":\"n1\"}";
    String persisted = "{\"log\":{\"from\":1,\"entries\":[{\"term\":1,\"type\":\"Data\",\"data\":\"AQI=\"}]}}";
    List<String> lines = List.of(
        step("n1", 1, "{\"type\":\"ClientPropose\",\"payloads\":[{\"type\":\"Data\",\"data\":\"AQI=\"}]}",
            state.replace("Follower", "Leader").replace("\"leader\":\"n1\"", "\"leader\":\"n1\""), persisted,
            "[" + send + "," + send.replace("n1/n2/1", "n1/n3/2").replace("\"to\":\"n2\"", "\"to\":\"n3\"") + "]"),
        // the receive repeats the send; its state and persisted record repeat nothing yet
        step("n2", 1, "{\"type\":\"MessageReceived\",\"message\":" + send + "}", state, persisted, "[]"),
        // same bytes up to the entries' data, then other data: decoded, not reused
        step("n3", 1, "{\"type\":\"MessageReceived\",\"message\":"
            + send.replace("n1/n2/1", "n1/n3/2").replace("\"to\":\"n2\"", "\"to\":\"n3\"") + "}",
            state.replace("\"leader\":\"n1\"}", "\"leader\":null}"), persisted.replace("AQI=", "AQM="), "[]"),
        // an extension field after the repeated bytes of the send: the prefix ends in '}' where this has ','
        step("n2", 2, "{\"type\":\"MessageReceived\",\"message\":" + send.replace("n1/n2/1", "n1/n2/3")
            .replace("\"leaderCommit\":0}", "\"leaderCommit\":0,\"x-note\":1}") + "}", state, persisted, "[]"));
    String text = HEADER + "\n" + String.join("\n", lines) + "\n";
    Outcome o = inPlace(text.getBytes(StandardCharsets.UTF_8));
    assertEquals(streamed(text.getBytes(StandardCharsets.UTF_8)), o);
    assertEquals(4, o.steps().size(), String.valueOf(o.error()));
    assertFalse(o.steps().get(2).persisted().equals(o.steps().get(1).persisted()), "other data, another record");
  }

  private static String step(String node, long seq, String input, String state, String persisted, String sent) {
    return "{\"node\":\"" + node + "\",\"seq\":" + seq + ",\"input\":" + input + ",\"state\":" + state
        + ",\"persisted\":" + persisted + ",\"sent\":" + sent + "}";
  }

  /**
   * Seeded: one byte of a step line of a corpus file changed (to a byte that JSON or the format
   * gives meaning to), both readers: the same steps and the same error. Most changes make the line
   * malformed; some change a value that an earlier line had, so it is no longer a repeat.
   */
  @Test
  void a_changed_byte_gives_the_same_outcome_in_place_and_streamed() throws IOException {
    long seed = Long.getLong("refraft.seed", System.nanoTime());
    System.out.println("RepeatsTest seed=" + seed + " (rerun: -Drefraft.seed=" + seed + ")");
    Random rnd = new Random(seed);
    List<Path> files = corpus();
    byte[] alphabet = "{}[]\",:0123456789nt-x \\".getBytes(StandardCharsets.UTF_8);
    for (int round = 0; round < 400; round++) {
      Path f = files.get(rnd.nextInt(files.size()));
      byte[] b = Files.readAllBytes(f);
      int headerEnd = 0;
      while (b[headerEnd] != '\n') {
        headerEnd++;
      }
      if (b.length - headerEnd < 3) {
        continue;
      }
      int at = headerEnd + 1 + rnd.nextInt(b.length - headerEnd - 1);
      b[at] = alphabet[rnd.nextInt(alphabet.length)];
      same(b, f + " with byte " + at + " changed (seed " + seed + ")");
    }
  }
}
