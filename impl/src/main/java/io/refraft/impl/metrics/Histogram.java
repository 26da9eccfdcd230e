package io.refraft.impl.metrics;

import java.util.Arrays;
import java.util.concurrent.atomic.LongAdder;

/**
 * Observations counted in fixed buckets, from any thread: one {@link LongAdder} per bucket and one
 * for the sum, so an observation is a short scan of the bounds and two uncontended adds, with no
 * allocation. Values are recorded as longs in the unit the caller measures in (nanoseconds, entries)
 * and exposed in the base unit of the metric's name ({@link Buckets#scale}: seconds for
 * {@code _seconds}), as Prometheus' naming conventions ask.
 */
public final class Histogram {

  /**
   * Upper bounds (inclusive, ascending) in the exposed unit, and what one recorded unit is in it.
   *
   * @param bounds the buckets' {@code le} values; +Inf is implied
   * @param scale  exposed value of one recorded unit ({@code 1e-9} for nanoseconds shown as seconds)
   */
  public record Buckets(double[] bounds, double scale) {
    public Buckets {
      bounds = bounds.clone();
      if (bounds.length == 0 || !(scale > 0)) {
        throw new IllegalArgumentException("a histogram needs at least one bound and a positive scale");
      }
      for (int i = 0; i < bounds.length; i++) {
        if (!Double.isFinite(bounds[i]) || (i > 0 && bounds[i] <= bounds[i - 1])) {
          throw new IllegalArgumentException("bounds must be finite and strictly ascending: " + Arrays.toString(bounds));
        }
      }
    }

    /** Bounds in seconds, for durations recorded in nanoseconds. */
    public static Buckets secondsFromNanos(double... seconds) {
      return new Buckets(seconds, 1e-9);
    }

    /** Bounds for plain counts (entries, bytes), recorded as they are. */
    public static Buckets counts(double... bounds) {
      return new Buckets(bounds, 1);
    }

    @Override
    public double[] bounds() {
      return bounds.clone();
    }
  }

  /** Bucket counts (not cumulative; the last is the +Inf bucket) and the sum, as read at one moment. */
  record Snapshot(long[] counts, double sum) {}

  private final Buckets buckets;
  /** {@link Buckets#bounds} in recorded units: an observation {@code v} goes to the first bound >= v. */
  private final long[] rawBounds;
  private final LongAdder[] counts;
  private final LongAdder sum = new LongAdder();

  Histogram(Buckets buckets) {
    this.buckets = buckets;
    double[] b = buckets.bounds();
    rawBounds = new long[b.length];
    for (int i = 0; i < b.length; i++) {
      rawBounds[i] = (long) Math.floor(b[i] / buckets.scale() + 1e-6);
    }
    counts = new LongAdder[b.length + 1];
    for (int i = 0; i < counts.length; i++) {
      counts[i] = new LongAdder();
    }
  }

  /** Records one observation, in the recorded unit (nanoseconds for a duration). */
  public void observe(long value) {
    int i = 0;
    while (i < rawBounds.length && value > rawBounds[i]) {
      i++;
    }
    counts[i].increment();
    sum.add(value);
  }

  Buckets buckets() {
    return buckets;
  }

  Snapshot snapshot() {
    long[] c = new long[counts.length];
    for (int i = 0; i < c.length; i++) {
      c[i] = counts[i].sum();
    }
    return new Snapshot(c, sum.sum() * buckets.scale());
  }

  /** Observations so far. */
  public long count() {
    long n = 0;
    for (LongAdder c : counts) {
      n += c.sum();
    }
    return n;
  }
}
