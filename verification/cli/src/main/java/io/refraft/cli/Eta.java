package io.refraft.cli;

import java.util.ArrayDeque;
import java.util.OptionalLong;

/**
 * The time left of a model-checking run, estimated for its progress line: when the queue of
 * states waiting to be expanded has shrunk in each of the last {@link #INTERVALS} progress
 * intervals, the queue divided by its mean rate of shrinking over them. A breadth-first search's
 * queue grows for most of the run and shrinks at its end, so no estimate is given while it grows,
 * and a shrinking queue that grows again withdraws it.
 */
final class Eta {
  static final int INTERVALS = 3;
  private final ArrayDeque<Long> queues = new ArrayDeque<>();
  private String phase = "";

  /**
   * Takes the queue at the end of one interval of {@code intervalSeconds}; returns the seconds
   * left, or empty when the queue has not shrunk in each of the last {@link #INTERVALS} intervals.
   * A new {@code phase} starts the samples afresh (its queue is another one).
   */
  OptionalLong next(String phase, long queued, double intervalSeconds) {
    if (!phase.equals(this.phase)) {
      this.phase = phase;
      queues.clear();
    }
    queues.addLast(queued);
    if (queues.size() > INTERVALS + 1) {
      queues.removeFirst();
    }
    if (queues.size() < INTERVALS + 1) {
      return OptionalLong.empty();
    }
    long prev = Long.MAX_VALUE;
    for (long q : queues) {
      if (q >= prev) {
        return OptionalLong.empty();
      }
      prev = q;
    }
    double perSecond = (queues.getFirst() - queued) / (INTERVALS * intervalSeconds);
    return OptionalLong.of(Math.round(queued / perSecond));
  }
}
