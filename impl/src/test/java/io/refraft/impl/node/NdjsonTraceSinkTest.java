package io.refraft.impl.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.refraft.spec.Config;
import io.refraft.spec.NodeId;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NdjsonTraceSinkTest {
  private static final Config CONFIG = Config.ofSize(3);
  private static final NodeId N1 = NodeId.of("n1");

  @TempDir Path dir;

  @Test
  void lines_reach_the_file_only_at_the_end_of_a_turn() throws IOException {
    Path file = dir.resolve("n1.trace.ndjson");
    try (NdjsonTraceSink sink = NdjsonTraceSink.open(file, CONFIG, N1, "test")) {
      long header = Files.size(file);
      TraceSinkSteps.restartAndTimeOut(sink, CONFIG, N1);
      assertEquals(header, Files.size(file), "nothing written before endTurn");
      sink.endTurn();
      assertEquals(3, Files.readAllLines(file).size());
    }
    List<String> lines = Files.readAllLines(file);
    assertTrue(lines.get(0).startsWith("{\"format\":\"refraft-trace\""), lines.get(0));
    assertTrue(lines.get(2).contains("\"sent\":[{\"id\":\"n1/n2/1\""), "the election's first request is n1/n2/1: "
        + lines.get(2));
  }

  @Test
  void a_restarted_node_continues_the_file_after_cutting_a_torn_line() throws IOException {
    Path file = dir.resolve("n1.trace.ndjson");
    try (NdjsonTraceSink sink = NdjsonTraceSink.open(file, CONFIG, N1, "test")) {
      TraceSinkSteps.restartAndTimeOut(sink, CONFIG, N1);
    }
    Files.writeString(file, "{\"node\":\"n1\",\"seq\":3,\"inp", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
    try (NdjsonTraceSink sink = NdjsonTraceSink.open(file, CONFIG, N1, "test")) {
      TraceSinkSteps.restartAndTimeOut(sink, CONFIG, N1);
    }
    List<String> lines = Files.readAllLines(file);
    assertEquals(5, lines.size(), "one header, four steps, no torn line: " + lines);
    for (int i = 1; i <= 4; i++) {
      assertTrue(lines.get(i).startsWith("{\"node\":\"n1\",\"seq\":" + i + ","), lines.get(i));
    }
    assertEquals(1, lines.stream().filter(l -> l.contains("\"format\"")).count(), "one header");
  }
}
