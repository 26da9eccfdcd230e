package io.refraft.impl.node;

import java.util.function.Consumer;
import java.util.random.RandomGenerator;

/**
 * A driver's two timers on the injected {@link Clock}; they only post {@link Mail} to the mailbox.
 * Owned by the state thread.
 *
 * <p>The spec emits {@code ResetElectionTimer} only where the paper restarts the timer (hearing from
 * the leader, granting a vote, starting an election, restart). The driver additionally re-arms the
 * election timer every time it fires: otherwise a follower whose pre-vote failed (no reset emitted)
 * would never time out again, and a leader running check-quorum would check only once. Each arming
 * draws a fresh timeout uniformly from [{@link Timing#electionMin()}, {@link Timing#electionMax()}]
 * with the injected random generator (§5.2: randomized timeouts make split votes rare); a generation
 * number discards a stale firing that raced a re-arm. The heartbeat timer runs at a fixed period on
 * every role; the spec ignores it on a follower.
 */
final class Timers {
  private final Timing timing;
  private final Clock clock;
  private final RandomGenerator random;
  private final Consumer<Mail> post;
  private long electionGeneration;
  private Clock.Timer electionTimer;
  private Clock.Timer heartbeatTimer;

  /** @param post adds to the driver's mailbox; called on the clock's thread */
  Timers(Timing timing, Clock clock, RandomGenerator random, Consumer<Mail> post) {
    this.timing = timing;
    this.clock = clock;
    this.random = random;
    this.post = post;
  }

  /** (Re)starts the election timer with a fresh random timeout; an earlier arming's firing becomes stale. */
  void armElection() {
    if (electionTimer != null) {
      electionTimer.cancel();
    }
    long generation = ++electionGeneration;
    long min = timing.electionMin().toNanos();
    long delay = min + random.nextLong(timing.electionMax().toNanos() - min + 1);
    electionTimer = clock.schedule(delay, () -> post.accept(new Mail.ElectionFired(generation)));
  }

  /** Whether an election firing of {@code generation} is from the latest arming. */
  boolean isCurrent(long generation) {
    return generation == electionGeneration;
  }

  /** Schedules the next heartbeat. */
  void armHeartbeat() {
    heartbeatTimer = clock.schedule(timing.heartbeat().toNanos(), () -> post.accept(new Mail.HeartbeatFired()));
  }

  void cancelAll() {
    if (electionTimer != null) {
      electionTimer.cancel();
    }
    if (heartbeatTimer != null) {
      heartbeatTimer.cancel();
    }
  }
}
