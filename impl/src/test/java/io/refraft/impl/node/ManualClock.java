package io.refraft.impl.node;

import java.util.PriorityQueue;

/** Virtual time for driver tests: tasks run only when the test advances the clock. */
final class ManualClock implements Clock {
  private record Task(long at, long seq, Runnable run, boolean[] cancelled) {}

  private final PriorityQueue<Task> tasks = new PriorityQueue<>(
      (a, b) -> a.at != b.at ? Long.compare(a.at, b.at) : Long.compare(a.seq, b.seq));
  private long now;
  private long seq;

  @Override
  public long nanoTime() {
    return now;
  }

  @Override
  public Timer schedule(long delayNanos, Runnable task) {
    boolean[] cancelled = {false};
    tasks.add(new Task(now + delayNanos, seq++, task, cancelled));
    return () -> cancelled[0] = true;
  }

  /** Moves time forward by {@code nanos}, running every task that falls due, in time order. */
  void advance(long nanos) {
    long until = now + nanos;
    while (!tasks.isEmpty() && tasks.peek().at <= until) {
      Task t = tasks.poll();
      now = t.at;
      if (!t.cancelled[0]) {
        t.run.run();
      }
    }
    now = until;
  }
}
