package io.refraft.impl.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class OutboundQueueTest {

  @Test
  void when_full_then_offers_are_dropped_and_counted() {
    OutboundQueue q = new OutboundQueue(3);
    for (int i = 0; i < 10; i++) {
      q.offer(new byte[] {(byte) i});
    }
    assertEquals(3, q.size());
    assertEquals(7, q.dropped());
    List<byte[]> out = new ArrayList<>();
    assertEquals(3, q.drainTo(out));
    assertEquals(List.of(0, 1, 2), out.stream().map(b -> (int) b[0]).toList());
    assertTrue(q.offer(new byte[] {42}), "space again after a drain");
  }

  @Test
  void when_closed_then_queued_and_later_frames_count_as_dropped() {
    OutboundQueue q = new OutboundQueue(10);
    q.offer(new byte[1]);
    q.offer(new byte[1]);
    q.close();
    assertFalse(q.offer(new byte[1]));
    assertEquals(0, q.size());
    assertEquals(3, q.dropped());
  }

  @Test
  void when_a_drainer_waits_then_an_offer_wakes_it_with_that_frame() throws InterruptedException {
    OutboundQueue q = new OutboundQueue(10);
    List<byte[]> out = new ArrayList<>();
    Thread drainer = Thread.ofVirtual().start(() -> {
      try {
        q.awaitDrainTo(out, Duration.ofSeconds(30).toNanos());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    byte[] frame = {1};
    q.offer(frame);
    assertTrue(drainer.join(Duration.ofSeconds(10)), "drainer woke up");
    assertEquals(1, out.size(), "the drain got the frame (either before waiting or after the signal)");
    assertSame(frame, out.get(0));
  }
}
