package io.refraft.verification.history;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** The history formats refraft reads; {@link #AUTO} tells them apart by content. */
public enum HistoryFormat {
  /** Detect by content: see {@link #detect}. */
  AUTO("auto"),
  /** Jepsen EDN: one op map per line (or any whitespace), or one vector of op maps (Knossos). */
  EDN("edn"),
  /** The old Jepsen text log: {@code INFO  jepsen.util - 3 :invoke :cas [1 4]}. */
  JEPSEN_LOG("jepsen-log"),
  /** Porcupine's kv format: EDN op maps with {@code :key}; values become {@code [key value]}. */
  PORCUPINE_KV("porcupine-kv"),
  /** refraft JSONL: one JSON op object per line. */
  JSONL("jsonl");

  private final String cliName;

  HistoryFormat(String cliName) {
    this.cliName = cliName;
  }

  /** The name used on the command line, e.g. {@code jepsen-log}. */
  public String cliName() {
    return cliName;
  }

  /** The format named {@code name} on the command line. */
  public static HistoryFormat fromCliName(String name) {
    for (HistoryFormat f : values()) {
      if (f.cliName.equals(name.toLowerCase(Locale.ROOT))) {
        return f;
      }
    }
    throw new IllegalArgumentException("unknown history format '" + name
        + "' (expected auto, edn, jepsen-log, porcupine-kv or jsonl)");
  }

  /**
   * Detects the format from the first line that is neither blank nor a {@code ;} comment: a
   * Jepsen log-op line, a JSON object (starts {@code {"}), else EDN; EDN whose first op has a
   * {@code :key} is read as Porcupine kv. An empty text reads as an empty EDN history.
   */
  public static HistoryFormat detect(String text) {
    // Line by line up to the first non-blank one: the text may be a 30 MB history.
    for (int start = 0, end; start <= text.length(); start = end + 1) {
      end = text.indexOf('\n', start);
      end = end < 0 ? text.length() : end;
      String line = text.substring(start, end).strip();
      if (line.isEmpty() || line.startsWith(";")) {
        continue;
      }
      if (JepsenLogReader.looksLikeLog(line)) {
        return JEPSEN_LOG;
      }
      if (line.startsWith("{") && line.substring(1).stripLeading().startsWith("\"")) {
        return JSONL;
      }
      return EDN;
    }
    return EDN;
  }

  /** Reads {@code path}; errors name the path as given. */
  public History read(Path path) throws IOException, HistoryFormatException {
    return read(path.toString(), Files.readString(path, StandardCharsets.UTF_8));
  }

  /** Reads {@code text}, naming {@code file} in errors. */
  public History read(String file, String text) throws HistoryFormatException {
    return switch (this == AUTO ? detect(text) : this) {
      case AUTO, EDN -> new EdnHistoryReader(file).read(text,
          this == AUTO ? EdnHistoryReader.KeyMode.IF_FIRST_OP_HAS_KEY : EdnHistoryReader.KeyMode.NEVER);
      case PORCUPINE_KV -> new EdnHistoryReader(file).read(text, EdnHistoryReader.KeyMode.ALWAYS);
      case JEPSEN_LOG -> new JepsenLogReader(file).read(text);
      case JSONL -> new JsonlHistoryReader(file).read(text);
    };
  }
}
