package io.refraft.impl.kv;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
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

  /**
   * Field names are neither canonicalized nor interned, and duplicates are not looked up in a set:
   * the keys of {@code data} are field names, hundreds of thousands of them, each seen once; the
   * reader refuses a repeated one itself (keys must ascend, top-level fields are counted, and the
   * sessions' trees fail on a repeated field).
   */
  private static final JsonFactory FACTORY = JsonFactory.builder()
      .disable(JsonFactory.Feature.CANONICALIZE_FIELD_NAMES).disable(JsonFactory.Feature.INTERN_FIELD_NAMES).build();
  /** Reads one value where the parser stands (the top level's tokens are checked by {@link #read}). */
  private static final ObjectMapper MAPPER = new ObjectMapper(FACTORY)
      .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY);
  private static final Set<String> FIELDS = Set.of("v", "applied", "clock", "data", "sessions");

  private SnapshotReader() {}

  /**
   * Streams the snapshot: its {@code data} object, which holds every key, is read one key at a time
   * (a tree of a million keys took seconds and several times the snapshot's size in heap); the
   * sessions, at most the session limit of them, are read as a tree.
   */
  static State read(byte[] bytes) throws MalformedSnapshotException {
    try (JsonParser p = FACTORY.createParser(bytes)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new MalformedSnapshotException("", "must be an object with " + new java.util.TreeSet<>(FIELDS));
      }
      Map<String, Object> fields = new java.util.HashMap<>();
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String f = p.currentName();
        if (fields.containsKey(f)) {
          throw new MalformedSnapshotException(f, "appears twice");
        }
        p.nextToken();
        fields.put(f, switch (f) {
          case "v", "applied", "clock" -> number(MAPPER.readTree(p), f, f.equals("v") ? 1 : 0);
          case "data" -> data(p);
          case "sessions" -> sessions(MAPPER.readTree(p));
          default -> throw new MalformedSnapshotException(f, "unknown field (known: " + new java.util.TreeSet<>(FIELDS) + ")");
        });
      }
      if (p.nextToken() != null) {
        throw new MalformedSnapshotException("", "not JSON: trailing token at byte " + p.currentLocation().getByteOffset());
      }
      for (String f : FIELDS) {
        if (!fields.containsKey(f)) {
          throw new MalformedSnapshotException(f, "missing");
        }
      }
      if ((long) fields.get("v") != 1) {
        throw new MalformedSnapshotException("v", "unsupported version " + fields.get("v") + " (this node reads 1)");
      }
      @SuppressWarnings("unchecked")
      TreeMap<String, Value> data = (TreeMap<String, Value>) fields.get("data");
      @SuppressWarnings("unchecked")
      List<Sessions.Session> sessions = (List<Sessions.Session>) fields.get("sessions");
      return new State((long) fields.get("applied"), (long) fields.get("clock"), data, sessions);
    } catch (JsonProcessingException e) {
      throw new MalformedSnapshotException("", "not JSON: " + e.getOriginalMessage() + " at byte "
          + e.getLocation().getByteOffset());
    } catch (IOException e) {
      throw new UncheckedIOException(e); // reading a byte array does no I/O
    }
  }

  /** The {@code data} object, the parser at its start; keys in ascending order. */
  private static TreeMap<String, Value> data(JsonParser p) throws IOException, MalformedSnapshotException {
    if (p.currentToken() != JsonToken.START_OBJECT) {
      throw new MalformedSnapshotException("data", "must be an object of key: value, got " + describe(p.currentToken()));
    }
    TreeMap<String, Value> out = new TreeMap<>();
    String previous = null;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String key = p.currentName();
      int keyBytes = utf8Length(key);
      if (keyBytes == 0 || keyBytes > CommandCodec.MAX_KEY_BYTES) {
        throw new MalformedSnapshotException(at(key), "a key must be 1.." + CommandCodec.MAX_KEY_BYTES + " UTF-8 bytes");
      }
      if (previous != null && previous.compareTo(key) >= 0) {
        throw new MalformedSnapshotException(at(key), previous.equals(key) ? "appears twice"
            : "keys must be in ascending order; it follows " + quote(previous));
      }
      previous = key;
      p.nextToken();
      out.put(key, value(p, key));
    }
    return out;
  }

  /** The value of {@code key} (a register, a string, or a list, an array of strings), the parser at its first token. */
  private static Value value(JsonParser p, String key) throws IOException, MalformedSnapshotException {
    if (p.currentToken() == JsonToken.VALUE_STRING) {
      return new Value.Register(checkedValue(p.getText(), key, -1));
    }
    if (p.currentToken() != JsonToken.START_ARRAY) {
      throw new MalformedSnapshotException(at(key), "a value is a string or an array of strings, got "
          + describe(p.currentToken()));
    }
    List<String> items = new ArrayList<>();
    while (p.nextToken() != JsonToken.END_ARRAY) {
      if (p.currentToken() != JsonToken.VALUE_STRING) {
        throw new MalformedSnapshotException(at(key) + "[" + items.size() + "]", "must be a string, got "
            + describe(p.currentToken()));
      }
      items.add(checkedValue(p.getText(), key, items.size()));
    }
    return new Value.Items(items);
  }

  /** Where {@code key}'s value is, for an error (built only then: a snapshot holds millions of keys). */
  private static String at(String key) {
    return "data[" + quote(key) + "]";
  }

  private static String describe(JsonToken t) {
    return switch (t) {
      case START_OBJECT -> "OBJECT";
      case START_ARRAY -> "ARRAY";
      case VALUE_STRING -> "STRING";
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "NUMBER";
      case VALUE_TRUE, VALUE_FALSE -> "BOOLEAN";
      case VALUE_NULL -> "NULL";
      default -> String.valueOf(t);
    };
  }

  /** UTF-8 length without encoding when the string is short enough not to matter. */
  private static int utf8Length(String s) {
    boolean ascii = true;
    for (int i = 0; i < s.length() && ascii; i++) {
      ascii = s.charAt(i) < 0x80;
    }
    return ascii ? s.length() : s.getBytes(StandardCharsets.UTF_8).length;
  }

  /** {@code v}, the value of {@code key} (its item {@code item} when at least 0), if it is not too long. */
  private static String checkedValue(String v, String key, int item) throws MalformedSnapshotException {
    if (v.length() > CommandCodec.MAX_VALUE_BYTES / 3 && utf8Length(v) > CommandCodec.MAX_VALUE_BYTES) {
      throw new MalformedSnapshotException(at(key) + (item < 0 ? "" : "[" + item + "]"), "a value must be at most " + CommandCodec.MAX_VALUE_BYTES + " UTF-8 bytes");
    }
    return v;
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
    return number(v, join(at, field), min);
  }

  /** {@code v}, a whole number at least {@code min}. */
  static long number(JsonNode v, String at, long min) throws MalformedSnapshotException {
    if (!v.isIntegralNumber() || !v.canConvertToLong() || v.asLong() < min) {
      throw new MalformedSnapshotException(at, "must be an integer >= " + min + ", got " + v);
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
