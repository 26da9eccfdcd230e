package io.refraft.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;

/**
 * The one JSON vocabulary of the line a command prints last (docs/json.md): every summary starts
 * with {@code valid} (true, false or "unknown") and {@code exit} (the process's exit code), then
 * the command's own fields. Commands build their line here so that the two shared fields are
 * spelled, typed and ordered the same everywhere.
 */
final class Summary {
  static final ObjectMapper JSON = new ObjectMapper();

  /** A command's verdict, and the exit code each one maps to (docs/ARCHITECTURE.md#the-command-line). */
  enum Verdict {
    VALID(0), INVALID(1), UNKNOWN(3);

    final int exit;

    Verdict(int exit) {
      this.exit = exit;
    }

    static Verdict of(boolean valid) {
      return valid ? VALID : INVALID;
    }

    /** Invalid if either is, else unknown if either is. */
    Verdict and(Verdict other) {
      return this == INVALID || other == INVALID ? INVALID : this == UNKNOWN || other == UNKNOWN ? UNKNOWN : VALID;
    }
  }

  private Summary() {}

  /** A summary whose exit code is the verdict's own. */
  static ObjectNode of(Verdict v) {
    return of(v, v.exit);
  }

  /** A summary with {@code valid} and {@code exit}; the caller adds its own fields after them. */
  static ObjectNode of(Verdict v, int exit) {
    ObjectNode o = JSON.createObjectNode();
    switch (v) {
      case VALID -> o.put("valid", true);
      case INVALID -> o.put("valid", false);
      case UNKNOWN -> o.put("valid", "unknown");
    }
    o.put("exit", exit);
    return o;
  }

  /**
   * {@code fields} (another module's summary object) after {@code valid} and {@code exit}; a
   * {@code valid} among them is replaced by the verdict's.
   */
  static ObjectNode of(Verdict v, int exit, ObjectNode fields) {
    ObjectNode o = of(v, exit);
    fields.properties().forEach(e -> {
      if (!o.has(e.getKey())) {
        o.set(e.getKey(), e.getValue());
      }
    });
    return o;
  }

  /** Prints the summary as the last line of stdout and returns its exit code. */
  static int print(PrintWriter out, ObjectNode summary) {
    out.println(summary.toString());
    out.flush();
    return summary.get("exit").asInt();
  }
}
