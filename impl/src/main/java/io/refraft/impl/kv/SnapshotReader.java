package io.refraft.impl.kv;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Decodes what {@link Snapshots#encode} wrote, strictly: every field present with its type and
 * range, no other field, keys and sessions in the order the encoder writes them, so a decoded
 * snapshot encodes to exactly its input bytes. Errors name the field ({@link MalformedSnapshotException}).
 */
final class SnapshotReader {

  /** A decoded snapshot. */
  record State(long applied, long clock, TreeMap<String, Value> data, List<Sessions.Session> sessions) {}

  private static final JsonFactory FACTORY = JsonFactory.builder()
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();
  private static final ObjectMapper MAPPER = new ObjectMapper(FACTORY)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private SnapshotReader() {}

  static State read(byte[] bytes) throws MalformedSnapshotException {
    JsonNode root;
    try (JsonParser p = FACTORY.createParser(bytes)) {
      root = MAPPER.readTree(p);
    } catch (JsonProcessingException e) {
      throw new MalformedSnapshotException("", "not JSON: " + e.getOriginalMessage() + " at byte "
          + e.getLocation().getByteOffset());
    } catch (IOException e) {
      throw new UncheckedIOException(e); // reading a byte array does no I/O
    }
    object(root, "", Set.of("v", "applied", "clock", "data", "sessions"));
    if (number(root, "", "v", 1) != 1) {
      throw new MalformedSnapshotException("v", "unsupported version " + root.get("v") + " (this node reads 1)");
    }
    return new State(number(root, "", "applied", 0), number(root, "", "clock", 0), data(root.get("data")),
        sessions(root.get("sessions")));
  }

  private static TreeMap<String, Value> data(JsonNode data) throws MalformedSnapshotException {
    if (!data.isObject()) {
      throw new MalformedSnapshotException("data", "must be an object of key: value, got " + data.getNodeType());
    }
    TreeMap<String, Value> out = new TreeMap<>();
    String previous = null;
    for (Map.Entry<String, JsonNode> e : data.properties()) {
      String at = "data[" + quote(e.getKey()) + "]";
      int keyBytes = e.getKey().getBytes(StandardCharsets.UTF_8).length;
      if (keyBytes == 0 || keyBytes > CommandCodec.MAX_KEY_BYTES) {
        throw new MalformedSnapshotException(at, "a key must be 1.." + CommandCodec.MAX_KEY_BYTES + " UTF-8 bytes");
      }
      if (previous != null && previous.compareTo(e.getKey()) >= 0) {
        throw new MalformedSnapshotException(at, "keys must be in ascending order; it follows " + quote(previous));
      }
      previous = e.getKey();
      out.put(e.getKey(), value(e.getValue(), at));
    }
    return out;
  }

  private static List<Sessions.Session> sessions(JsonNode sessions) throws MalformedSnapshotException {
    if (!sessions.isArray()) {
      throw new MalformedSnapshotException("sessions", "must be an array, got " + sessions.getNodeType());
    }
    List<Sessions.Session> out = new ArrayList<>(sessions.size());
    for (int i = 0; i < sessions.size(); i++) {
      String at = "sessions[" + i + "]";
      JsonNode s = sessions.get(i);
      object(s, at, Set.of("c", "q", "active", "result"));
      long client = number(s, at, "c", 1);
      if (!out.isEmpty() && out.getLast().clientId() >= client) {
        throw new MalformedSnapshotException(at + ".c", "sessions must be in ascending client id order; " + client
            + " follows " + out.getLast().clientId());
      }
      out.add(new Sessions.Session(client, number(s, at, "q", 0), ResultReader.result(s.get("result"), at + ".result"),
          number(s, at, "active", 0)));
    }
    return out;
  }

  /** A register (a string) or a list (an array of strings). */
  static Value value(JsonNode v, String at) throws MalformedSnapshotException {
    if (v.isTextual()) {
      return new Value.Register(string(v, at));
    }
    if (!v.isArray()) {
      throw new MalformedSnapshotException(at, "a value is a string or an array of strings, got " + v.getNodeType());
    }
    List<String> items = new ArrayList<>(v.size());
    for (int i = 0; i < v.size(); i++) {
      items.add(string(v.get(i), at + "[" + i + "]"));
    }
    return new Value.Items(items);
  }

  static String string(JsonNode v, String at) throws MalformedSnapshotException {
    if (v == null || !v.isTextual()) {
      throw new MalformedSnapshotException(at, "must be a string, got " + (v == null ? "nothing" : v.getNodeType()));
    }
    if (v.asText().getBytes(StandardCharsets.UTF_8).length > CommandCodec.MAX_VALUE_BYTES) {
      throw new MalformedSnapshotException(at, "a value must be at most " + CommandCodec.MAX_VALUE_BYTES + " UTF-8 bytes");
    }
    return v.asText();
  }

  /** Checks that {@code n} is an object with exactly {@code fields}. */
  static void object(JsonNode n, String at, Set<String> fields) throws MalformedSnapshotException {
    if (n == null || !n.isObject()) {
      throw new MalformedSnapshotException(at, "must be an object with " + new java.util.TreeSet<>(fields));
    }
    for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!fields.contains(f)) {
        throw new MalformedSnapshotException(join(at, f), "unknown field (known: " + new java.util.TreeSet<>(fields) + ")");
      }
    }
    for (String f : fields) {
      if (!n.has(f)) {
        throw new MalformedSnapshotException(join(at, f), "missing");
      }
    }
  }

  static long number(JsonNode n, String at, String field, long min) throws MalformedSnapshotException {
    JsonNode v = n.get(field);
    if (v == null) {
      throw new MalformedSnapshotException(join(at, field), "missing");
    }
    if (!v.isIntegralNumber() || !v.canConvertToLong() || v.asLong() < min) {
      throw new MalformedSnapshotException(join(at, field), "must be an integer >= " + min + ", got " + v);
    }
    return v.asLong();
  }

  static Optional<String> optionalString(JsonNode v, String at) throws MalformedSnapshotException {
    return v != null && v.isNull() ? Optional.empty() : Optional.of(string(v, at));
  }

  static String join(String at, String field) {
    return at.isEmpty() ? field : at + "." + field;
  }

  private static String quote(String key) {
    return "\"" + (key.length() > 40 ? key.substring(0, 40) + "…" : key) + "\"";
  }
}
