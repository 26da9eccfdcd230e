package io.refraft.impl.planted;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * How many times each planted bug fired in one run: each time its wrapper made the node do what the
 * correct node would not (a read served without ReadIndex, a write acknowledged before its commit,
 * an fsync skipped, a synced record dropped at a restart, a session tag stripped from a command
 * that had one, a second vote granted in a term). A run in which the bug never fired says nothing about whether the checkers catch it.
 * Safe to count from any thread (a real node's HTTP threads and state thread).
 */
public final class Firings {
  private final AtomicLongArray counts = new AtomicLongArray(InjectedBug.values().length);

  /** How many times {@code bug} fired so far. */
  public long count(InjectedBug bug) {
    return counts.get(bug.ordinal());
  }

  void fired(InjectedBug bug, long times) {
    counts.addAndGet(bug.ordinal(), times);
  }
}
