package io.refraft.impl.net;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * Reconnect delays: exponential from {@code min}, capped at {@code max}, with "equal jitter" — a
 * delay drawn uniformly from [d/2, d] for the exponential step d (Brooker, "Exponential Backoff
 * And Jitter", AWS Architecture Blog, 2015). No attempt follows the previous one sooner than min/2;
 * the jitter keeps the nodes of a restarted cluster from redialing in lockstep.
 *
 * <p>Not thread-safe: one instance per dialer. The random source may be shared; it is used under
 * its own monitor for one short call.
 */
public final class Backoff {

  private final long minNanos;
  private final long maxNanos;
  private final RandomGenerator random;
  private int attempt;

  public Backoff(Duration min, Duration max, RandomGenerator random) {
    if (min.isNegative() || min.isZero() || max.compareTo(min) < 0) {
      throw new IllegalArgumentException("backoff needs 0 < min <= max, got min " + min + ", max " + max);
    }
    this.minNanos = min.toNanos();
    this.maxNanos = max.toNanos();
    this.random = random;
  }

  /** The delay before the next attempt; each call without {@link #reset()} doubles the ceiling. */
  public long nextDelayNanos() {
    long ceiling = minNanos;
    for (int i = 0; i < attempt && ceiling < maxNanos; i++) {
      ceiling = ceiling > maxNanos / 2 ? maxNanos : ceiling * 2;
    }
    ceiling = Math.min(ceiling, maxNanos);
    if (attempt < 62) {
      attempt++;
    }
    long half = ceiling / 2;
    long jitter;
    synchronized (random) {
      jitter = random.nextLong(ceiling - half + 1);
    }
    return half + jitter;
  }

  /** Back to the first step, after a connection succeeded. */
  public void reset() {
    attempt = 0;
  }
}
