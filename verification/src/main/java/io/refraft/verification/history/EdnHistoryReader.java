package io.refraft.verification.history;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import us.bpsm.edn.EdnException;
import us.bpsm.edn.parser.Parser;
import us.bpsm.edn.parser.Parsers;

/**
 * Reads Jepsen EDN histories: a stream of op maps (Jepsen's {@code history.edn}, Elle's test
 * files) or one vector or list of op maps (Knossos' data files), with {@code ;} comments. Porcupine's kv
 * histories are the same syntax with an extra {@code :key}; in kv mode each op's value becomes the
 * tuple {@code [key value]}, as {@code jepsen.independent} would have written it.
 */
final class EdnHistoryReader {
  /** Whether {@code :key} is folded into the value. */
  enum KeyMode { NEVER, ALWAYS, IF_FIRST_OP_HAS_KEY }

  private final String file;
  private final OpFields fields;

  EdnHistoryReader(String file) {
    this.file = file;
    this.fields = new OpFields(file);
  }

  History read(String text, KeyMode keyMode) throws HistoryFormatException {
    LineParseable in = new LineParseable(text);
    Parser parser = Parsers.newParser(Parsers.defaultConfiguration());
    List<OpFields.Located> ops = new ArrayList<>();
    int open = in.skipBlank();
    boolean vector = open == '[' || open == '(';
    char close = open == '[' ? ']' : ')';
    int vectorLine = in.line();
    if (vector) {
      in.skip();
    }
    Boolean foldKey = switch (keyMode) {
      case NEVER -> false;
      case ALWAYS -> true;
      case IF_FIRST_OP_HAS_KEY -> null;
    };
    while (true) {
      int next = in.skipBlank();
      if (next == -1) {
        if (vector) {
          throw new HistoryFormatException(file, in.line(), "end of file inside the " + (close == ']' ? "vector" : "list")
              + " opened on line " + vectorLine + " (missing " + close + ")");
        }
        break;
      }
      if (vector && next == close) {
        in.skip();
        if (in.skipBlank() != -1) {
          throw new HistoryFormatException(file, in.line(), "unexpected content after the history vector");
        }
        break;
      }
      int line = in.line();
      Map<String, Object> map = nextMap(parser, in, line);
      if (foldKey == null) {
        foldKey = map.containsKey("key");
      }
      if (foldKey) {
        map.put("value", foldKey(map, line));
      }
      ops.add(fields.toOp(map, line, false));
    }
    fields.checkPairing(ops);
    return fields.assign(ops);
  }

  private Map<String, Object> nextMap(Parser parser, LineParseable in, int line) throws HistoryFormatException {
    Object raw;
    try {
      raw = parser.nextValue(in);
    } catch (EdnException e) {
      String where = in.line() == line ? "" : " (the op starting on this line; detected at line " + in.line() + ")";
      throw new HistoryFormatException(file, line, "malformed EDN" + where + ": " + e.getMessage());
    }
    Object value;
    try {
      value = EdnValues.fromEdn(raw);
    } catch (EdnValues.Unsupported e) {
      throw new HistoryFormatException(file, line, e.getMessage());
    }
    if (!(value instanceof Map<?, ?> map)) {
      throw new HistoryFormatException(file, line, "expected an op map {:type … :f … :value …}, got "
          + EdnValues.toEdn(value));
    }
    Map<String, Object> out = new LinkedHashMap<>();
    for (Map.Entry<?, ?> e : map.entrySet()) {
      if (e.getKey() instanceof Keyword k) {
        out.put(k.name(), e.getValue());
      }
    }
    return out;
  }

  private Object foldKey(Map<String, Object> map, int line) throws HistoryFormatException {
    if (!map.containsKey("key")) {
      throw new HistoryFormatException(file, line, "missing field key (Porcupine kv ops carry :key)");
    }
    return java.util.Collections.unmodifiableList(java.util.Arrays.asList(map.get("key"), map.get("value")));
  }
}
