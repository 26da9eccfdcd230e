package io.refraft.traces;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamReadException;
import io.refraft.spec.Entry;
import io.refraft.spec.NodeId;
import io.refraft.spec.Payload;
import java.io.IOException;
import java.io.Serial;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * Token-level helpers shared by the header and step decoders: each reads one JSON value of the
 * type FORMAT.md requires and throws {@link Bad} naming the field otherwise. Streaming (no tree),
 * because the validator reads millions of lines.
 */
final class LineParser {
  private final JsonParser p;

  LineParser(JsonParser p) {
    this.p = p;
  }

  /** A violation of the format inside one line; the reader adds file and line. */
  static final class Bad extends RuntimeException {
    @Serial private static final long serialVersionUID = 1L;

    Bad(String reason) {
      super(reason, null, false, false);
    }
  }

  JsonToken next() throws IOException {
    try {
      return p.nextToken();
    } catch (StreamReadException e) {
      throw new Bad("not valid JSON: " + e.getOriginalMessage());
    }
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
      throw new Bad("unknown field '" + field + "' in " + where);
    }
    next();
    p.skipChildren();
  }

  void end() throws IOException {
    JsonToken t;
    try {
      t = p.nextToken();
    } catch (StreamReadException e) {
      throw new Bad("not valid JSON: " + e.getOriginalMessage());
    }
    if (t != null) {
      throw new Bad("more than one JSON value on the line");
    }
  }

  long integer(String field) throws IOException {
    if (next() != JsonToken.VALUE_NUMBER_INT) {
      throw new Bad("'" + field + "' must be an integer");
    }
    if (p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
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
    String s = string(field);
    try {
      return NodeId.of(s);
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
    try {
      return Optional.of(NodeId.of(p.getText()));
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

  /** A payload's fields, the opening brace already read: {@code type} NoOp or Data, {@code data} base64. */
  Payload payloadBody(String where) throws IOException {
    String type = null;
    String data = null;
    for (String f = field(); f != null; f = field()) {
      switch (f) {
        case "type" -> type = string("type");
        case "data" -> data = string("data");
        case "term" -> throw new Bad("'term' is not allowed in " + where);
        default -> unknown(f, where);
      }
    }
    return payload(type, data, where);
  }

  static Payload payload(String type, String data, String where) {
    if (type == null) {
      throw new Bad(where + " needs 'type' (NoOp or Data)");
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
      default -> throw new Bad(where + ": unknown payload type '" + type + "' (NoOp or Data)");
    };
  }

  /** An array of entries {@code {"term":..,"type":..,"data":..}}. */
  List<Entry> entries(String field) throws IOException {
    startArray(field);
    List<Entry> out = new ArrayList<>();
    while (nextObjectInArray(field)) {
      long term = -1;
      String type = null;
      String data = null;
      for (String f = field(); f != null; f = field()) {
        switch (f) {
          case "term" -> term = integer("term");
          case "type" -> type = string("type");
          case "data" -> data = string("data");
          default -> unknown(f, "an entry");
        }
      }
      if (term < 1) {
        throw new Bad("entry " + (out.size() + 1) + " of '" + field + "' needs 'term' >= 1");
      }
      out.add(new Entry(term, payload(type, data, "entry " + (out.size() + 1) + " of '" + field + "'")));
    }
    return out;
  }
}
