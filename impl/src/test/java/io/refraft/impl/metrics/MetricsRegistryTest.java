package io.refraft.impl.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MetricsRegistryTest {

  @Test
  void when_scraped_then_every_family_has_help_and_type_before_its_samples_in_registration_order() {
    MetricsRegistry r = new MetricsRegistry();
    r.counter("a_total", "A count").add(3);
    r.gauge("b", "A gauge", () -> -7);
    MetricsRegistry.Labeled<Counter> c = r.counters("c_total", "By kind", "kind");
    c.labels("z").increment();
    c.labels("a").add(2);
    assertEquals("""
        # HELP a_total A count
        # TYPE a_total counter
        a_total 3
        # HELP b A gauge
        # TYPE b gauge
        b -7
        # HELP c_total By kind
        # TYPE c_total counter
        c_total{kind="a"} 2
        c_total{kind="z"} 1
        """, r.scrape());
    ExpositionParser.parse(r.scrape());
  }

  @Test
  void label_values_and_help_are_escaped_as_the_format_says() {
    MetricsRegistry r = new MetricsRegistry();
    r.counters("x_total", "back\\slash and\nnewline", "v").labels("q\"uote\\back\nline").increment();
    String text = r.scrape();
    assertTrue(text.contains("# HELP x_total back\\\\slash and\\nnewline\n"), text);
    assertTrue(text.contains("x_total{v=\"q\\\"uote\\\\back\\nline\"} 1\n"), text);
    Map<String, ExpositionParser.Family> f = ExpositionParser.parse(text);
    assertEquals("q\"uote\\back\nline", f.get("x_total").samples().get(0).labels().get("v"));
  }

  @Test
  void an_observation_on_a_bound_counts_in_that_bucket_and_buckets_are_cumulative() {
    MetricsRegistry r = new MetricsRegistry();
    Histogram h = r.histogram("d_seconds", "Durations", Histogram.Buckets.secondsFromNanos(0.0005, 0.001, 1));
    h.observe(500_000); // exactly 0.5 ms: le is inclusive
    h.observe(500_001);
    h.observe(2_000_000_000L); // 2 s: only +Inf
    Map<String, ExpositionParser.Family> f = ExpositionParser.parse(r.scrape());
    assertEquals(1, ExpositionParser.value(f, "d_seconds_bucket", "le", "0.0005"));
    assertEquals(2, ExpositionParser.value(f, "d_seconds_bucket", "le", "0.001"));
    assertEquals(2, ExpositionParser.value(f, "d_seconds_bucket", "le", "1"));
    assertEquals(3, ExpositionParser.value(f, "d_seconds_bucket", "le", "+Inf"));
    assertEquals(3, ExpositionParser.value(f, "d_seconds_count"));
    assertEquals(2.001000001, ExpositionParser.value(f, "d_seconds_sum"), 1e-9);
  }

  @Test
  void names_that_break_the_conventions_are_refused_at_registration() {
    MetricsRegistry r = new MetricsRegistry();
    assertThrows(IllegalArgumentException.class, () -> r.counter("requests", "no _total"));
    assertThrows(IllegalArgumentException.class, () -> r.counter("1bad_total", "bad name"));
    assertThrows(IllegalArgumentException.class, () -> r.counters("ok_total", "bad label", "__x"));
    assertThrows(IllegalArgumentException.class,
        () -> r.histograms("h_seconds", "le is the buckets'", Histogram.Buckets.counts(1), "le"));
    r.counter("once_total", "once");
    assertThrows(IllegalArgumentException.class, () -> r.gauge("once_total", "twice", () -> 1));
    assertThrows(IllegalArgumentException.class, () -> r.counter("neg_total", "x").add(-1));
    assertThrows(IllegalArgumentException.class, () -> Histogram.Buckets.counts(2, 1));
    r.collect("c_total", "one label, no value given", MetricsRegistry.Type.COUNTER, List.of("a"), out -> out.add(1));
    assertThrows(IllegalStateException.class, r::scrape);
  }

  @Test
  void values_are_written_as_the_format_spells_them() {
    assertEquals("12", TextFormat.value(12));
    assertEquals("0.25", TextFormat.value(0.25));
    assertEquals("NaN", TextFormat.value(Double.NaN));
    assertEquals("+Inf", TextFormat.value(Double.POSITIVE_INFINITY));
    assertEquals("-Inf", TextFormat.value(Double.NEGATIVE_INFINITY));
    assertEquals("0.0001", TextFormat.bound(0.0001));
    assertEquals("1", TextFormat.bound(1.0));
  }

  /** The parser must be able to fail: each of these breaks one rule of the format. */
  @Test
  void the_strict_parser_refuses_each_malformed_exposition() {
    String ok = "# HELP a_total x\n# TYPE a_total counter\na_total 1\n";
    ExpositionParser.parse(ok);
    List<String> bad = List.of(
        "a_total 1\n", // sample before HELP/TYPE
        "# TYPE a_total counter\na_total 1\n", // no HELP
        "# HELP a x\n# TYPE a counter\na 1\n", // counter without _total
        "# HELP a_total x\n# TYPE a_total counter\na_total 1", // no final line feed
        "# HELP a_total x\n# TYPE a_total counter\na_total -1\n", // negative counter
        "# HELP a_total x\n# TYPE a_total counter\na_total one\n", // bad value
        "# HELP g x\n# TYPE g gauge\ng{l=\"a\\t\"} 1\n", // bad escape
        "# HELP g x\n# TYPE g gauge\ng{l=\"a\",l=\"b\"} 1\n", // repeated label
        "# HELP g x\n# TYPE g gauge\ng 1\ng 2\n", // series twice
        "# HELP g x\n# TYPE g gauge\ng  1\n", // two spaces
        "# HELP g x\n# TYPE g gauge\n# HELP h x\n# TYPE h gauge\ng 1\n", // sample outside its block
        "# HELP g x\n# TYPE g gauge\n\ng 1\n", // blank line
        "# HELP h x\n# TYPE h histogram\nh_bucket{le=\"1\"} 2\nh_bucket{le=\"+Inf\"} 1\nh_sum 1\nh_count 1\n",
        "# HELP h x\n# TYPE h histogram\nh_bucket{le=\"1\"} 1\nh_sum 1\nh_count 1\n", // no +Inf
        "# HELP h x\n# TYPE h histogram\nh_bucket{le=\"1\"} 1\nh_bucket{le=\"+Inf\"} 2\nh_sum 1\nh_count 3\n",
        "# HELP h x\n# TYPE h histogram\nh_bucket{le=\"+Inf\"} 1\nh_count 1\n"); // no _sum
    for (String b : bad) {
      assertThrows(IllegalArgumentException.class, () -> ExpositionParser.parse(b), b);
    }
  }
}
