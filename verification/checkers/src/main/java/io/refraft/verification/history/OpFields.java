package io.refraft.verification.history;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Builds an {@link Op} from the fields of one op map (EDN or JSON), checking each field, and
 * assigns indices to a whole file's ops. Errors name the file and line of the map.
 */
final class OpFields {
  private final String file;

  OpFields(String file) {
    this.file = file;
  }

  /** An op read at {@code line}, index still as found (-1 when absent). */
  record Located(Op op, long declaredIndex, int line) {}

  /**
   * @param fields field name (without colon) to plain-data value
   * @param keywordNames whether {@code type}, {@code f} and a non-integer {@code process} arrive as
   *     strings (JSON) rather than keywords (EDN)
   */
  Located toOp(Map<String, Object> fields, int line, boolean keywordNames) throws HistoryFormatException {
    Op.Type type = type(fields.get("type"), line);
    Object value = fields.get("value");
    Keyword f = f(fields.get("f"), value, line, keywordNames);
    Object process = fields.get("process");
    if (keywordNames && process instanceof String s) {
      process = Keyword.of(s);
    }
    if (process != null && !(process instanceof Long) && !(process instanceof Keyword)) {
      throw new HistoryFormatException(file, line, "field process: expected an integer or a keyword, got "
          + HistoryFormatException.excerpt(EdnValues.toEdn(process)));
    }
    long time = nonNegative(fields.get("time"), "time", line, -1);
    long index = nonNegative(fields.get("index"), "index", line, -1);
    Object error = fields.get("error");
    return new Located(new Op(0, type, process, f, value, time, error), index, line);
  }

  private Op.Type type(Object raw, int line) throws HistoryFormatException {
    String name = raw instanceof Keyword k ? k.name() : raw instanceof String s ? s : null;
    if (name == null) {
      throw new HistoryFormatException(file, line, raw == null ? "missing field type (invoke, ok, fail or info)"
          : "field type: expected invoke, ok, fail or info, got " + HistoryFormatException.excerpt(EdnValues.toEdn(raw)));
    }
    return switch (name) {
      case "invoke", "ok", "fail", "info" -> Op.Type.valueOf(name.toUpperCase(Locale.ROOT));
      default -> throw new HistoryFormatException(file, line,
          "field type: unknown op type " + HistoryFormatException.excerpt(name) + " (expected invoke, ok, fail or info)");
    };
  }

  private Keyword f(Object raw, Object value, int line, boolean strings) throws HistoryFormatException {
    if (raw instanceof Keyword k) {
      return k;
    }
    if (strings && raw instanceof String s && !s.isEmpty()) {
      return Keyword.of(s);
    }
    // Elle's paper-example history omits :f on list-append transactions; a value that is a list
    // of [f k v] micro-ops can only be a transaction.
    if (raw == null && looksLikeTxn(value)) {
      return Keyword.of("txn");
    }
    throw new HistoryFormatException(file, line, raw == null ? "missing field f"
        : "field f: expected a keyword, got " + HistoryFormatException.excerpt(EdnValues.toEdn(raw)));
  }

  static boolean looksLikeTxn(Object value) {
    if (!(value instanceof List<?> list) || list.isEmpty()) {
      return false;
    }
    return list.stream().allMatch(m -> m instanceof List<?> mop && !mop.isEmpty() && mop.get(0) instanceof Keyword);
  }

  private long nonNegative(Object raw, String name, int line, long absent) throws HistoryFormatException {
    if (raw == null) {
      return absent;
    }
    if (raw instanceof Long l && l >= 0) {
      return l;
    }
    throw new HistoryFormatException(file, line, "field " + name + ": expected a non-negative integer, got "
        + HistoryFormatException.excerpt(EdnValues.toEdn(raw)));
  }

  /**
   * Keeps declared indices when every op has one (they must increase), assigns 0, 1, 2, … when
   * none has; a file mixing both is rejected, since either choice would misreport positions.
   */
  History assign(List<Located> ops) throws HistoryFormatException {
    boolean any = ops.stream().anyMatch(l -> l.declaredIndex() >= 0);
    List<Op> out = new ArrayList<>(ops.size());
    long previous = -1;
    for (int i = 0; i < ops.size(); i++) {
      Located l = ops.get(i);
      if (!any) {
        out.add(l.op().withIndex(i));
        continue;
      }
      if (l.declaredIndex() < 0) {
        throw new HistoryFormatException(file, l.line(), "missing field index (other ops of this file have one)");
      }
      if (l.declaredIndex() <= previous) {
        throw new HistoryFormatException(file, l.line(), "index " + l.declaredIndex()
            + " does not increase (previous op has index " + previous + ")");
      }
      previous = l.declaredIndex();
      out.add(l.op().withIndex(l.declaredIndex()));
    }
    return History.of(out);
  }

  /** Checks invoke/complete alternation per client process, reporting the offending line. */
  void checkPairing(List<Located> ops) throws HistoryFormatException {
    Map<Object, Integer> open = new java.util.HashMap<>();
    for (Located l : ops) {
      Op op = l.op();
      if (!op.isClient()) {
        continue;
      }
      Integer openLine = open.get(op.process());
      if (op.type() == Op.Type.INVOKE) {
        if (openLine != null) {
          throw new HistoryFormatException(file, l.line(), "process " + op.process()
              + " invokes again while its op of line " + openLine + " has not completed");
        }
        open.put(op.process(), l.line());
      } else if (openLine == null) {
        throw new HistoryFormatException(file, l.line(), "process " + op.process() + " completes (:"
            + op.type().keyword() + ") an op it never invoked");
      } else {
        open.remove(op.process());
      }
    }
  }
}
