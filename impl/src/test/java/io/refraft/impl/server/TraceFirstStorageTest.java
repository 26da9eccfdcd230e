package io.refraft.impl.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.refraft.impl.node.NdjsonTraceSink;
import io.refraft.impl.node.TraceSink;
import io.refraft.impl.node.TraceSinkSteps;
import io.refraft.impl.storage.FileStorage;
import io.refraft.impl.storage.LogRecord;
import io.refraft.impl.storage.Meta;
import io.refraft.spec.Config;
import io.refraft.spec.Input;
import io.refraft.spec.NodeId;
import io.refraft.spec.NodeState;
import io.refraft.spec.Transition;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The trace lines reach their file after the storage's slow meta fsync and before its first visible write. */
class TraceFirstStorageTest {
  private static final Config CONFIG = Config.ofSize(3);
  private static final NodeId N1 = NodeId.of("n1");

  @TempDir Path dir;

  /** What the directory looked like each time the trace was written. */
  private record AtTraceWrite(boolean tempMetaWritten, boolean metaVisible, List<String> segments, int traceLines) {}

  /** Delegates to a real file sink and inspects the data directory right after each write. */
  private static final class InspectingSink implements TraceSink {
    private final NdjsonTraceSink sink;
    private final Path data;
    private final Path traceFile;
    final List<AtTraceWrite> writes = new ArrayList<>();

    InspectingSink(NdjsonTraceSink sink, Path data, Path traceFile) {
      this.sink = sink;
      this.data = data;
      this.traceFile = traceFile;
    }

    @Override
    public void step(NodeState before, Input input, long receivedSeq, Transition transition, long firstSentSeq) {
      sink.step(before, input, receivedSeq, transition, firstSentSeq);
    }

    @Override
    public void endTurn() {
      sink.endTurn();
      try (Stream<Path> files = Files.list(data)) {
        List<String> segments = files.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("wal-"))
            .sorted().toList();
        writes.add(new AtTraceWrite(Files.exists(data.resolve("meta.tmp")), Files.exists(data.resolve("meta")),
            segments, Files.readAllLines(traceFile).size()));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  @Test
  void when_a_turn_syncs_then_its_lines_are_written_after_the_temp_meta_and_before_the_meta_or_log_is_visible()
      throws IOException {
    Path data = dir.resolve("data");
    Path traceFile = dir.resolve("n1.trace.ndjson");
    try (NdjsonTraceSink file = NdjsonTraceSink.open(traceFile, CONFIG, N1, "test");
        FileStorage disk = FileStorage.open(data)) {
      InspectingSink sink = new InspectingSink(file, data, traceFile);
      TraceFirstStorage storage = new TraceFirstStorage(disk, sink);
      storage.load();
      TraceSinkSteps.restartAndTimeOut(sink, CONFIG, N1);
      storage.saveMeta(new Meta(1, "n1"));
      storage.append(List.of(new LogRecord(1, 1, new byte[] {1})));
      storage.sync();
      assertEquals(List.of(new AtTraceWrite(true, false, List.of(), 3)), sink.writes,
          "at the trace write: the meta fsync done, nothing visible, the header and both steps in the file");
      assertTrue(Files.exists(data.resolve("meta")));
      assertFalse(Files.exists(data.resolve("meta.tmp")));
    }
  }

  @Test
  void when_a_turn_truncates_then_its_lines_are_written_before_the_truncation() throws IOException {
    Path data = dir.resolve("data");
    Path traceFile = dir.resolve("n1.trace.ndjson");
    try (NdjsonTraceSink file = NdjsonTraceSink.open(traceFile, CONFIG, N1, "test");
        FileStorage disk = FileStorage.open(data, FileStorage.Options.defaults().withSegmentBytes(64))) {
      InspectingSink sink = new InspectingSink(file, data, traceFile);
      TraceFirstStorage storage = new TraceFirstStorage(disk, sink);
      storage.load();
      for (long i = 1; i <= 3; i++) {
        storage.append(List.of(new LogRecord(i, 0, new byte[40])));
      }
      storage.sync();
      TraceSinkSteps.restartAndTimeOut(sink, CONFIG, N1);
      storage.truncateFrom(2);
      AtTraceWrite last = sink.writes.getLast();
      assertEquals(3, last.traceLines(), "the header and both steps are in the file");
      assertEquals(3, last.segments().size(), "at the trace write all three one-record segments still exist: "
          + last.segments());
      assertEquals(1, segmentCount(data), "after it, the truncation deleted two");
    }
  }

  private static long segmentCount(Path data) throws IOException {
    try (Stream<Path> files = Files.list(data)) {
      return files.filter(p -> p.getFileName().toString().startsWith("wal-")).count();
    }
  }
}
