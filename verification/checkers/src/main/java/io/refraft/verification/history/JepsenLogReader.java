package io.refraft.verification.history;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import us.bpsm.edn.EdnException;
import us.bpsm.edn.parser.Parser;
import us.bpsm.edn.parser.Parsers;

/**
 * Reads the old Jepsen text log ({@code jepsen.util/log-op}), as in Porcupine's etcd data:
 * {@code INFO  jepsen.util - 3	:invoke	:cas	[1 4]}. Fields are separated by tabs or spaces; the
 * value is EDN ({@code nil}, an integer, {@code [from to]}, {@code :timed-out}). Every line is
 * kept as it is: an {@code :info} line completes its op as crashed, which is what Porcupine's
 * reading (ignore it, leave the op open to the end) means too.
 */
final class JepsenLogReader {
  private static final Pattern LINE = Pattern.compile(
      "^\\S+\\s+jepsen\\.util\\s+-\\s+(\\S+)\\s+:(\\S+)\\s+:(\\S+)\\s*(.*)$");

  private final String file;
  private final OpFields fields;

  JepsenLogReader(String file) {
    this.file = file;
    this.fields = new OpFields(file);
  }

  static boolean looksLikeLog(String firstLine) {
    return LINE.matcher(firstLine).matches();
  }

  History read(String text) throws HistoryFormatException {
    Parser parser = Parsers.newParser(Parsers.defaultConfiguration());
    List<OpFields.Located> ops = new ArrayList<>();
    String[] lines = text.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i].strip();
      int no = i + 1;
      if (line.isEmpty()) {
        continue;
      }
      Matcher m = LINE.matcher(line);
      if (!m.matches()) {
        throw new HistoryFormatException(file, no,
            "not a Jepsen log-op line (expected 'INFO  jepsen.util - PROCESS :TYPE :F VALUE')");
      }
      Object process;
      try {
        process = Long.parseLong(m.group(1));
      } catch (NumberFormatException e) {
        process = Keyword.of(m.group(1).startsWith(":") ? m.group(1).substring(1) : m.group(1));
      }
      String type = m.group(2).toLowerCase(Locale.ROOT);
      java.util.Map<String, Object> map = new java.util.LinkedHashMap<>();
      map.put("type", Keyword.of(type));
      map.put("f", Keyword.of(m.group(3)));
      map.put("process", process);
      map.put("value", value(parser, m.group(4), no));
      ops.add(fields.toOp(map, no, false));
    }
    fields.checkPairing(ops);
    return fields.assign(ops);
  }

  private Object value(Parser parser, String text, int line) throws HistoryFormatException {
    if (text.isEmpty()) {
      return null;
    }
    try {
      LineParseable in = new LineParseable(text);
      Object v = EdnValues.fromEdn(parser.nextValue(in));
      if (in.skipBlank() != -1) {
        throw new HistoryFormatException(file, line, "unexpected text after the value: " + HistoryFormatException.excerpt(text));
      }
      return v;
    } catch (EdnException | EdnValues.Unsupported e) {
      throw new HistoryFormatException(file, line, "malformed value '" + HistoryFormatException.excerpt(text) + "': "
          + HistoryFormatException.excerpt(e.getMessage()));
    }
  }
}
