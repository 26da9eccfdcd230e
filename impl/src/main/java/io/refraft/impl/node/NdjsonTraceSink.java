package io.refraft.impl.node;

import io.refraft.spec.Config;
import io.refraft.spec.Input;
import io.refraft.spec.NodeId;
import io.refraft.spec.NodeState;
import io.refraft.spec.Transition;
import io.refraft.traces.TraceHeader;
import io.refraft.traces.TraceRecorder;
import io.refraft.traces.TraceWriter;
import java.io.CharArrayWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes this node's steps as a per-node trace file (traces/FORMAT.md; explicit persistence, no
 * duplicates). A restarted node appends to the same file: step numbers continue from the file's last
 * complete line, and a line torn by a crash is cut off first. Each turn's lines go to the file in one
 * write before its sends ({@link TraceSink#endTurn}: in a node server just before the turn's first
 * storage write that a kill -9 would leave behind, see {@code impl.server.TraceFirstStorage}); the
 * file itself is not fsynced (a killed process loses nothing written; a machine crash may lose the
 * tail).
 */
public final class NdjsonTraceSink implements TraceSink, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(NdjsonTraceSink.class);
  private static final Pattern STEP_SEQ = Pattern.compile("^\\{\"node\":\"[^\"]*\",\"seq\":(\\d+)");

  private final NodeId self;
  private final OutputStream out;
  private final CharArrayWriter buffer = new CharArrayWriter(8192);
  private final TraceWriter writer;
  private long stepSeq;
  private boolean failed;

  private NdjsonTraceSink(NodeId self, OutputStream out, long lastStepSeq) throws IOException {
    this.self = self;
    this.out = out;
    this.writer = new TraceWriter(buffer);
    this.stepSeq = lastStepSeq;
  }

  /** Opens (or continues) the trace file of node {@code self}. */
  public static NdjsonTraceSink open(Path file, Config config, NodeId self, String description) throws IOException {
    long lastSeq = 0;
    boolean fresh = !Files.exists(file) || Files.size(file) == 0;
    if (!fresh) {
      lastSeq = repairAndFindLastSeq(file);
    }
    OutputStream out = Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND,
        StandardOpenOption.WRITE);
    NdjsonTraceSink sink = new NdjsonTraceSink(self, out, lastSeq);
    if (fresh) {
      sink.writer.header(TraceHeader.of(config, TraceHeader.NetworkModel.NO_DUPLICATES,
          TraceHeader.Persistence.async, new TraceHeader.Source("refraft", description)).forNode(self));
      sink.endTurn();
    }
    return sink;
  }

  /** Cuts a torn last line and returns the last step's seq (0 when there is only the header). */
  private static long repairAndFindLastSeq(Path file) throws IOException {
    try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
      long len = raf.length();
      int window = (int) Math.min(len, 1 << 20);
      byte[] tail = new byte[window];
      raf.seek(len - window);
      raf.readFully(tail);
      int end = tail.length;
      while (end > 0 && tail[end - 1] != '\n') {
        end--;
      }
      if (end < tail.length) {
        raf.setLength(len - window + end); // a line torn by a crash
      }
      int start = end - 1;
      while (start > 0 && tail[start - 1] != '\n') {
        start--;
      }
      if (start < 0) {
        return 0;
      }
      String last = new String(tail, start, Math.max(0, end - start), StandardCharsets.UTF_8);
      Matcher m = STEP_SEQ.matcher(last);
      return m.find() ? Long.parseLong(m.group(1)) : 0;
    }
  }

  @Override
  public void step(NodeState before, Input input, long receivedSeq, Transition t, long firstSentSeq) {
    if (failed) {
      return;
    }
    try {
      writer.step(TraceRecorder.step(++stepSeq, OptionalLong.empty(), before, input, receivedSeq, t, firstSentSeq));
    } catch (IOException | RuntimeException e) {
      fail(e);
    }
  }

  @Override
  public void endTurn() {
    if (failed || buffer.size() == 0) {
      return;
    }
    try {
      out.write(buffer.toString().getBytes(StandardCharsets.UTF_8));
      out.flush();
      buffer.reset();
    } catch (IOException | RuntimeException e) {
      fail(e);
    }
  }

  private void fail(Exception e) {
    failed = true;
    LOG.error("{}: tracing stopped, the trace file is incomplete from here: {}", self, e.toString());
  }

  @Override
  public void close() throws IOException {
    endTurn();
    out.close();
  }
}
