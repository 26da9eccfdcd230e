package io.refraft.impl.net;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE_INTERESTING;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import java.util.ArrayList;
import java.util.List;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Mode;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.Signal;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.IIII_Result;
import org.openjdk.jcstress.infra.results.II_Result;

/**
 * JCStress tests of the handoff between {@link Transport#send} callers and a connection's writer
 * through {@link OutboundQueue}. Run with {@code impl/jcstress.sh}; not part of {@code mvn verify}.
 *
 * <p>Frames are one-byte arrays whose byte is a bit (1 = producer A, 2 = producer B), so an
 * outcome is a bit mask and a frame seen twice turns the mask negative.
 */
public final class OutboundQueueStress {

  private OutboundQueueStress() {}

  static final byte[] A = {1};
  static final byte[] B = {2};

  /** Adds each drained frame's bit to {@code mask}; -1 if a bit is already there (a duplicate). */
  static int mask(int mask, List<byte[]> drained) {
    int m = mask;
    for (byte[] f : drained) {
      if (m < 0 || (m & f[0]) != 0) {
        return -1;
      }
      m |= f[0];
    }
    return m;
  }

  /**
   * A producer sends A then B while the writer drains: every frame reaches exactly one drain, in
   * queue order. Result: (mask drained by the writer, mask drained afterwards).
   */
  @JCStressTest
  @Description("offer vs. drainTo: no frame lost, none duplicated, FIFO")
  @Outcome(id = "3, 0", expect = ACCEPTABLE, desc = "the writer drained both")
  @Outcome(id = "1, 2", expect = ACCEPTABLE_INTERESTING, desc = "the writer drained between the sends")
  @Outcome(id = "0, 3", expect = ACCEPTABLE, desc = "the writer ran first; both left for later")
  @Outcome(expect = FORBIDDEN, desc = "a frame lost, duplicated or overtaken")
  @State
  public static class NoLossNoDuplicate {
    final OutboundQueue queue = new OutboundQueue(4);

    @Actor
    public void producer() {
      queue.offer(A);
      queue.offer(B);
    }

    @Actor
    public void writer(II_Result r) {
      List<byte[]> drained = new ArrayList<>();
      queue.drainTo(drained);
      r.r1 = mask(0, drained);
    }

    @Arbiter
    public void rest(II_Result r) {
      List<byte[]> drained = new ArrayList<>();
      queue.drainTo(drained);
      r.r2 = mask(0, drained);
    }
  }

  /**
   * Capacity 1: a producer sends A then B while the writer drains. B is accepted only if the
   * writer took A in between; every accepted frame is delivered once and every refused one counted.
   * Result: (accepted mask, mask drained by the writer, mask drained afterwards, drop count). Two
   * frames in one drain, or both accepted while the writer took only one, would break the bound.
   */
  @JCStressTest
  @Description("offer vs. drainTo at capacity 1: the bound holds and drops are counted")
  @Outcome(id = {"1, 0, 1, 1", "1, 1, 0, 1"}, expect = ACCEPTABLE, desc = "A accepted, B dropped")
  @Outcome(id = "3, 1, 2, 0", expect = ACCEPTABLE_INTERESTING, desc = "the writer made room in between")
  @Outcome(expect = FORBIDDEN, desc = "bound broken, frame lost or duplicated, or drop miscounted")
  @State
  public static class BoundRespected {
    final OutboundQueue queue = new OutboundQueue(1);
    int accepted;

    @Actor
    public void producer() {
      accepted = (queue.offer(A) ? 1 : 0) | (queue.offer(B) ? 2 : 0);
    }

    @Actor
    public void writer(IIII_Result r) {
      List<byte[]> drained = new ArrayList<>();
      queue.drainTo(drained);
      r.r2 = mask(0, drained);
    }

    @Arbiter
    public void check(IIII_Result r) {
      r.r1 = accepted;
      List<byte[]> rest = new ArrayList<>();
      queue.drainTo(rest);
      r.r3 = mask(0, rest);
      r.r4 = (int) queue.dropped();
    }
  }

  /** Two producers race for the last slot: exactly one wins, the other is counted as dropped. */
  @JCStressTest
  @Description("offer vs. offer at capacity 1")
  @Outcome(id = {"1, 1", "2, 1"}, expect = ACCEPTABLE, desc = "one accepted, one dropped")
  @Outcome(expect = FORBIDDEN, desc = "both or neither accepted, or the drop miscounted")
  @State
  public static class ProducersRace {
    final OutboundQueue queue = new OutboundQueue(1);

    @Actor
    public void producerA() {
      queue.offer(A);
    }

    @Actor
    public void producerB() {
      queue.offer(B);
    }

    @Arbiter
    public void check(II_Result r) {
      List<byte[]> drained = new ArrayList<>();
      queue.drainTo(drained);
      r.r1 = mask(0, drained);
      r.r2 = (int) queue.dropped();
    }
  }

  /** A writer waiting for frames is woken by an offer: no lost wake-up. */
  @JCStressTest(Mode.Termination)
  @Description("awaitDrainTo is woken by offer")
  @Outcome(id = "TERMINATED", expect = ACCEPTABLE, desc = "the waiting writer got the frame")
  @Outcome(id = "STALE", expect = FORBIDDEN, desc = "lost wake-up: the writer sleeps on a non-empty queue")
  @State
  public static class NoLostWakeUp {
    final OutboundQueue queue = new OutboundQueue(4);

    @Actor
    public void writer() throws InterruptedException {
      List<byte[]> drained = new ArrayList<>();
      while (drained.isEmpty()) {
        queue.awaitDrainTo(drained, Long.MAX_VALUE);
      }
    }

    @Signal
    public void producer() {
      queue.offer(A);
    }
  }
}
