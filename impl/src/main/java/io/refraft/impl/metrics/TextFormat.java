package io.refraft.impl.metrics;

import java.math.BigDecimal;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The Prometheus text exposition format, version 0.0.4: per family a {@code # HELP} and a
 * {@code # TYPE} line, then one line per sample, {@code name{label="value",...} value}. The escapes
 * are the format's: in HELP text a backslash and a line feed ({@code \\}, {@code \n}); in a label
 * value those and the double quote ({@code \"}).
 */
public final class TextFormat {
  /** The Content-Type of a scrape answer. */
  public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  static final Pattern METRIC_NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
  static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");

  private TextFormat() {}

  static void header(StringBuilder out, String name, String help, String type) {
    out.append("# HELP ").append(name).append(' ');
    for (int i = 0; i < help.length(); i++) {
      char c = help.charAt(i);
      switch (c) {
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        default -> out.append(c);
      }
    }
    out.append('\n').append("# TYPE ").append(name).append(' ').append(type).append('\n');
  }

  /**
   * One sample line. {@code extraName}/{@code extraValue} is one more label after the family's
   * ({@code le} of a histogram bucket), or null.
   */
  static void sample(StringBuilder out, String name, List<String> labelNames, List<String> labelValues,
      String extraName, String extraValue, double value) {
    out.append(name);
    if (!labelNames.isEmpty() || extraName != null) {
      out.append('{');
      for (int i = 0; i < labelNames.size(); i++) {
        label(out, i > 0, labelNames.get(i), labelValues.get(i));
      }
      if (extraName != null) {
        label(out, !labelNames.isEmpty(), extraName, extraValue);
      }
      out.append('}');
    }
    out.append(' ').append(value(value)).append('\n');
  }

  private static void label(StringBuilder out, boolean comma, String name, String value) {
    if (comma) {
      out.append(',');
    }
    out.append(name).append("=\"");
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      switch (c) {
        case '\\' -> out.append("\\\\");
        case '"' -> out.append("\\\"");
        case '\n' -> out.append("\\n");
        default -> out.append(c);
      }
    }
    out.append('"');
  }

  /** A sample value: whole numbers without a fraction, NaN and the infinities as the format spells them. */
  static String value(double v) {
    if (Double.isNaN(v)) {
      return "NaN";
    }
    if (Double.isInfinite(v)) {
      return v > 0 ? "+Inf" : "-Inf";
    }
    if (v == Math.rint(v) && Math.abs(v) < 1e15) {
      return Long.toString((long) v);
    }
    return Double.toString(v);
  }

  /** A bucket bound as an {@code le} value: plain decimal, no exponent ("0.0005", "1", "+Inf"). */
  static String bound(double b) {
    if (Double.isInfinite(b)) {
      return "+Inf";
    }
    return BigDecimal.valueOf(b).stripTrailingZeros().toPlainString();
  }
}
