package io.refraft.impl.metrics;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A strict reader of the Prometheus text exposition format 0.0.4, written from the format's
 * description (not from our writer), for the tests: every line is a HELP, a TYPE or a sample; every
 * family has its HELP and then its TYPE before any of its samples, and its samples are contiguous; a
 * sample's name is its family's (plus {@code _bucket}, {@code _sum}, {@code _count} for a histogram);
 * label names are valid and not repeated, label values use only the escapes {@code \\ \" \n};
 * values are floats as the format spells them; no series appears twice; a counter's name ends in
 * {@code _total} and its values are not negative; a histogram's buckets, per label set, have
 * ascending {@code le}, cumulative counts, end with {@code le="+Inf"} equal to {@code _count}, and
 * come with a {@code _sum}. Any violation throws {@link IllegalArgumentException} naming the line.
 */
final class ExpositionParser {
  private static final Pattern NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
  private static final Pattern LABEL = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
  private static final Pattern FLOAT = Pattern.compile("[+-]?(\\d+(\\.\\d*)?|\\.\\d+)([eE][+-]?\\d+)?");
  private static final Set<String> TYPES = Set.of("counter", "gauge", "histogram", "summary", "untyped");

  record Sample(String name, Map<String, String> labels, double value) {}

  record Family(String name, String help, String type, List<Sample> samples) {}

  private final Map<String, Family> families = new LinkedHashMap<>();
  private final Set<String> series = new HashSet<>();
  private String helpName;
  private String helpText;
  private Family current;
  private int line;

  private ExpositionParser() {}

  /** Every family, in order; throws on the first violation. */
  static Map<String, Family> parse(String text) {
    ExpositionParser p = new ExpositionParser();
    if (!text.isEmpty() && !text.endsWith("\n")) {
      throw new IllegalArgumentException("the exposition does not end with a line feed");
    }
    String[] lines = text.split("\n", -1);
    for (int k = 0; k < lines.length - 1; k++) { // the last element is what follows the last line feed: ""
      p.line = k + 1;
      p.line(lines[k]);
    }
    p.endFamily();
    if (p.helpName != null) {
      throw new IllegalArgumentException("HELP for " + p.helpName + " without a TYPE");
    }
    return p.families;
  }

  private IllegalArgumentException bad(String why) {
    return new IllegalArgumentException("line " + line + ": " + why);
  }

  private void line(String l) {
    if (l.startsWith("# HELP ")) {
      help(l.substring(7));
    } else if (l.startsWith("# TYPE ")) {
      type(l.substring(7));
    } else if (l.startsWith("#") || l.isBlank()) {
      throw bad("only HELP, TYPE and sample lines are expected, got '" + l + "'");
    } else {
      sample(l);
    }
  }

  private void help(String rest) {
    int sp = rest.indexOf(' ');
    String name = sp < 0 ? rest : rest.substring(0, sp);
    String text = sp < 0 ? "" : rest.substring(sp + 1);
    if (!NAME.matcher(name).matches()) {
      throw bad("bad metric name in HELP: '" + name + "'");
    }
    if (families.containsKey(name) || name.equals(helpName)) {
      throw bad("second HELP for " + name);
    }
    if (helpName != null) {
      throw bad("HELP for " + name + " while " + helpName + " has no TYPE yet");
    }
    for (int i = 0; i < text.length(); i++) {
      if (text.charAt(i) == '\\') {
        if (i + 1 >= text.length() || (text.charAt(i + 1) != '\\' && text.charAt(i + 1) != 'n')) {
          throw bad("bad escape in HELP text");
        }
        i++;
      }
    }
    endFamily();
    helpName = name;
    helpText = text;
  }

  private void type(String rest) {
    String[] parts = rest.split(" ", -1);
    if (parts.length != 2 || !TYPES.contains(parts[1])) {
      throw bad("TYPE must be 'name type', got '" + rest + "'");
    }
    String name = parts[0];
    if (!name.equals(helpName)) {
      throw bad("TYPE for " + name + " must follow its HELP (this checker requires HELP on every family)");
    }
    if (parts[1].equals("counter") && !name.endsWith("_total")) {
      throw bad("counter " + name + " does not end in _total");
    }
    current = new Family(name, helpText, parts[1], new ArrayList<>());
    families.put(name, current);
    helpName = null;
    helpText = null;
  }

  private void sample(String l) {
    Matcher m = NAME.matcher(l);
    if (!m.lookingAt()) {
      throw bad("a sample line starts with a metric name: '" + l + "'");
    }
    String name = m.group();
    int i = m.end();
    Map<String, String> labels = new TreeMap<>();
    if (i < l.length() && l.charAt(i) == '{') {
      i = labels(l, i + 1, labels);
    }
    if (i >= l.length() || l.charAt(i) != ' ') {
      throw bad("a single space must separate the sample's name or labels from its value");
    }
    String[] rest = l.substring(i + 1).split(" ", -1);
    if (rest.length > 2 || (rest.length == 2 && !rest[1].matches("-?\\d+"))) {
      throw bad("after the value only a timestamp in ms may follow: '" + l + "'");
    }
    double value = value(rest[0]);
    if (current == null || !belongs(name, current)) {
      throw bad("sample " + name + " outside its family's HELP/TYPE block");
    }
    if (current.type().equals("counter") && value < 0) {
      throw bad("counter " + name + " is negative");
    }
    if (!series.add(name + labels)) {
      throw bad("series " + name + labels + " appears twice");
    }
    current.samples().add(new Sample(name, labels, value));
  }

  private int labels(String l, int i, Map<String, String> out) {
    while (true) {
      if (i < l.length() && l.charAt(i) == '}') {
        return i + 1;
      }
      Matcher m = LABEL.matcher(l).region(i, l.length());
      if (!m.lookingAt()) {
        throw bad("bad label name at column " + i);
      }
      String name = m.group();
      i = m.end();
      if (!l.startsWith("=\"", i)) {
        throw bad("label " + name + " must be followed by =\"");
      }
      i += 2;
      StringBuilder v = new StringBuilder();
      while (true) {
        if (i >= l.length()) {
          throw bad("unterminated value of label " + name);
        }
        char c = l.charAt(i++);
        if (c == '"') {
          break;
        }
        if (c == '\\') {
          char e = i < l.length() ? l.charAt(i++) : 0;
          switch (e) {
            case '\\' -> v.append('\\');
            case '"' -> v.append('"');
            case 'n' -> v.append('\n');
            default -> throw bad("bad escape in the value of label " + name);
          }
        } else {
          v.append(c);
        }
      }
      if (out.put(name, v.toString()) != null) {
        throw bad("label " + name + " repeated");
      }
      if (i < l.length() && l.charAt(i) == ',') {
        i++;
      } else if (i >= l.length() || l.charAt(i) != '}') {
        throw bad("labels must be separated by ',' and closed by '}'");
      }
    }
  }

  private double value(String s) {
    return switch (s) {
      case "NaN" -> Double.NaN;
      case "+Inf" -> Double.POSITIVE_INFINITY;
      case "-Inf" -> Double.NEGATIVE_INFINITY;
      default -> {
        if (!FLOAT.matcher(s).matches()) {
          throw bad("not a sample value: '" + s + "'");
        }
        yield Double.parseDouble(s);
      }
    };
  }

  private static boolean belongs(String sample, Family f) {
    if (!f.type().equals("histogram")) {
      return sample.equals(f.name());
    }
    return sample.equals(f.name() + "_bucket") || sample.equals(f.name() + "_sum") || sample.equals(f.name() + "_count");
  }

  /** Checks the finished family's histograms, per label set without {@code le}. */
  private void endFamily() {
    Family f = current;
    current = null;
    if (f == null || !f.type().equals("histogram")) {
      return;
    }
    Map<Map<String, String>, List<Sample>> buckets = new LinkedHashMap<>();
    Map<Map<String, String>, Double> counts = new LinkedHashMap<>();
    Set<Map<String, String>> sums = new HashSet<>();
    for (Sample s : f.samples()) {
      Map<String, String> key = new TreeMap<>(s.labels());
      if (s.name().endsWith("_bucket")) {
        if (key.remove("le") == null) {
          throw new IllegalArgumentException(f.name() + ": a bucket without le " + s.labels());
        }
        buckets.computeIfAbsent(key, k -> new ArrayList<>()).add(s);
      } else if (s.labels().containsKey("le")) {
        throw new IllegalArgumentException(f.name() + ": le on " + s.name());
      } else if (s.name().endsWith("_count")) {
        counts.put(key, s.value());
      } else {
        sums.add(key);
      }
    }
    if (!buckets.keySet().equals(counts.keySet()) || !counts.keySet().equals(sums)) {
      throw new IllegalArgumentException(f.name() + ": every label set needs buckets, _sum and _count");
    }
    buckets.forEach((key, bs) -> {
      double le = Double.NEGATIVE_INFINITY;
      double c = 0;
      for (Sample b : bs) {
        double bound = value(b.labels().get("le"));
        if (!(bound > le) || b.value() < c) {
          throw new IllegalArgumentException(f.name() + key + ": buckets must have ascending le and cumulative counts");
        }
        le = bound;
        c = b.value();
      }
      if (le != Double.POSITIVE_INFINITY) {
        throw new IllegalArgumentException(f.name() + key + ": the last bucket must be le=\"+Inf\"");
      }
      if (c != counts.get(key)) {
        throw new IllegalArgumentException(f.name() + key + ": the +Inf bucket " + c + " differs from _count "
            + counts.get(key));
      }
    });
  }

  /** The one sample of {@code name} with exactly these labels (alternating names and values), or NaN when absent. */
  static double value(Map<String, Family> families, String name, String... labels) {
    Map<String, String> want = new TreeMap<>();
    for (int i = 0; i < labels.length; i += 2) {
      want.put(labels[i], labels[i + 1]);
    }
    for (Family f : families.values()) {
      for (Sample s : f.samples()) {
        if (s.name().equals(name) && s.labels().equals(want)) {
          return s.value();
        }
      }
    }
    return Double.NaN;
  }
}
