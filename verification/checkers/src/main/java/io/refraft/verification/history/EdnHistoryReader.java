package io.refraft.verification.history;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads Jepsen EDN histories: a stream of op maps (Jepsen's {@code history.edn}, Elle's test
 * files) or one vector or list of op maps (Knossos' data files), with {@code ;} comments. Porcupine's kv
 * histories are the same syntax with an extra {@code :key}; in kv mode each op's value becomes the
 * tuple {@code [key value]}, as {@code jepsen.independent} would have written it. Values are read
 * by {@link EdnReader}.
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
    EdnReader in = new EdnReader(text);
    List<OpFields.Located> ops = new ArrayList<>();
    int open = skipBlank(in);
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
      int next = skipBlank(in);
      if (next == -1) {
        if (vector) {
          throw new HistoryFormatException(file, in.line(), "end of file inside the " + (close == ']' ? "vector" : "list")
              + " opened on line " + vectorLine + " (missing " + close + ")");
        }
        break;
      }
      if (vector && next == close) {
        in.skip();
        if (skipBlank(in) != -1) {
          throw new HistoryFormatException(file, in.line(), "unexpected content after the history vector");
        }
        break;
      }
      int line = in.line();
      Map<String, Object> map = nextMap(in, line);
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

  /** Blank may hide a {@code #_} form; an error in it is reported where it was detected. */
  private int skipBlank(EdnReader in) throws HistoryFormatException {
    try {
      return in.skipBlank();
    } catch (EdnReader.SyntaxError e) {
      throw malformed(e, e.line());
    }
  }

  /** Reported at the line where the op starts, so the user finds the op; also says where it broke. */
  private HistoryFormatException malformed(EdnReader.SyntaxError e, int line) {
    String where = e.line() == line ? "" : " (the op starting on this line; detected at line " + e.line() + ")";
    return new HistoryFormatException(file, line, "malformed EDN" + where + ": " + e.getMessage());
  }

  private Map<String, Object> nextMap(EdnReader in, int line) throws HistoryFormatException {
    Object value;
    try {
      value = in.next();
    } catch (EdnReader.SyntaxError e) {
      throw malformed(e, line);
    }
    if (!(value instanceof Map<?, ?> map)) {
      throw new HistoryFormatException(file, line, "expected an op map {:type … :f … :value …}, got "
          + HistoryFormatException.excerpt(EdnValues.toEdn(value)));
    }
    Map<String, Object> out = new LinkedHashMap<>(16);
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
