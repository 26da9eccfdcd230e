package io.refraft.impl.node;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/** {@link Clock} over {@link System#nanoTime()} and one daemon scheduler thread. */
public final class SystemClock implements Clock, AutoCloseable {
  private final ScheduledExecutorService scheduler;

  public SystemClock(String name) {
    scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    });
  }

  @Override
  public long nanoTime() {
    return System.nanoTime();
  }

  @Override
  public Timer schedule(long delayNanos, Runnable task) {
    ScheduledFuture<?> f = scheduler.schedule(task, delayNanos, TimeUnit.NANOSECONDS);
    return () -> f.cancel(false);
  }

  @Override
  public void close() {
    scheduler.shutdownNow();
  }
}
