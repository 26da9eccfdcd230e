package io.refraft.impl.node;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import io.refraft.impl.net.Transport;
import io.refraft.impl.storage.MemoryStorage;
import io.refraft.spec.Config;
import io.refraft.spec.NodeId;
import io.refraft.traces.StateSummary.RoleName;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.ZZZ_Result;
import org.openjdk.jcstress.infra.results.ZZ_Result;
import org.openjdk.jcstress.infra.results.Z_Result;

/**
 * JCStress tests of the driver's cross-thread handoffs: client threads posting proposals to the
 * mailbox while the state thread takes turns or stops, and readers of the status the state thread
 * publishes. The properties: no proposal is ever left pending (a future that never completes hangs
 * its client); a status snapshot read on another thread is whole and never goes back in time. A
 * one-node cluster that has not campaigned is a follower, so every proposal it processes completes
 * with NotLeaderException; one that has is a leader that commits alone.
 * Run with {@code impl/jcstress.sh}; not part of {@code mvn verify}.
 */
public final class DriverStress {
  private DriverStress() {}

  private static final Clock NO_TIMERS = new Clock() {
    @Override
    public long nanoTime() {
      return 0;
    }

    @Override
    public Timer schedule(long delayNanos, Runnable task) {
      return () -> { };
    }
  };

  private static final Transport NO_NETWORK = new Transport() {
    @Override
    public void start(Receiver receiver) {}

    @Override
    public void send(String to, byte[] payload) {}

    @Override
    public void blockPeer(String peer, boolean blocked) {}

    @Override
    public boolean connected(String peer) {
      return false;
    }

    @Override
    public void close() {}
  };

  /** The one-node cluster every test here drives: no network, a memory disk, no trace. */
  static Driver oneNode(Clock clock) {
    return new Driver(NodeId.of("n1"), Config.ofSize(1), Timing.DEFAULT, clock, new SplittableRandom(1), NO_NETWORK,
        new MemoryStorage(), new RecordingStateMachine(false), TraceSink.OFF, e -> { });
  }

  static Driver recovered() {
    Driver d = oneNode(NO_TIMERS);
    try {
      d.recover();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return d;
  }

  @JCStressTest
  @Description("A client proposes while the state thread takes a turn; a final turn drains the rest.")
  @Outcome(id = "true, true", expect = ACCEPTABLE, desc = "the proposal completed exactly once, as a rejection")
  @Outcome(expect = FORBIDDEN, desc = "a proposal lost in the mailbox handoff, or accepted by a follower")
  @State
  public static class ProposeDuringTurn {
    final Driver driver = recovered();
    CompletableFuture<Long> a;

    @Actor
    public void client() {
      a = driver.propose(new byte[] {1});
    }

    @Actor
    public void stateThread() {
      driver.runTurn();
    }

    @Arbiter
    public void check(ZZ_Result r) {
      driver.runTurn();
      r.r1 = a.isDone();
      r.r2 = a.isCompletedExceptionally() && driver.status().lastLogIndex() == 0;
    }
  }

  @JCStressTest
  @Description("A client proposes while the node stops: the future completes either way.")
  @Outcome(id = "true", expect = ACCEPTABLE, desc = "the proposal completed (processed, or failed as stopped)")
  @Outcome(expect = FORBIDDEN, desc = "a proposal left pending after stop")
  @State
  public static class ProposeDuringStop {
    final Driver driver = started();
    CompletableFuture<Long> a;

    static Driver started() {
      Driver d = oneNode(NO_TIMERS);
      try {
        d.start();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return d;
    }

    @Actor
    public void client() {
      a = driver.propose(new byte[] {1});
    }

    @Actor
    public void stopper() {
      try {
        driver.stop();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    @Arbiter
    public void check(Z_Result r) {
      r.r1 = a.isDone();
    }
  }

  /** A one-node cluster whose timers the test fires by hand, driven until it leads. */
  static Driver leader() {
    List<Runnable> timers = new ArrayList<>();
    Clock manual = new Clock() {
      @Override
      public long nanoTime() {
        return 0;
      }

      @Override
      public Timer schedule(long delayNanos, Runnable task) {
        timers.add(task);
        return () -> { };
      }
    };
    Driver d = oneNode(manual);
    try {
      d.startWithoutThread();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    for (int round = 0; round < 10 && d.status().role() != RoleName.Leader; round++) {
      List<Runnable> due = List.copyOf(timers);
      timers.clear();
      due.forEach(Runnable::run);
      d.runTurn();
    }
    if (d.status().role() != RoleName.Leader) {
      throw new IllegalStateException("a one-node cluster did not elect itself: " + d.status());
    }
    return d;
  }

  /** Whole: the fields of one snapshot agree with each other and with the log it carries. */
  static boolean whole(NodeStatus s) {
    return s.role() == RoleName.Leader && s.lastApplied() <= s.commitIndex() && s.commitIndex() <= s.lastLogIndex()
        && s.lastLogIndex() == s.log().lastIndex() && s.entriesSynced() >= 0 && s.syncs() >= 0;
  }

  @JCStressTest
  @Description("The state thread commits two proposals while another thread reads the status twice.")
  @Outcome(id = "true, true, true", expect = ACCEPTABLE, desc = "both snapshots whole, the second not older")
  @Outcome(expect = FORBIDDEN, desc = "a torn snapshot, or the status went back in time")
  @State
  public static class StatusPublication {
    final Driver driver = leader();

    @Actor
    public void stateThread() {
      driver.propose(new byte[] {1});
      driver.runTurn();
      driver.propose(new byte[] {2});
      driver.runTurn();
    }

    @Actor
    public void reader(ZZZ_Result r) {
      NodeStatus first = driver.status();
      NodeStatus second = driver.status();
      r.r1 = whole(first);
      r.r2 = whole(second);
      r.r3 = second.commitIndex() >= first.commitIndex() && second.lastApplied() >= first.lastApplied()
          && second.lastLogIndex() >= first.lastLogIndex() && second.syncs() >= first.syncs();
    }
  }

  @JCStressTest
  @Description("A client proposes to a leader while the state thread takes turns: the group commit completes it.")
  @Outcome(id = "true, true", expect = ACCEPTABLE, desc = "completed with the index the status shows as applied")
  @Outcome(expect = FORBIDDEN, desc = "a proposal left pending, or completed before it was applied")
  @State
  public static class GroupCommitCompletion {
    final Driver driver = leader();
    CompletableFuture<Long> a;

    @Actor
    public void client() {
      a = driver.propose(new byte[] {7});
    }

    @Actor
    public void stateThread() {
      driver.runTurn();
    }

    @Arbiter
    public void check(ZZ_Result r) {
      driver.runTurn();
      r.r1 = a.isDone() && !a.isCompletedExceptionally();
      r.r2 = r.r1 && a.join() <= driver.status().lastApplied();
    }
  }
}
