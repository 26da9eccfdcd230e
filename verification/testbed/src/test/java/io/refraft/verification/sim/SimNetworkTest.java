package io.refraft.verification.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.refraft.impl.net.Transport;
import io.refraft.verification.fault.PartitionShape;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SimNetworkTest {
  private static final int MESSAGES = 5_000;

  private final SimClock clock = new SimClock();
  private final Map<Integer, Integer> received = new HashMap<>();

  private SimNetwork network(long seed) {
    System.out.println("SimNetworkTest seed=" + seed);
    SimNetwork net = new SimNetwork(clock, new SplittableRandom(seed), List.of("n1", "n2"), true, true,
        new RunDigest());
    net.transport("n2").start((from, payload) -> received.merge(ByteBuffer.wrap(payload).getInt(), 1, Integer::sum));
    return net;
  }

  /** Sends messages numbered {@code from..from+MESSAGES-1} from n1 to n2 and delivers them all. */
  private void sendAll(SimNetwork net, int from) {
    Transport n1 = net.transport("n1");
    for (int m = from; m < from + MESSAGES; m++) {
      n1.send("n2", ByteBuffer.allocate(4).putInt(m).array());
    }
    while (clock.runNext()) {
      // deliver everything in flight
    }
  }

  private long lost(int from) {
    long n = 0;
    for (int m = from; m < from + MESSAGES; m++) {
      n += received.containsKey(m) ? 0 : 1;
    }
    return n;
  }

  private long duplicated(int from) {
    long n = 0;
    for (int m = from; m < from + MESSAGES; m++) {
      n += received.getOrDefault(m, 0) > 1 ? 1 : 0;
    }
    return n;
  }

  /**
   * Seed 101587 of the simulation failed its end-of-run liveness check because the settle, meant to be
   * fault-free, still lost 2% of messages: two heartbeat rounds of the leader were lost, both
   * followers timed out and an election 40 ms before the check left one follower a commit behind.
   * Ending a partition heals links but keeps random loss (the faulty phase goes on); stopping the
   * faults ends loss and duplication too.
   */
  @Test
  void healing_a_partition_keeps_random_loss_but_stopping_the_faults_ends_loss_and_duplication() {
    SimNetwork net = network(new SplittableRandom().nextLong());
    net.partition(PartitionShape.ISOLATE_ONE.cut(List.of(0, 1), -1));
    net.heal();
    sendAll(net, 0);
    assertTrue(lost(0) > 0 && duplicated(0) > 0,
        "before the faults stop: lost " + lost(0) + ", duplicated " + duplicated(0) + " of " + MESSAGES);

    net.stopFaults();
    sendAll(net, MESSAGES);
    assertEquals(0, lost(MESSAGES), "lost after the faults stopped");
    assertEquals(0, duplicated(MESSAGES), "duplicated after the faults stopped");
  }

  @Test
  void stopping_the_faults_reconnects_cut_links() {
    SimNetwork net = network(new SplittableRandom().nextLong());
    net.partition(PartitionShape.ISOLATE_ONE.cut(List.of(0, 1), -1));
    sendAll(net, 0);
    assertEquals(MESSAGES, lost(0), "a cut link delivers nothing");
    net.stopFaults();
    sendAll(net, MESSAGES);
    assertEquals(0, lost(MESSAGES));
  }
}
