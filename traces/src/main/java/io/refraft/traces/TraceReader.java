package io.refraft.traces;

import com.fasterxml.jackson.core.JsonToken;
import io.refraft.spec.NodeId;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;

/**
 * Streams a trace file: the header, then one {@link TraceStep} per {@link #next} call, holding
 * only the current line (and a read buffer) in memory. Lines are cut at {@code \n} and each is
 * tokenized by {@link JsonLexer}, so a JSON value must start and end on its line (NDJSON). Every deviation from FORMAT.md is a
 * {@link TraceFormatException} naming the file and line: a missing or unknown header, a field of
 * the wrong type, an unknown input, message or action, a step of a node not in the header, a seq
 * that does not count 1, 2, 3, … per node, and a last line cut off before its newline.
 */
public final class TraceReader implements AutoCloseable {
  private static final int READ_SIZE = 1 << 16;
  /** Longest header line read: a header is a few hundred bytes, and a huge first line is not read to its end. */
  public static final int MAX_HEADER = 1 << 20;

  private final String file;
  private final InputStream in;
  private final JsonLexer json = new JsonLexer();
  private final LineParser parser;
  private final TraceHeader header;
  private long[] lastSeq;
  private NodeId[] members;
  private final boolean checkOrder;
  /** The bytes read and not yet consumed: {@code data[pos, len)}; all of the input when {@link #eof}. */
  private byte[] data;
  private int pos;
  private int len;
  private boolean eof;
  private long line;
  /** The current line ends with a newline (a line without one at the end of the file may be cut off). */
  private boolean terminated;

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
    this.data = new byte[READ_SIZE];
    this.parser = new LineParser(json, new HashMap<>());
    this.checkOrder = true;
    if (!startLine()) {
      throw new TraceFormatException(file, 1, "empty file: missing header");
    }
    try {
      this.header = Decoder.header(parser);
      endLine();
    } catch (LineParser.Bad e) {
      throw bad(e.getMessage());
    }
  }

  /**
   * A reader of step lines only, for decoding a file in parallel chunks: {@code in} holds whole
   * lines of the file that has {@code header}, the first of them line {@code firstLine}. It checks
   * each line as {@link #next} does except the order across lines (seq numbering, a per-node
   * file's node), which the caller checks with {@link #checkOrder} in file order.
   */
  public static TraceReader ofLines(String file, TraceHeader header, InputStream in, long firstLine) {
    return new TraceReader(file, header, in, null, 0, firstLine);
  }

  /**
   * {@link #ofLines(String, TraceHeader, InputStream, long)} on {@code buf[0, len)}, read in place;
   * a received message that repeats the bytes of an earlier send in the buffer is not decoded
   * again, nor a state, persisted record, action list or entry list that repeats an earlier one
   * (see Repeats).
   */
  public static TraceReader ofLines(String file, TraceHeader header, byte[] buf, int len, long firstLine) {
    return new TraceReader(file, header, null, buf, len, firstLine);
  }

  private TraceReader(String file, TraceHeader header, InputStream in, byte[] buf, int len, long firstLine) {
    this.file = file;
    this.in = in;
    this.header = header;
    this.line = firstLine - 1;
    this.checkOrder = false;
    if (buf != null) {
      this.data = buf;
      this.len = len;
      this.eof = true;
      this.parser = new LineParser(json, new HashMap<>(), buf);
    } else {
      this.data = new byte[READ_SIZE];
      this.parser = new LineParser(json, new HashMap<>());
    }
    for (NodeId n : header.servers()) {
      parser.learn(n);
    }
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
      if (!startLine()) {
        return null;
      }
      s = Decoder.step(parser, header.persistence());
      endLine();
    } catch (LineParser.Bad e) {
      throw bad(e.getMessage());
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
    int k = memberIndex(n);
    if (k < 0) {
      throw new TraceFormatException(file, line, "node " + n + " is not one of the header's " + serverNames());
    }
    if (header.node().isPresent() && !header.node().get().equals(n)) {
      throw new TraceFormatException(file, line, "a step of " + n + " in the per-node file of " + header.node().get());
    }
    if (lastSeq == null) {
      lastSeq = new long[header.servers().size()];
    }
    long expected = lastSeq[k] + 1;
    if (s.seq() != expected) {
      throw new TraceFormatException(file, line, "seq " + s.seq() + " of " + n + " where " + expected
          + " was due (each node's steps are numbered 1, 2, 3, ...)");
    }
    lastSeq[k] = s.seq();
  }

  /**
   * The position of {@code n} among the header's servers (its nodes, then its joining servers), or
   * -1; decoded ids are mostly the header's own objects.
   */
  private int memberIndex(NodeId n) {
    if (members == null) {
      members = header.servers().toArray(NodeId[]::new);
    }
    for (int k = 0; k < members.length; k++) {
      if (members[k] == n) {
        return k;
      }
    }
    return header.servers().indexOf(n);
  }

  /** The header's servers in words, for errors. */
  private String serverNames() {
    return "nodes " + header.config().members() + (header.joining().isEmpty() ? ""
        : " or joining servers " + header.joining());
  }

  /**
   * Moves to the next line that is not blank and reads its first token, which must open an
   * object; false at the end of input.
   */
  private boolean startLine() throws IOException, TraceFormatException {
    while (true) {
      int end = nextLine();
      if (end < 0) {
        return false;
      }
      json.reset(data, pos, end);
      pos = terminated ? end + 1 : end;
      if (json.atEnd()) {
        continue; // a blank line
      }
      JsonToken t;
      try {
        t = json.nextToken();
      } catch (LineParser.Bad e) {
        throw bad(e.getMessage());
      }
      if (t != JsonToken.START_OBJECT) {
        throw new TraceFormatException(file, line, "each line must be one JSON object");
      }
      parser.prime();
      return true;
    }
  }

  /**
   * Finds the next line in {@code data} from {@code pos}, reading more input as needed, and
   * counts it; returns the offset of its end (its newline, or the end of input), or -1 when no
   * input is left. {@code pos} stays at the line's start.
   */
  private int nextLine() throws IOException, TraceFormatException {
    int from = pos;
    while (true) {
      for (int i = from; i < len; i++) {
        if (data[i] == '\n') {
          line++;
          terminated = true;
          return i;
        }
      }
      if (eof) {
        if (pos >= len) {
          return -1;
        }
        line++;
        terminated = false;
        return len;
      }
      if (line == 0 && len - pos >= MAX_HEADER) {
        throw new TraceFormatException(file, 1, headerTooLong(java.util.Arrays.copyOfRange(data, pos, pos + 200)));
      }
      from = len - pos;
      fill();
    }
  }

  /** The reason given for a first line of {@link #MAX_HEADER} bytes or more without its end, quoting its start. */
  public static String headerTooLong(byte[] start) {
    String head = new String(start, 0, Math.min(200, start.length), java.nio.charset.StandardCharsets.UTF_8);
    return "the first line is longer than " + (MAX_HEADER >> 10) + " KiB, too long for a header; it starts: " + head + "…";
  }

  /** Moves the unread bytes to the front (growing the buffer for a long line) and reads more. */
  private void fill() throws IOException {
    int keep = len - pos;
    if (keep == data.length) {
      data = java.util.Arrays.copyOf(data, data.length * 2);
    } else if (pos > 0) {
      System.arraycopy(data, pos, data, 0, keep);
    }
    pos = 0;
    len = keep;
    int r = in.read(data, len, data.length - len);
    if (r < 0) {
      eof = true;
    } else {
      len += r;
    }
  }

  /** NDJSON: nothing but whitespace may follow the object on its line. */
  private void endLine() throws TraceFormatException {
    if (!json.atEnd()) {
      throw new TraceFormatException(file, line, "more than one JSON value on the line");
    }
  }

  private TraceFormatException bad(String reason) {
    if (json.endOfInput() && !terminated) {
      return new TraceFormatException(file, line, "truncated last line (the file ends inside it): " + reason);
    }
    if (json.endOfInput()) {
      return new TraceFormatException(file, line, "the JSON value does not end on its line (NDJSON: one object per"
          + " line): " + reason);
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
      case TraceInput.ReadIndexRequest r -> { }
      case TraceInput.Restart r -> { }
      case TraceInput.TakeSnapshot t -> { }
      case TraceInput.TransferLeadership t -> member(t.target(), "input.target");
      case TraceInput.ChangeMembership c -> {
        for (NodeId id : c.next().members()) {
          member(id, "input (the configuration)");
        }
      }
      case TraceInput.Persisted p -> {
        if (p.vote().isPresent()) {
          member(p.vote().get(), "input.vote");
        }
      }
    }
    for (TracedMessage m : s.sent()) {
      if (!header.isServer(m.message().to())) {
        member(m.message().to(), "sent " + m.id() + ".to");
      }
    }
    for (int k = 0; k < s.reads().size(); k++) {
      if (s.reads().get(k) instanceof ReadAnswer.Rejected r && r.leader().isPresent()) {
        member(r.leader().get(), "reads[" + k + "].leader");
      }
    }
  }

  private void member(NodeId id, String field) throws TraceFormatException {
    if (!header.isServer(id)) {
      throw new TraceFormatException(file, line, field + ": " + id + " is not one of the header's " + serverNames());
    }
  }

  @Override
  public void close() throws IOException {
    if (in != null) {
      in.close();
    }
  }
}
