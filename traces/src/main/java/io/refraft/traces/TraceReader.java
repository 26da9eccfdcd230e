package io.refraft.traces;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.refraft.spec.NodeId;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
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
  private final JsonParser json;
  private final LineParser parser;
  private final TraceHeader header;
  private final Map<NodeId, Long> lastSeq = new HashMap<>();
  private final long lineOffset;
  private final boolean checkOrder;
  private long line;
  private long lastEnd;

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

  /**
   * Reads the header from {@code in}; {@code file} names the source in errors. One streaming
   * parser reads the whole file (no parser per line); line numbers are the parser's.
   */
  public TraceReader(String file, InputStream in) throws IOException, TraceFormatException {
    this.file = file;
    this.in = in;
    this.json = TraceWriter.JSON.createParser(in);
    this.parser = new LineParser(json, new HashMap<>());
    this.lineOffset = 0;
    this.checkOrder = true;
    if (!startValue()) {
      throw new TraceFormatException(file, 1, "empty file: missing header");
    }
    try {
      this.header = Decoder.header(parser);
      endValue();
    } catch (LineParser.Bad e) {
      throw bad(e.getMessage());
    } catch (JacksonException e) {
      throw bad("not valid JSON: " + e.getOriginalMessage());
    }
  }

  /**
   * A reader of step lines only, for decoding a file in parallel chunks: {@code in} holds whole
   * lines of the file that has {@code header}, the first of them line {@code firstLine}. It checks
   * each line as {@link #next} does except the order across lines (seq numbering, a per-node
   * file's node), which the caller checks with {@link #checkOrder} in file order.
   */
  public static TraceReader ofLines(String file, TraceHeader header, InputStream in, long firstLine)
      throws IOException {
    return new TraceReader(file, header, in, firstLine);
  }

  private TraceReader(String file, TraceHeader header, InputStream in, long firstLine) throws IOException {
    this.file = file;
    this.in = in;
    this.json = TraceWriter.JSON.createParser(in);
    this.parser = new LineParser(json, new HashMap<>());
    this.header = header;
    this.lineOffset = firstLine - 1;
    this.checkOrder = false;
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
    TraceStep s;
    try {
      if (!startValue()) {
        return null;
      }
      s = Decoder.step(parser, header.persistence());
      endValue();
    } catch (LineParser.Bad e) {
      throw bad(e.getMessage());
    } catch (JacksonException e) {
      throw bad("not valid JSON: " + e.getOriginalMessage());
    }
    members(s);
    if (checkOrder) {
      checkOrder(s, line);
    }
    return s;
  }

  /**
   * The checks across lines, for step {@code s} read at {@code line}: its node is in the header
   * (and is the file's node in a per-node file), and its seq is the next of its node's.
   */
  public void checkOrder(TraceStep s, long line) throws TraceFormatException {
    NodeId n = s.node();
    if (!header.config().isMember(n)) {
      throw new TraceFormatException(file, line, "node " + n + " is not one of the header's nodes "
          + header.config().members());
    }
    if (header.node().isPresent() && !header.node().get().equals(n)) {
      throw new TraceFormatException(file, line, "a step of " + n + " in the per-node file of " + header.node().get());
    }
    long expected = lastSeq.getOrDefault(n, 0L) + 1;
    if (s.seq() != expected) {
      throw new TraceFormatException(file, line, "seq " + s.seq() + " of " + n + " where " + expected
          + " was due (each node's steps are numbered 1, 2, 3, ...)");
    }
    lastSeq.put(n, s.seq());
  }

  /** Moves to the next top-level value; false at the end of input. */
  private boolean startValue() throws IOException, TraceFormatException {
    JsonToken t;
    try {
      t = json.nextToken();
    } catch (JacksonException e) {
      line = lineOffset + json.currentLocation().getLineNr();
      throw bad("not valid JSON: " + e.getOriginalMessage());
    }
    if (t == null) {
      return false;
    }
    line = lineOffset + json.currentTokenLocation().getLineNr();
    if (line == lastEnd) {
      throw new TraceFormatException(file, line, "more than one JSON value on the line");
    }
    if (t != JsonToken.START_OBJECT) {
      throw new TraceFormatException(file, line, "each line must be one JSON object");
    }
    parser.prime();
    return true;
  }

  /** NDJSON: the value just read must have ended on the line it started on. */
  private void endValue() throws TraceFormatException {
    lastEnd = lineOffset + json.currentLocation().getLineNr();
    if (lastEnd != line) {
      throw new TraceFormatException(file, line, "a JSON value spans lines " + line + " to " + lastEnd
          + " (NDJSON: one object per line)");
    }
  }

  private TraceFormatException bad(String reason) {
    if (json.isClosed() || reason.contains("end-of-input")) {
      return new TraceFormatException(file, line, "truncated last line (the file ends inside it): " + reason);
    }
    return new TraceFormatException(file, line, reason);
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
    json.close();
    in.close();
  }
}
