package io.refraft.traces;

import com.fasterxml.jackson.core.JsonToken;
import io.refraft.spec.Entry;
import io.refraft.spec.NodeId;
import io.refraft.spec.Payload;
import java.io.IOException;
import java.io.Serial;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Token-level helpers shared by the header and step decoders: each reads one JSON value of the
 * type FORMAT.md requires and throws {@link Bad} naming the field otherwise. Streaming (no tree),
 * because the validator reads millions of lines.
 */
final class LineParser {
  private final JsonLexer p;
  private final Map<String, NodeId> ids;
  private boolean primed;

  /** @param ids node ids seen so far, shared across the lines of one file (a handful of entries) */
  LineParser(JsonLexer p, Map<String, NodeId> ids) {
    this(p, ids, null);
  }

  /**
   * A parser that keeps decoded values by their bytes for reuse (see {@link Repeats}), when
   * {@code buf} is the buffer {@code p} reads in place; {@code null}: none kept.
   */
  LineParser(JsonLexer p, Map<String, NodeId> ids, byte[] buf) {
    this.p = p;
    this.ids = ids;
    // prefixes: a message's id is within its first 40 bytes; the others are the shortest values
    // worth keeping ({"term":0,"vote":null,"role":"Leader", ["Restart"], {"log":{"from":1,"entries":[]}},
    // [{"term":1,"type":"NoOp"}])
    this.sent = buf == null ? null : new Repeats<>(buf, 1 << 9, 2, 40);
    this.states = buf == null ? null : new Repeats<>(buf, 1 << 4, 4, 40);
    this.actions = buf == null ? null : new Repeats<>(buf, 1 << 4, 4, 11);
    this.persisted = buf == null ? null : new Repeats<>(buf, 1 << 4, 4, 31);
    this.entries = buf == null ? null : new Repeats<>(buf, 1 << 6, 4, 26);
  }

  private final Repeats<TracedMessage> sent;
  private final Repeats<StateSummary> states;
  private final Repeats<List<io.refraft.spec.Action>> actions;
  private final Repeats<Persisted> persisted;
  private final Repeats<List<Entry>> entries;

  /** True when sent messages are kept by their bytes (see {@link Repeats}). */
  boolean keepsSent() {
    return sent != null;
  }

  Repeats<StateSummary> states() {
    return states;
  }

  Repeats<List<io.refraft.spec.Action>> actions() {
    return actions;
  }

  Repeats<Persisted> persisted() {
    return persisted;
  }

  /**
   * With the current token opening an object or array, the value decoded earlier from the same
   * bytes, the parser moved to its closing token; or null (also when no values are kept).
   */
  <T> T repeated(Repeats<T> cache) {
    if (cache == null) {
      return null;
    }
    T v = cache.prefixOf(p.tokenStart(), p.lineEnd());
    if (v != null) {
      p.skipContainerTo(cache.matchedEnd());
    }
    return v;
  }

  /** Keeps {@code v}, decoded from {@code from} up to the closing token just read. */
  <T> void remember(Repeats<T> cache, int from, T v) {
    if (cache != null) {
      cache.put(from, p.position(), v);
    }
  }

  /** The byte offset where the current token starts. */
  int tokenStart() {
    return p.tokenStart();
  }

  /** The byte offset after the current token. */
  int position() {
    return p.position();
  }


  void keepSent(int from, int to, TracedMessage m) {
    sent.put(from, to, m);
  }

  /**
   * With the current token the START_OBJECT of a message, the message sent earlier whose bytes
   * this one repeats, with the parser moved to its end; or null, the parser not moved.
   */
  TracedMessage sentRepeated() {
    return repeated(sent);
  }


  /**
   * The tags the format knows (types, roles, actions): read without allocating a string, since
   * every line has several. Any other text is returned as a new string (and then rejected).
   */
  private static final String[] TAGS;

  static {
    List<String> tags = new ArrayList<>(List.of("MessageReceived", "ElectionTimeout", "HeartbeatTimeout",
        "ClientPropose", "ReadIndexRequest", "Restart", "Persisted", "TakeSnapshot", "ChangeMembership",
        "TransferLeadership", "InstallSnapshotRequest", "InstallSnapshotResponse", "TimeoutNow", "RequestVoteRequest", "RequestVoteResponse", "AppendEntriesRequest",
        "AppendEntriesResponse", "NoOp", "Data", "Configuration", "Follower", "PreCandidate", "Candidate", "Leader", "Served", "Rejected"));
    for (io.refraft.spec.Action a : io.refraft.spec.Action.values()) {
      tags.add(a.name());
    }
    TAGS = tags.toArray(String[]::new);
  }

  private NodeId[] known = new NodeId[0];
  private char[][] knownChars = new char[0][];

  private static final TokenNames TAG_NAMES = new TokenNames(TAGS);

  /** A string value that is usually one of the format's tags. */
  String tag(String field) throws IOException {
    if (next() != JsonToken.VALUE_STRING) {
      throw new Bad("'" + field + "' must be a string");
    }
    return currentTag();
  }

  /** The node id spelt by {@code buf[from, to)}, or null when no id seen so far is spelt so. */
  NodeId knownId(char[] buf, int from, int to) {
    int len = to - from;
    for (int i = 0; i < known.length; i++) {
      char[] k = knownChars[i];
      if (k.length == len) {
        int j = 0;
        while (j < len && k[j] == buf[from + j]) {
          j++;
        }
        if (j == len) {
          return known[i];
        }
      }
    }
    return null;
  }

  /**
   * A message id {@code from/to/seq} read straight from the parser's characters; null when it is
   * not of that form with known node ids (the caller then parses the string and reports).
   */
  MessageId messageId() throws IOException {
    char[] buf = p.getTextCharacters();
    int off = p.getTextOffset();
    int end = off + p.getTextLength();
    int a = -1;
    int b = -1;
    for (int i = off; i < end; i++) {
      if (buf[i] == '/') {
        if (a < 0) {
          a = i;
        } else if (b < 0) {
          b = i;
        } else {
          return null;
        }
      }
    }
    if (b < 0 || b == end - 1 || end - b > 19) {
      return null;
    }
    NodeId from = knownId(buf, off, a);
    NodeId to = knownId(buf, a + 1, b);
    long seq = 0;
    for (int i = b + 1; i < end; i++) {
      char c = buf[i];
      if (c < '0' || c > '9') {
        return null;
      }
      seq = seq * 10 + (c - '0');
    }
    return from == null || to == null || seq < 1 ? null : new MessageId(from, to, seq);
  }

  /** Makes {@code id} the object returned for its name (the header's ids, shared by every chunk's parser). */
  void learn(NodeId id) {
    if (ids.putIfAbsent(id.name(), id) == null) {
      known = Arrays.copyOf(known, known.length + 1);
      known[known.length - 1] = id;
      knownChars = Arrays.copyOf(knownChars, knownChars.length + 1);
      knownChars[knownChars.length - 1] = id.name().toCharArray();
    }
  }

  /** The node id named {@code s}, created (and validated) once per file. */
  NodeId id(String s) {
    NodeId id = ids.get(s);
    if (id == null) {
      id = NodeId.of(s);
      if (ids.size() < 64) {
        ids.put(s, id);
        known = Arrays.copyOf(known, known.length + 1);
        known[known.length - 1] = id;
        knownChars = Arrays.copyOf(knownChars, knownChars.length + 1);
        knownChars[knownChars.length - 1] = s.toCharArray();
      }
    }
    return id;
  }

  /** A violation of the format inside one line; the reader adds file and line. */
  static final class Bad extends RuntimeException {
    @Serial private static final long serialVersionUID = 1L;

    Bad(String reason) {
      super(reason, null, false, false);
    }
  }

  /** The next {@link #next} returns the current token (the reader already read it) instead of advancing. */
  void prime() {
    primed = true;
  }

  JsonToken next() throws IOException {
    if (primed) {
      primed = false;
      return p.currentToken();
    }
    return p.nextToken();
  }

  void startObject(String what) throws IOException {
    if (next() != JsonToken.START_OBJECT) {
      throw new Bad(what + " must be a JSON object");
    }
  }

  /** The next field name of the current object, or null at its end. */
  String field() throws IOException {
    JsonToken t = next();
    if (t == JsonToken.END_OBJECT) {
      return null;
    }
    if (t != JsonToken.FIELD_NAME) {
      throw new Bad("malformed object");
    }
    return p.currentName();
  }

  /** Skips the value of an extension field ({@code x-...}), or rejects an unknown field. */
  void unknown(String field, String where) throws IOException {
    if (!field.startsWith("x-")) {
      throw new Bad("unknown field '" + TraceFormatException.excerpt(field) + "' in " + where);
    }
    next();
    p.skipChildren();
  }

  long integer(String field) throws IOException {
    if (next() != JsonToken.VALUE_NUMBER_INT) {
      throw new Bad("'" + field + "' must be an integer");
    }
    if (p.isBig()) {
      throw new Bad("'" + field + "' is beyond 64 bits");
    }
    return p.getLongValue();
  }

  long nonNegative(String field) throws IOException {
    long v = integer(field);
    if (v < 0) {
      throw new Bad("'" + field + "' must be >= 0, got " + v);
    }
    return v;
  }

  boolean bool(String field) throws IOException {
    JsonToken t = next();
    if (t == JsonToken.VALUE_TRUE) {
      return true;
    }
    if (t == JsonToken.VALUE_FALSE) {
      return false;
    }
    throw new Bad("'" + field + "' must be true or false");
  }

  String string(String field) throws IOException {
    if (next() != JsonToken.VALUE_STRING) {
      throw new Bad("'" + field + "' must be a string");
    }
    return p.getText();
  }

  NodeId nodeId(String field) throws IOException {
    if (next() != JsonToken.VALUE_STRING) {
      throw new Bad("'" + field + "' must be a string");
    }
    NodeId k = knownId(p.getTextCharacters(), p.getTextOffset(), p.getTextOffset() + p.getTextLength());
    if (k != null) {
      return k;
    }
    String s = p.getText();
    try {
      return id(s);
    } catch (IllegalArgumentException e) {
      throw new Bad("'" + field + "': " + e.getMessage());
    }
  }

  /** A node id or JSON null. */
  Optional<NodeId> nullableNodeId(String field) throws IOException {
    JsonToken t = next();
    if (t == JsonToken.VALUE_NULL) {
      return Optional.empty();
    }
    if (t != JsonToken.VALUE_STRING) {
      throw new Bad("'" + field + "' must be a node id or null");
    }
    NodeId k = knownId(p.getTextCharacters(), p.getTextOffset(), p.getTextOffset() + p.getTextLength());
    if (k != null) {
      return Optional.of(k);
    }
    try {
      return Optional.of(id(p.getText()));
    } catch (IllegalArgumentException e) {
      throw new Bad("'" + field + "': " + e.getMessage());
    }
  }

  void startArray(String field) throws IOException {
    if (next() != JsonToken.START_ARRAY) {
      throw new Bad("'" + field + "' must be an array");
    }
  }

  /** True when the array continues with an object; false at its end. */
  boolean nextObjectInArray(String field) throws IOException {
    JsonToken t = next();
    if (t == JsonToken.END_ARRAY) {
      return false;
    }
    if (t != JsonToken.START_OBJECT) {
      throw new Bad("'" + field + "' must hold objects");
    }
    return true;
  }

  /** The current string token as a tag (see {@link #tag}), without reading another token. */
  String currentTag() {
    String t = TAG_NAMES.find(p.getTextCharacters(), p.getTextLength(), p.textHash());
    return t != null ? t : p.getText();
  }

  /** True when the array continues with a string (now current); false at its end. */
  boolean nextStringInArray(String field) throws IOException {
    JsonToken t = next();
    if (t == JsonToken.END_ARRAY) {
      return false;
    }
    if (t != JsonToken.VALUE_STRING) {
      throw new Bad("'" + field + "' must hold strings");
    }
    return true;
  }

  String text() throws IOException {
    return p.getText();
  }

  /**
   * A payload's fields, the opening brace already read: {@code type} NoOp, Data ({@code data} base64)
   * or Configuration (the fields of {@link ConfigurationFields}).
   */
  Payload payloadBody(String where) throws IOException {
    String type = null;
    String data = null;
    ConfigurationFields conf = new ConfigurationFields();
    for (String f = field(); f != null; f = field()) {
      switch (f) {
        case "type" -> type = tag("type");
        case "data" -> data = string("data");
        case "term" -> throw new Bad("'term' is not allowed in " + where);
        default -> {
          if (!conf.read(this, f, where)) {
            unknown(f, where);
          }
        }
      }
    }
    return payload(type, data, conf, where);
  }

  static Payload payload(String type, String data, ConfigurationFields conf, String where) {
    if (type == null) {
      throw new Bad(where + " needs 'type' (NoOp, Data or Configuration)");
    }
    if (conf.any() && (type.equals("NoOp") || type.equals("Data"))) {
      throw new Bad(where + ": a " + type + " payload has no configuration fields " + ConfigurationFields.NAMES);
    }
    return switch (type) {
      case "NoOp" -> {
        if (data != null) {
          throw new Bad(where + ": a NoOp payload has no 'data'");
        }
        yield Payload.NOOP;
      }
      case "Data" -> {
        if (data == null) {
          throw new Bad(where + ": a Data payload needs 'data' (base64)");
        }
        try {
          yield Payload.Data.wrap(Base64.getDecoder().decode(data));
        } catch (IllegalArgumentException e) {
          throw new Bad(where + ": 'data' is not base64: " + e.getMessage());
        }
      }
      case "Configuration" -> {
        if (data != null) {
          throw new Bad(where + ": a Configuration payload has no 'data'");
        }
        yield new Payload.Configuration(conf.build(where));
      }
      default -> throw new Bad(where + ": unknown payload type '" + TraceFormatException.excerpt(type)
          + "' (NoOp, Data or Configuration)");
    };
  }

  /** Read-only: no configuration field read (entries are mostly not configurations). */
  private static final ConfigurationFields NO_CONFIGURATION = new ConfigurationFields();

  /** An array of entries {@code {"term":..,"type":..,"data":..}}; {@code field} is {@code where + suffix}. */
  List<Entry> entries(String where, String suffix) throws IOException {
    if (next() != JsonToken.START_ARRAY) {
      throw new Bad("'" + where + suffix + "' must be an array");
    }
    List<Entry> again = repeated(entries);
    if (again != null) {
      return again;
    }
    int start = p.tokenStart();
    List<Entry> out = entries(where + suffix);
    remember(entries, start, out);
    return out;
  }

  /** The entries of the array just opened. */
  private List<Entry> entries(String field) throws IOException {
    List<Entry> out = new ArrayList<>();
    while (nextObjectInArray(field)) {
      long term = -1;
      String type = null;
      String data = null;
      ConfigurationFields conf = null;
      String where = "entry " + (out.size() + 1) + " of '" + field + "'";
      for (String f = field(); f != null; f = field()) {
        switch (f) {
          case "term" -> term = integer("term");
          case "type" -> type = tag("type");
          case "data" -> data = string("data");
          default -> {
            if (conf == null) {
              conf = new ConfigurationFields();
            }
            if (!conf.read(this, f, where)) {
              unknown(f, "an entry");
            }
          }
        }
      }
      if (term < 1) {
        throw new Bad(where + " needs 'term' >= 1");
      }
      out.add(new Entry(term, payload(type, data, conf == null ? NO_CONFIGURATION : conf, where)));
    }
    return List.copyOf(out);
  }
}
