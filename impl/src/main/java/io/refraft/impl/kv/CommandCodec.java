package io.refraft.impl.kv;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The command encoding, version 1 (impl/README.md, "KV service"): one compact JSON object per log
 * entry, {@code {"v":1,"t":T,"c":C,"q":Q,"op":[...]}}, with {@code c}/{@code q} (client id,
 * sequence number) present together or not at all. {@link #decode} validates everything — the
 * version, every field's type and range, key and value sizes, no unknown or duplicate field, no
 * trailing data — so a malformed command is refused with its field and reason before it is
 * proposed. {@link #encode} writes the canonical form (fixed field order), so
 * {@code encode(decode(b))} is the same for every spelling of one command.
 */
public final class CommandCodec {
  public static final int VERSION = 1;
  /** Largest key, in UTF-8 bytes. */
  public static final int MAX_KEY_BYTES = 1024;
  /** Largest value, in UTF-8 bytes. */
  public static final int MAX_VALUE_BYTES = 64 * 1024;
  /** Most micro-operations in one transaction. */
  public static final int MAX_TXN_OPS = 256;
  /** Largest encoded command. */
  public static final int MAX_COMMAND_BYTES = 1024 * 1024;

  private static final Set<String> FIELDS = Set.of("v", "t", "c", "q", "op");
  private static final JsonFactory FACTORY = JsonFactory.builder()
      .enable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(8).build())
      .build();
  private static final ObjectMapper MAPPER = new ObjectMapper(FACTORY)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private CommandCodec() {}

  /** The command in {@code bytes}, or the first thing wrong with it. */
  public static Command decode(byte[] bytes) throws InvalidCommandException {
    Command canonical = CanonicalCommandReader.read(bytes); // what encode wrote, without a JSON tree
    return canonical != null ? canonical : decodeTree(bytes);
  }

  /** {@link #decode} through a JSON tree: any spelling, and the field and reason of any error. */
  static Command decodeTree(byte[] bytes) throws InvalidCommandException {
    if (bytes.length > MAX_COMMAND_BYTES) {
      throw new InvalidCommandException("", "command of " + bytes.length + " bytes exceeds " + MAX_COMMAND_BYTES);
    }
    JsonNode root;
    try (JsonParser p = FACTORY.createParser(bytes)) {
      root = MAPPER.readTree(p);
    } catch (JsonProcessingException e) {
      throw new InvalidCommandException("", "not JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new UncheckedIOException(e); // reading a byte array does no I/O
    }
    if (root == null || !root.isObject()) {
      throw new InvalidCommandException("", "a command is a JSON object {\"v\":1,\"op\":[...]}");
    }
    for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!FIELDS.contains(f)) {
        throw new InvalidCommandException(f, "unknown field (known: v, t, c, q, op)");
      }
    }
    long version = longField(root, "v", 1);
    if (version != VERSION) {
      throw new InvalidCommandException("v", "unsupported version " + version + " (this node reads " + VERSION + ")");
    }
    long time = root.has("t") ? longField(root, "t", 0) : 0;
    Optional<Command.SessionTag> session = Optional.empty();
    if (root.has("c") || root.has("q")) {
      session = Optional.of(new Command.SessionTag(longField(root, "c", 1), longField(root, "q", 1)));
    }
    if (!root.has("op")) {
      throw new InvalidCommandException("op", "missing");
    }
    KvOp op = op(root.get("op"));
    if (op instanceof KvOp.OpenSession && session.isPresent()) {
      throw new InvalidCommandException("c", "open-session carries no client id or sequence number");
    }
    return new Command(time, session, op);
  }

  /** Like {@link #decode}, for text. */
  public static Command decode(String json) throws InvalidCommandException {
    return decode(json.getBytes(StandardCharsets.UTF_8));
  }

  private static long longField(JsonNode root, String name, long min)
      throws InvalidCommandException {
    JsonNode n = root.get(name);
    if (n == null) {
      throw new InvalidCommandException(name, "missing");
    }
    if (!n.isIntegralNumber() || !n.canConvertToLong()) {
      throw new InvalidCommandException(name, "must be an integer, got " + n);
    }
    long v = n.asLong();
    if (v < min) {
      throw new InvalidCommandException(name, "must be >= " + min + ", got " + v);
    }
    return v;
  }

  private static KvOp op(JsonNode n) throws InvalidCommandException {
    String at = "op";
    if (!n.isArray() || n.isEmpty() || !n.get(0).isTextual()) {
      throw new InvalidCommandException(at, "must be an array starting with the operation's name, e.g. [\"get\",\"k\"]");
    }
    String f = n.get(0).asText();
    return switch (f) {
      case "get" -> new KvOp.Get(key(n, at, 2));
      case "put" -> new KvOp.Put(key(n, at, 3), value(n, at, 2));
      case "delete" -> new KvOp.Delete(key(n, at, 2));
      case "cas" -> new KvOp.Cas(key(n, at, 4), optionalValue(n, at, 2), value(n, at, 3));
      case "append" -> new KvOp.Append(key(n, at, 3), value(n, at, 2));
      case "read" -> new KvOp.Read(key(n, at, 2));
      case "txn" -> txn(n);
      case "open-session" -> {
        arity(n, at, 1);
        yield new KvOp.OpenSession();
      }
      default -> throw new InvalidCommandException(at + "[0]",
          "unknown operation '" + f + "' (get, put, delete, cas, append, read, txn, open-session)");
    };
  }

  private static KvOp.Txn txn(JsonNode n) throws InvalidCommandException {
    arity(n, "op", 2);
    JsonNode ops = n.get(1);
    if (!ops.isArray() || ops.isEmpty() || ops.size() > MAX_TXN_OPS) {
      throw new InvalidCommandException("op[1]", "must be an array of 1.." + MAX_TXN_OPS + " micro-ops");
    }
    List<MicroOp> micro = new ArrayList<>(ops.size());
    for (int i = 0; i < ops.size(); i++) {
      micro.add(micro(ops.get(i), "op[1][" + i + "]"));
    }
    return new KvOp.Txn(micro);
  }

  private static MicroOp micro(JsonNode m, String at) throws InvalidCommandException {
    if (!m.isArray() || m.isEmpty() || !m.get(0).isTextual()) {
      throw new InvalidCommandException(at, "must be [f, key, value...], e.g. [\"r\",\"x\",null]");
    }
    return switch (m.get(0).asText()) {
      case "append" -> new MicroOp.Append(key(m, at, 3), value(m, at, 2));
      case "r" -> {
        MicroOp.R r = new MicroOp.R(key(m, at, 3));
        if (!m.get(2).isNull()) {
          throw new InvalidCommandException(at + "[2]", "a read's value must be null");
        }
        yield r;
      }
      case "w" -> new MicroOp.W(key(m, at, 3), value(m, at, 2));
      case "cas" -> new MicroOp.Cas(key(m, at, 4), optionalValue(m, at, 2), value(m, at, 3));
      default -> throw new InvalidCommandException(at + "[0]",
          "unknown micro-op '" + m.get(0).asText() + "' (append, r, w, cas)");
    };
  }

  private static void arity(JsonNode n, String at, int size) throws InvalidCommandException {
    if (n.size() != size) {
      throw new InvalidCommandException(at, "'" + n.get(0).asText() + "' takes " + (size - 1) + " argument"
          + (size == 2 ? "" : "s") + ", got " + (n.size() - 1));
    }
  }

  /** Checks the arity, then returns the key at position 1. */
  private static String key(JsonNode n, String at, int size) throws InvalidCommandException {
    arity(n, at, size);
    JsonNode k = n.get(1);
    if (!k.isTextual()) {
      throw new InvalidCommandException(at + "[1]", "a key must be a string, got " + k);
    }
    String s = k.asText();
    int bytes = s.getBytes(StandardCharsets.UTF_8).length;
    if (bytes == 0 || bytes > MAX_KEY_BYTES) {
      throw new InvalidCommandException(at + "[1]", "a key must be 1.." + MAX_KEY_BYTES + " UTF-8 bytes, got " + bytes);
    }
    return s;
  }

  private static String value(JsonNode n, String at, int i) throws InvalidCommandException {
    JsonNode v = n.get(i);
    if (!v.isTextual()) {
      throw new InvalidCommandException(at + "[" + i + "]", "a value must be a string, got " + v);
    }
    int bytes = v.asText().getBytes(StandardCharsets.UTF_8).length;
    if (bytes > MAX_VALUE_BYTES) {
      throw new InvalidCommandException(at + "[" + i + "]", "a value must be at most " + MAX_VALUE_BYTES
          + " UTF-8 bytes, got " + bytes);
    }
    return v.asText();
  }

  private static Optional<String> optionalValue(JsonNode n, String at, int i) throws InvalidCommandException {
    return n.get(i).isNull() ? Optional.empty() : Optional.of(value(n, at, i));
  }

  /** The canonical bytes of {@code c}: what is proposed to the log. */
  public static byte[] encode(Command c) {
    byte[] plain = CanonicalCommandWriter.write(c); // plain ASCII strings need no generator
    return plain != null ? plain : encodeWithGenerator(c);
  }

  /** {@link #encode} through Jackson's generator: any string, escaped as JSON requires. */
  static byte[] encodeWithGenerator(Command c) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(64);
    try (JsonGenerator g = FACTORY.createGenerator(out)) {
      g.writeStartObject();
      g.writeNumberField("v", VERSION);
      g.writeNumberField("t", c.time());
      if (c.session().isPresent()) {
        g.writeNumberField("c", c.session().get().clientId());
        g.writeNumberField("q", c.session().get().seq());
      }
      g.writeFieldName("op");
      writeOp(g, c.op());
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a byte array does no I/O
    }
    return out.toByteArray();
  }

  private static void writeOp(JsonGenerator g, KvOp op) throws IOException {
    g.writeStartArray();
    switch (op) {
      case KvOp.Get o -> strings(g, "get", o.key());
      case KvOp.Put o -> strings(g, "put", o.key(), o.value());
      case KvOp.Delete o -> strings(g, "delete", o.key());
      case KvOp.Cas o -> {
        strings(g, "cas", o.key());
        optional(g, o.from());
        g.writeString(o.to());
      }
      case KvOp.Append o -> strings(g, "append", o.key(), o.value());
      case KvOp.Read o -> strings(g, "read", o.key());
      case KvOp.Txn o -> {
        g.writeString("txn");
        g.writeStartArray();
        for (MicroOp m : o.ops()) {
          writeMicro(g, m, Optional.empty());
        }
        g.writeEndArray();
      }
      case KvOp.OpenSession o -> g.writeString("open-session");
    }
    g.writeEndArray();
  }

  /** {@code [f, key, value]}; a read's value is {@code read} when given (a completed read), else null. */
  static void writeMicro(JsonGenerator g, MicroOp m, Optional<Value> read) throws IOException {
    g.writeStartArray();
    switch (m) {
      case MicroOp.Append a -> strings(g, "append", a.key(), a.value());
      case MicroOp.R r -> {
        strings(g, "r", r.key());
        if (read.isPresent()) {
          writeValue(g, read.get());
        } else {
          g.writeNull();
        }
      }
      case MicroOp.W w -> strings(g, "w", w.key(), w.value());
      case MicroOp.Cas c -> {
        strings(g, "cas", c.key());
        optional(g, c.from());
        g.writeString(c.to());
      }
    }
    g.writeEndArray();
  }

  /** A register as a string, a list as an array of strings. */
  static void writeValue(JsonGenerator g, Value v) throws IOException {
    switch (v) {
      case Value.Register r -> g.writeString(r.value());
      case Value.Items l -> {
        g.writeStartArray();
        for (String e : l.elements()) {
          g.writeString(e);
        }
        g.writeEndArray();
      }
    }
  }

  private static void strings(JsonGenerator g, String... s) throws IOException {
    for (String x : s) {
      g.writeString(x);
    }
  }

  static void optional(JsonGenerator g, Optional<String> s) throws IOException {
    if (s.isPresent()) {
      g.writeString(s.get());
    } else {
      g.writeNull();
    }
  }

  static JsonFactory factory() {
    return FACTORY;
  }
}
