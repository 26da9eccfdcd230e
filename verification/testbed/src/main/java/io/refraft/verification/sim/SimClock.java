package io.refraft.verification.sim;

import io.refraft.impl.node.Clock;
import java.util.PriorityQueue;

/**
 * Virtual time and the simulation's one event queue: events run in time order, ties in the order
 * they were scheduled, so a run depends on nothing but the seed. Time advances only by taking the
 * next event.
 */
final class SimClock implements Clock {

  private final class Task implements Clock.Timer, Comparable<Task> {
    final long at;
    final long seq;
    final Runnable run;
    boolean cancelled;
    boolean queued = true;

    Task(long at, long seq, Runnable run) {
      this.at = at;
      this.seq = seq;
      this.run = run;
    }

    @Override
    public void cancel() {
      if (!cancelled && queued) {
        cancelledQueued++;
      }
      cancelled = true;
    }

    @Override
    public int compareTo(Task o) {
      int c = Long.compare(at, o.at);
      return c != 0 ? c : Long.compare(seq, o.seq);
    }
  }

  private final PriorityQueue<Task> queue = new PriorityQueue<>();
  private long now;
  private long nextSeq;
  /**
   * Cancelled tasks still in the queue. Every AppendEntries a follower receives re-arms its election
   * timer, so without purging most of the queue is dead timers, which every insertion and removal
   * sifts through.
   */
  private long cancelledQueued;

  @Override
  public long nanoTime() {
    return now;
  }

  @Override
  public Clock.Timer schedule(long delayNanos, Runnable task) {
    if (cancelledQueued > 32 && cancelledQueued * 2 > queue.size()) {
      queue.removeIf(x -> x.cancelled); // the order of the others is (time, seq): unchanged
      cancelledQueued = 0;
    }
    Task t = new Task(now + Math.max(0, delayNanos), nextSeq++, task);
    queue.add(t);
    return t;
  }

  /** The time of the next event that is not cancelled; {@link Long#MAX_VALUE} when none is left. */
  long nextTime() {
    while (!queue.isEmpty() && queue.peek().cancelled) {
      dequeued(queue.poll());
    }
    return queue.isEmpty() ? Long.MAX_VALUE : queue.peek().at;
  }

  /** Runs the next event that is not cancelled; false when none is left. */
  boolean runNext() {
    while (!queue.isEmpty()) {
      Task t = dequeued(queue.poll());
      if (!t.cancelled) {
        now = t.at;
        t.run.run();
        return true;
      }
    }
    return false;
  }

  private Task dequeued(Task t) {
    t.queued = false;
    if (t.cancelled) {
      cancelledQueued--;
    }
    return t;
  }
}
