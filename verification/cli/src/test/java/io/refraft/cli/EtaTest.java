package io.refraft.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class EtaTest {
  @Test
  void when_the_queue_shrank_in_each_of_the_last_three_intervals_then_the_estimate_is_queue_over_mean_rate() {
    Eta eta = new Eta();
    assertEquals(OptionalLong.empty(), eta.next("safety", 1000, 10));
    assertEquals(OptionalLong.empty(), eta.next("safety", 900, 10));
    assertEquals(OptionalLong.empty(), eta.next("safety", 700, 10));
    // 1000 -> 400 in 30 s: 20 states/s; 400 left: 20 s
    assertEquals(OptionalLong.of(20), eta.next("safety", 400, 10));
  }

  @Test
  void when_the_queue_grows_or_stands_still_then_no_estimate_is_given() {
    Eta eta = new Eta();
    eta.next("safety", 100, 10);
    eta.next("safety", 200, 10);
    eta.next("safety", 150, 10);
    assertEquals(OptionalLong.empty(), eta.next("safety", 100, 10), "grew within the last three intervals");
    assertEquals(OptionalLong.empty(), eta.next("safety", 100, 10), "stood still");
  }

  @Test
  void when_the_phase_changes_then_the_samples_start_afresh() {
    Eta eta = new Eta();
    eta.next("safety", 400, 1);
    eta.next("safety", 300, 1);
    eta.next("safety", 200, 1);
    assertEquals(OptionalLong.of(1), eta.next("safety", 100, 1));
    assertEquals(OptionalLong.empty(), eta.next("recovery", 50, 1));
    eta.next("recovery", 40, 1);
    eta.next("recovery", 30, 1);
    assertEquals(OptionalLong.of(2), eta.next("recovery", 20, 1));
  }
}
