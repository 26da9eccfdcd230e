package io.refraft.impl.node;

/**
 * Time for the driver: the only way it reads time or waits. The real node uses {@link SystemClock};
 * the deterministic simulator supplies virtual time.
 *
 * <p>Obligations: {@link #nanoTime()} never decreases; {@link #schedule} never blocks and runs
 * {@code task} once, no earlier than {@code delayNanos} after the call, unless cancelled first; the
 * task may run on any thread (the driver's tasks only post to its mailbox).
 */
public interface Clock {

  /** A monotonic reading in nanoseconds, for measuring intervals only. */
  long nanoTime();

  /** Runs {@code task} once after {@code delayNanos}. */
  Timer schedule(long delayNanos, Runnable task);

  /** A scheduled task. */
  @FunctionalInterface
  interface Timer {
    /** Best effort: a task already running or about to run may still run; idempotent. */
    void cancel();
  }
}
