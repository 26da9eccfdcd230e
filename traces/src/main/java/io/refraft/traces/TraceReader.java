package io.refraft.traces;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonParser;
import io.refraft.spec.NodeId;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Streams a trace file: the header, then one {@link TraceStep} per {@link #next} call, holding
 * only the current line in memory. Every deviation from FORMAT.md is a
 * {@link TraceFormatException} naming the file and line: a missing or unknown header, a field of
 * the wrong type, an unknown input, message or action, a step of a node not in the header, a seq
 * that does not count 1, 2, 3, … per node, and a last line cut off before its newline.
 */
public final class TraceReader implements AutoCloseable {
  private final String file;
  private final InputStream in;
  private final TraceHeader header;
  private final Map<NodeId, Long> lastSeq = new HashMap<>();
  private byte[] buf = new byte[1 << 16];
  private int start;
  private int end;
  private boolean eof;
  private long line;

  /** Opens {@code path} and reads its header. */
  public static TraceReader open(Path path) throws IOException, TraceFormatException {
    InputStream in;
    try {
      in = Files.newInputStream(path);
    } catch (NoSuchFileException e) {
      throw new TraceFormatException(path.toString(), 0, "no such file");
    }
    try {
      return new TraceReader(path.toString(), in);
    } catch (IOException | TraceFormatException | RuntimeException e) {
      in.close();
      throw e;
    }
  }

  /** Reads the header from {@code in}; {@code file} names the source in errors. */
  public TraceReader(String file, InputStream in) throws IOException, TraceFormatException {
    this.file = file;
    this.in = in;
    Line first = nextLine();
    if (first == null) {
      throw new TraceFormatException(file, 1, "empty file: missing header");
    }
    this.header = parse(first, true).header;
  }

  public TraceHeader header() {
    return header;
  }

  public String file() {
    return file;
  }

  /** The line number of the step {@link #next} returned last (1 is the header). */
  public long line() {
    return line;
  }

  /** The next step, or null at the end of the file. */
  public TraceStep next() throws IOException, TraceFormatException {
    Line l = nextLine();
    if (l == null) {
      return null;
    }
    TraceStep s = parse(l, false).step;
    NodeId n = s.node();
    if (!header.config().isMember(n)) {
      throw new TraceFormatException(file, line, "node " + n + " is not one of the header's nodes "
          + header.config().members());
    }
    if (header.node().isPresent() && !header.node().get().equals(n)) {
      throw new TraceFormatException(file, line, "a step of " + n + " in the per-node file of " + header.node().get());
    }
    members(s);
    long expected = lastSeq.getOrDefault(n, 0L) + 1;
    if (s.seq() != expected) {
      throw new TraceFormatException(file, line, "seq " + s.seq() + " of " + n + " where " + expected
          + " was due (each node's steps are numbered 1, 2, 3, ...)");
    }
    lastSeq.put(n, s.seq());
    return s;
  }

  /** Every node a step names (peers, senders, receivers) must be in the header. */
  private void members(TraceStep s) throws TraceFormatException {
    switch (s.input()) {
      case TraceInput.MessageReceived r -> member(r.message().message().from(), "input.message.from");
      case TraceInput.HeartbeatTimeout h -> {
        if (h.peer().isPresent()) {
          member(h.peer().get(), "input.peer");
          if (h.peer().get().equals(s.node())) {
            throw new TraceFormatException(file, line, "input.peer is the node itself");
          }
        }
      }
      case TraceInput.ElectionTimeout t -> { }
      case TraceInput.ClientPropose p -> { }
      case TraceInput.Restart r -> { }
    }
    for (TracedMessage m : s.sent()) {
      member(m.message().to(), "sent " + m.id() + ".to");
    }
  }

  private void member(NodeId id, String field) throws TraceFormatException {
    if (!header.config().isMember(id)) {
      throw new TraceFormatException(file, line, field + ": " + id + " is not one of the header's nodes "
          + header.config().members());
    }
  }

  @Override
  public void close() throws IOException {
    in.close();
  }

  private record Line(int from, int to, boolean terminated) {}

  private record Parsed(TraceHeader header, TraceStep step) {}

  private Parsed parse(Line l, boolean isHeader) throws IOException, TraceFormatException {
    try (JsonParser jp = TraceWriter.JSON.createParser(buf, l.from, l.to - l.from)) {
      LineParser p = new LineParser(jp);
      if (isHeader) {
        return new Parsed(Decoder.header(p), null);
      }
      return new Parsed(null, Decoder.step(p, header.persistence()));
    } catch (LineParser.Bad e) {
      throw bad(l, e.getMessage());
    } catch (JacksonException e) {
      throw bad(l, "not valid JSON: " + e.getOriginalMessage());
    }
  }

  private TraceFormatException bad(Line l, String reason) {
    if (!l.terminated) {
      return new TraceFormatException(file, line, "truncated last line (no newline at its end): " + reason);
    }
    return new TraceFormatException(file, line, reason);
  }

  /** The next non-blank line as a slice of {@code buf}, or null at end of input. */
  private Line nextLine() throws IOException {
    while (true) {
      int nl = indexOf('\n', start, end);
      while (nl < 0 && !eof) {
        fill();
        nl = indexOf('\n', start, end);
      }
      if (nl < 0 && start == end) {
        return null;
      }
      line++;
      int from = start;
      int to = nl < 0 ? end : nl;
      start = nl < 0 ? end : nl + 1;
      int t = to;
      if (t > from && buf[t - 1] == '\r') {
        t--;
      }
      if (!isBlank(from, t)) {
        return new Line(from, t, nl >= 0);
      }
    }
  }

  private boolean isBlank(int from, int to) {
    for (int i = from; i < to; i++) {
      byte b = buf[i];
      if (b != ' ' && b != '\t') {
        return false;
      }
    }
    return true;
  }

  private int indexOf(int b, int from, int to) {
    for (int i = from; i < to; i++) {
      if (buf[i] == b) {
        return i;
      }
    }
    return -1;
  }

  private void fill() throws IOException {
    if (start > 0) {
      System.arraycopy(buf, start, buf, 0, end - start);
      end -= start;
      start = 0;
    }
    if (end == buf.length) {
      buf = Arrays.copyOf(buf, buf.length * 2);
    }
    int n = in.read(buf, end, buf.length - end);
    if (n < 0) {
      eof = true;
    } else {
      end += n;
    }
  }
}
