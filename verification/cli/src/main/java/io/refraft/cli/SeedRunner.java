package io.refraft.cli;

import io.refraft.verification.sim.SimResult;
import io.refraft.verification.sim.Simulation;
import java.util.ArrayDeque;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Runs consecutive seeds on a pool of threads and hands the results out in seed order. Each seed
 * is a self-contained {@link Simulation} (its own clock, network, disks and drivers, no shared
 * mutable state), so running seeds side by side changes no seed's outcome: output is what one
 * thread would print. At most {@code 2 × threads} seeds run or wait ahead of the consumer, so a
 * long run keeps a bounded number of results (and their traces) in memory.
 */
final class SeedRunner implements AutoCloseable {
  private final ExecutorService pool;
  private final ArrayDeque<Future<Done>> ahead = new ArrayDeque<>();
  private final Simulation.Options options;
  private final int window;
  private long nextSeed;
  private long left;

  SeedRunner(long first, long count, int threads, Simulation.Options options) {
    this.pool = Executors.newFixedThreadPool(threads,
        r -> Thread.ofPlatform().daemon().name("simulate-seed").unstarted(r));
    this.options = options;
    this.window = 2 * threads;
    this.nextSeed = first;
    this.left = count;
    fill();
  }

  /** A seed's result and the wall-clock seconds its run took on its worker. */
  record Done(SimResult result, double seconds) {}

  /** The next seed's result, in seed order; blocks until it is done. */
  Done next() {
    Future<Done> f = ahead.removeFirst();
    fill();
    try {
      return f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for a seed", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("simulator error: " + e.getCause(), e.getCause());
    }
  }

  private void fill() {
    while (ahead.size() < window && left > 0) {
      long s = nextSeed++;
      left--;
      ahead.addLast(pool.submit(() -> {
        long start = System.nanoTime();
        SimResult r = Simulation.run(s, options);
        return new Done(r, (System.nanoTime() - start) / 1e9);
      }));
    }
  }

  @Override
  public void close() {
    pool.shutdownNow();
  }
}
