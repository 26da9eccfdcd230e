package io.refraft.impl.net;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BackoffTest {

  @Test
  void when_attempts_fail_then_delays_double_within_equal_jitter_and_stop_at_the_cap() {
    long seed = Long.getLong("refraft.seed", System.nanoTime());
    System.out.println("BackoffTest seed " + seed);
    Backoff b = new Backoff(Duration.ofMillis(10), Duration.ofMillis(300), new Random(seed));
    long[] ceilings = {10, 20, 40, 80, 160, 300, 300, 300};
    for (long c : ceilings) {
      long d = b.nextDelayNanos();
      long ceiling = Duration.ofMillis(c).toNanos();
      assertTrue(d >= ceiling / 2 && d <= ceiling, "delay " + d + " outside [" + ceiling / 2 + ", " + ceiling + "], seed " + seed);
    }
    b.reset();
    long first = b.nextDelayNanos();
    assertTrue(first <= Duration.ofMillis(10).toNanos(), "after reset the first ceiling applies again, seed " + seed);
  }

  @Test
  void when_failing_for_a_very_long_time_then_the_delay_stays_capped() {
    Backoff b = new Backoff(Duration.ofMillis(1), Duration.ofSeconds(1), new Random(1));
    long d = 0;
    for (int i = 0; i < 1000; i++) {
      d = b.nextDelayNanos();
    }
    assertTrue(d >= Duration.ofMillis(500).toNanos() && d <= Duration.ofSeconds(1).toNanos(), "delay " + d);
  }
}
