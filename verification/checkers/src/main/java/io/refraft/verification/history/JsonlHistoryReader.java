package io.refraft.verification.history;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads refraft's JSONL histories (one JSON op object per line; verification/checkers/README.md defines
 * the format). JSON has no keywords: {@code type}, {@code f}, a string {@code process} and the
 * first element of each micro-op of a {@code txn} value are keywords; every other string stays a
 * string.
 */
final class JsonlHistoryReader {
  static final Keyword TXN = Keyword.of("txn");

  private final String file;
  private final OpFields fields;
  private final ObjectMapper json = new ObjectMapper();

  JsonlHistoryReader(String file) {
    this.file = file;
    this.fields = new OpFields(file);
  }

  History read(String text) throws HistoryFormatException {
    List<OpFields.Located> ops = new ArrayList<>();
    String[] lines = text.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i].strip();
      int no = i + 1;
      if (line.isEmpty()) {
        continue;
      }
      JsonNode node;
      try {
        node = json.readTree(line);
      } catch (JacksonException e) {
        throw new HistoryFormatException(file, no, "malformed JSON: " + e.getOriginalMessage());
      }
      if (node == null || !node.isObject()) {
        throw new HistoryFormatException(file, no, "expected one JSON object per line");
      }
      Map<String, Object> map = new LinkedHashMap<>();
      for (Map.Entry<String, JsonNode> e : node.properties()) {
        map.put(e.getKey(), plain(e.getValue(), no));
      }
      OpFields.Located l = fields.toOp(map, no, true);
      if (l.op().f().equals(TXN)) {
        l = new OpFields.Located(l.op().withValue(keywordMicroOps(l.op().value())), l.declaredIndex(), l.line());
      }
      ops.add(l);
    }
    fields.checkPairing(ops);
    return fields.assign(ops);
  }

  private Object plain(JsonNode n, int line) throws HistoryFormatException {
    return switch (n.getNodeType()) {
      case NULL, MISSING -> null;
      case BOOLEAN -> n.booleanValue();
      case STRING -> n.textValue();
      case NUMBER -> {
        if (n.isIntegralNumber()) {
          if (!n.canConvertToLong()) {
            throw new HistoryFormatException(file, line, "integer " + n + " does not fit in 64 bits");
          }
          yield n.longValue();
        }
        yield n.doubleValue();
      }
      case ARRAY -> {
        List<Object> out = new ArrayList<>(n.size());
        for (JsonNode e : n) {
          out.add(plain(e, line));
        }
        yield Collections.unmodifiableList(out);
      }
      case OBJECT -> {
        Map<Object, Object> out = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : n.properties()) {
          out.put(e.getKey(), plain(e.getValue(), line));
        }
        yield Collections.unmodifiableMap(out);
      }
      case BINARY, POJO -> throw new HistoryFormatException(file, line, "unsupported JSON value " + n);
    };
  }

  private static Object keywordMicroOps(Object value) {
    if (!(value instanceof List<?> txn)) {
      return value;
    }
    List<Object> out = new ArrayList<>(txn.size());
    for (Object m : txn) {
      if (m instanceof List<?> mop && !mop.isEmpty() && mop.get(0) instanceof String f && !f.isEmpty()) {
        Object[] copy = mop.toArray();
        copy[0] = Keyword.of(f);
        out.add(Collections.unmodifiableList(Arrays.asList(copy)));
      } else {
        out.add(m);
      }
    }
    return Collections.unmodifiableList(out);
  }
}
