package io.refraft.spec.explore;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.refraft.spec.check.Cluster;
import io.refraft.spec.check.Event;
import io.refraft.spec.check.Faults;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class StateCodecTest {

  /**
   * Every state reached within the bounds decodes to a state equal to it, whose events are the
   * same in the same order, and re-encodes to the same bytes. The bounds reach leaders with
   * progress and reads, held replies, pending writes, restarts and duplicates.
   */
  @ParameterizedTest(name = "pending {0}, reads {1}, term {2}, log {3}")
  @CsvSource({"0, 0, 2, 1", "1, 0, 2, 1", "2, 1, 2, 2", "1, 1, 3, 1"})
  void every_reachable_state_round_trips(int pending, int reads, int maxTerm, int maxLog) {
    Bounds b = new Bounds(3, 2, maxTerm, maxLog, 2, 1, reads, pending);
    RaftModel m = RaftModel.of(b, true, true, 1, true, Faults.ALL, Optional.empty());
    StateCodec codec = new StateCodec(m.config(), m.values());
    Set<Cluster> seen = new HashSet<>();
    Deque<Cluster> queue = new ArrayDeque<>();
    Cluster init = Cluster.initial(m.config());
    seen.add(init);
    queue.add(init);
    boolean sawPending = false;
    boolean sawHeld = false;
    boolean sawLeader = false;
    while (!queue.isEmpty() && seen.size() < 15_000) {
      Cluster c = queue.poll();
      byte[] bytes = codec.encode(c);
      Cluster back = codec.decode(bytes);
      assertEquals(c, back);
      assertEquals(m.events(c), m.events(back), "events in the same order");
      assertArrayEquals(bytes, codec.encode(back));
      sawPending |= c.disks().stream().anyMatch(d -> !d.pending().isEmpty());
      sawHeld |= c.nodes().stream().anyMatch(s -> !s.sync().held().isEmpty());
      sawLeader |= c.nodes().stream().anyMatch(s -> s.isLeader());
      for (Event e : m.events(c)) {
        Optional<Cluster.Step> s = c.next(e, m::step);
        if (s.isPresent() && b.admits(s.get().next()) && seen.add(s.get().next())) {
          queue.add(s.get().next());
        }
      }
    }
    assertTrue(sawLeader, "the bounds reach a leader");
    assertEquals(pending > 0, sawPending, "pending writes reached exactly when asynchronous");
    assertEquals(pending > 0, sawHeld, "held replies reached exactly when asynchronous");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"0", "1", "127", "128", "16383", "16384", "9223372036854775807"})
  void varints_round_trip(long v) {
    Bytes.Writer w = new Bytes.Writer(1);
    w.varint(v);
    w.fixed64(v ^ -1L);
    Bytes.Reader r = new Bytes.Reader(w.array(), 0, w.size());
    assertEquals(v, r.varint());
    assertEquals(v ^ -1L, r.fixed64());
  }
}
