package io.refraft.impl.metrics;

import java.util.concurrent.atomic.LongAdder;

/**
 * A count that only goes up, from any thread. A {@link LongAdder}: an uncontended increment is one
 * compare-and-set on a field, and threads that do contend spread over cells instead of retrying, so
 * the hot paths that count (the driver's thread, the transport's, the HTTP connections') never
 * wait on each other. Exposed as a Prometheus counter (name ending in {@code _total}).
 */
public final class Counter {
  private final LongAdder value = new LongAdder();

  Counter() {}

  public void increment() {
    value.increment();
  }

  /** Adds {@code n} (>= 0: a counter never goes down). */
  public void add(long n) {
    if (n < 0) {
      throw new IllegalArgumentException("a counter only goes up; got " + n);
    }
    value.add(n);
  }

  /** The count so far (a sum over the cells: concurrent increments may or may not be in it). */
  public long get() {
    return value.sum();
  }
}
