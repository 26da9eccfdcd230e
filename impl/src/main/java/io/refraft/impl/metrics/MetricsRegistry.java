package io.refraft.impl.metrics;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * A set of metric families and their text exposition ({@link TextFormat}). Families are registered
 * once, when a node is built; samples are then counted from any thread without a lock
 * ({@link Counter}, {@link Histogram}) or read when scraped ({@link #gauge}, {@link #collect}: values
 * some other part already keeps, such as the driver's published status or the transport's counters).
 *
 * <p>Names are checked at registration against the format and Prometheus' conventions: a counter's
 * name ends in {@code _total}, a histogram does not use the label {@code le}, a name is registered
 * once. Families are written in registration order, and a family's samples in label-value order.
 */
public final class MetricsRegistry {

  /** A family's type, as its {@code # TYPE} line names it. */
  public enum Type {
    COUNTER("counter"), GAUGE("gauge"), HISTOGRAM("histogram");

    final String text;

    Type(String text) {
      this.text = text;
    }
  }

  /** Samples read at scrape time: {@link #add} one per label-value combination. */
  public interface Samples {
    /** One sample; {@code labelValues} in the order of the family's label names. */
    void add(double value, String... labelValues);
  }

  /** Reads a family's current values into {@code out}; runs on the scraping thread. */
  @FunctionalInterface
  public interface Collector {
    void collect(Samples out);
  }

  /**
   * The children of a labelled family, one per combination of label values. A lookup allocates its
   * key: a hot path looks its child up once and keeps it.
   */
  public static final class Labeled<T> {
    private final List<String> labelNames;
    private final Function<List<String>, T> create;
    private final Map<List<String>, T> children = new ConcurrentHashMap<>();

    Labeled(List<String> labelNames, Function<List<String>, T> create) {
      this.labelNames = labelNames;
      this.create = create;
    }

    /** The child for these label values, created on first use. */
    public T labels(String... values) {
      if (values.length != labelNames.size()) {
        throw new IllegalArgumentException("expected values for " + labelNames + ", got " + values.length);
      }
      return children.computeIfAbsent(List.of(values), create);
    }

    List<Map.Entry<List<String>, T>> sorted() {
      List<Map.Entry<List<String>, T>> out = new ArrayList<>(children.entrySet());
      out.sort(Map.Entry.comparingByKey(LABEL_ORDER));
      return out;
    }
  }

  private static final Comparator<List<String>> LABEL_ORDER = (a, b) -> {
    for (int i = 0; i < a.size(); i++) {
      int c = a.get(i).compareTo(b.get(i));
      if (c != 0) {
        return c;
      }
    }
    return 0;
  };

  private record Family(String name, String help, Type type, List<String> labelNames, Writer writer) {}

  @FunctionalInterface
  private interface Writer {
    void write(StringBuilder out, Family f);
  }

  private final List<Family> families = new CopyOnWriteArrayList<>();
  private final Set<String> names = ConcurrentHashMap.newKeySet();

  /** An unlabelled counter. */
  public Counter counter(String name, String help) {
    return counters(name, help).labels();
  }

  /** A counter family with these labels. */
  public Labeled<Counter> counters(String name, String help, String... labelNames) {
    Labeled<Counter> l = new Labeled<>(List.of(labelNames), k -> new Counter());
    register(name, help, Type.COUNTER, labelNames, (out, f) -> {
      for (Map.Entry<List<String>, Counter> e : l.sorted()) {
        TextFormat.sample(out, f.name(), f.labelNames(), e.getKey(), null, null, e.getValue().get());
      }
    });
    return l;
  }

  /** An unlabelled histogram. */
  public Histogram histogram(String name, String help, Histogram.Buckets buckets) {
    return histograms(name, help, buckets).labels();
  }

  /** A histogram family with these labels (not {@code le}, which its buckets use). */
  public Labeled<Histogram> histograms(String name, String help, Histogram.Buckets buckets, String... labelNames) {
    if (List.of(labelNames).contains("le")) {
      throw new IllegalArgumentException(name + ": a histogram's buckets use the label le");
    }
    Labeled<Histogram> l = new Labeled<>(List.of(labelNames), k -> new Histogram(buckets));
    register(name, help, Type.HISTOGRAM, labelNames, (out, f) -> {
      for (Map.Entry<List<String>, Histogram> e : l.sorted()) {
        writeHistogram(out, f, e.getKey(), e.getValue());
      }
    });
    return l;
  }

  /** An unlabelled gauge read when scraped. */
  public void gauge(String name, String help, LongSupplier value) {
    collect(name, help, Type.GAUGE, List.of(), out -> out.add(value.getAsLong()));
  }

  /**
   * A counter or gauge family whose samples {@code collector} reads when scraped, from counters
   * kept elsewhere (a counter's values must never go down while the process lives).
   */
  public void collect(String name, String help, Type type, List<String> labelNames, Collector collector) {
    if (type == Type.HISTOGRAM) {
      throw new IllegalArgumentException(name + ": histograms are counted here, not collected");
    }
    List<String> labels = List.copyOf(labelNames);
    register(name, help, type, labels.toArray(String[]::new), (out, f) -> collector.collect((value, values) -> {
      if (values.length != labels.size()) {
        throw new IllegalStateException(name + ": expected values for " + labels + ", got " + values.length);
      }
      TextFormat.sample(out, name, labels, List.of(values), null, null, value);
    }));
  }

  private void register(String name, String help, Type type, String[] labelNames, Writer writer) {
    if (!TextFormat.METRIC_NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("not a metric name: '" + name + "'");
    }
    if (type == Type.COUNTER && !name.endsWith("_total")) {
      throw new IllegalArgumentException("a counter's name ends in _total: '" + name + "'");
    }
    for (String l : labelNames) {
      if (!TextFormat.LABEL_NAME.matcher(l).matches() || l.startsWith("__")) {
        throw new IllegalArgumentException(name + ": not a label name: '" + l + "'");
      }
    }
    if (!names.add(name)) {
      throw new IllegalArgumentException("metric " + name + " is registered already");
    }
    families.add(new Family(name, help, type, List.of(labelNames), writer));
  }

  private static void writeHistogram(StringBuilder out, Family f, List<String> values, Histogram h) {
    Histogram.Snapshot s = h.snapshot();
    double[] bounds = h.buckets().bounds();
    long cumulative = 0;
    for (int i = 0; i < bounds.length; i++) {
      cumulative += s.counts()[i];
      TextFormat.sample(out, f.name() + "_bucket", f.labelNames(), values, "le", TextFormat.bound(bounds[i]), cumulative);
    }
    cumulative += s.counts()[bounds.length];
    // _count is the +Inf bucket read in the same pass, so the two always agree, as the format requires.
    TextFormat.sample(out, f.name() + "_bucket", f.labelNames(), values, "le", "+Inf", cumulative);
    TextFormat.sample(out, f.name() + "_sum", f.labelNames(), values, null, null, s.sum());
    TextFormat.sample(out, f.name() + "_count", f.labelNames(), values, null, null, cumulative);
  }

  /** Every family, in the text exposition format. A family with no samples yet is written with HELP and TYPE only. */
  public String scrape() {
    StringBuilder out = new StringBuilder(8192);
    for (Family f : families) {
      TextFormat.header(out, f.name(), f.help(), f.type().text);
      f.writer().write(out, f);
    }
    return out.toString();
  }
}
