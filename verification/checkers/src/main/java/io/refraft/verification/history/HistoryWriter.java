package io.refraft.verification.history;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonFactory;
import java.io.IOException;
import java.io.StringWriter;
import java.io.Writer;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Writes histories as Jepsen EDN (one op map per line) or as refraft JSONL. */
public final class HistoryWriter {
  private static final JsonFactory JSON = new JsonFactory();

  private HistoryWriter() {}

  /** One EDN map per line, fields in Jepsen's order, as Jepsen's {@code history.edn}. */
  public static void writeEdn(History history, Writer out) throws IOException {
    StringBuilder sb = new StringBuilder();
    for (Op op : history) {
      sb.setLength(0);
      sb.append("{:type :").append(op.type().keyword()).append(", :f ").append(op.f()).append(", :value ");
      EdnValues.append(sb, op.value());
      if (op.process() != null) {
        sb.append(", :process ");
        EdnValues.append(sb, op.process());
      }
      if (op.time() >= 0) {
        sb.append(", :time ").append(op.time());
      }
      sb.append(", :index ").append(op.index());
      if (op.error() != null) {
        sb.append(", :error ");
        EdnValues.append(sb, op.error());
      }
      sb.append("}\n");
      out.write(sb.toString());
    }
  }

  /** One JSON object per line; keywords are written as their names (see the format's definition). */
  public static void writeJsonl(History history, Writer out) throws IOException {
    for (Op op : history) {
      StringWriter line = new StringWriter();
      try (JsonGenerator g = JSON.createGenerator(line)) {
        g.writeStartObject();
        g.writeNumberField("index", op.index());
        g.writeStringField("type", op.type().keyword());
        if (op.process() != null) {
          g.writeFieldName("process");
          writeJson(g, op.process());
        }
        g.writeStringField("f", op.f().name());
        g.writeFieldName("value");
        writeJson(g, op.value());
        if (op.time() >= 0) {
          g.writeNumberField("time", op.time());
        }
        if (op.error() != null) {
          g.writeFieldName("error");
          writeJson(g, op.error());
        }
        g.writeEndObject();
      }
      out.write(line.toString());
      out.write('\n');
    }
  }

  private static void writeJson(JsonGenerator g, Object v) throws IOException {
    switch (v) {
      case null -> g.writeNull();
      case Long l -> g.writeNumber(l);
      case Double d -> g.writeNumber(d);
      case Boolean b -> g.writeBoolean(b);
      case String s -> g.writeString(s);
      case Keyword k -> g.writeString(k.name());
      case List<?> list -> {
        g.writeStartArray();
        for (Object o : list) {
          writeJson(g, o);
        }
        g.writeEndArray();
      }
      case Set<?> set -> {
        g.writeStartArray();
        for (Object o : set) {
          writeJson(g, o);
        }
        g.writeEndArray();
      }
      case Map<?, ?> map -> {
        g.writeStartObject();
        for (Map.Entry<?, ?> e : map.entrySet()) {
          Object k = e.getKey();
          g.writeFieldName(k instanceof Keyword kw ? kw.name() : String.valueOf(k));
          writeJson(g, e.getValue());
        }
        g.writeEndObject();
      }
      default -> g.writeString(v.toString());
    }
  }
}
