package io.refraft.verification.trace;

import io.refraft.traces.TraceFormatException;
import io.refraft.traces.TraceReader;
import io.refraft.traces.TraceStep;
import java.io.IOException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Reads and decodes a trace on a thread of its own, a bounded number of steps ahead, so decoding
 * (about half of the work) overlaps replay. Errors arrive in order, after the steps before them.
 * Memory: at most {@code QUEUE × BATCH} steps in flight.
 */
final class Prefetch implements StepStream {
  private static final int BATCH = 256;
  private static final int QUEUE = 8;

  private record Batch(TraceStep[] steps, long[] lines, int size, Exception error) {}

  private final TraceReader reader;
  private final BlockingQueue<Batch> queue = new ArrayBlockingQueue<>(QUEUE);
  private final Thread thread;
  private Batch current;
  private int next;
  private long line;
  private boolean done;

  Prefetch(TraceReader reader) {
    this.reader = reader;
    this.thread = Thread.ofPlatform().daemon().name("trace-reader").start(this::produce);
  }

  @Override
  public String file() {
    return reader.file();
  }

  /** The line of the step {@link #next} returned last. */
  @Override
  public long line() {
    return line;
  }

  /** The next step, or null at the end; a read error surfaces after the steps before it. */
  @Override
  public TraceStep next() throws IOException, TraceFormatException {
    while (!done) {
      if (current != null && next < current.size()) {
        line = current.lines()[next];
        return current.steps()[next++];
      }
      if (current != null && (current.error() != null || current.size() < BATCH)) {
        done = true; // the producer's last batch
        rethrow(current.error());
        return null;
      }
      current = take();
      next = 0;
    }
    return null;
  }

  private Batch take() throws IOException {
    try {
      return queue.take();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while reading " + reader.file(), e);
    }
  }

  static void rethrow(Exception e) throws IOException, TraceFormatException {
    if (e instanceof TraceFormatException t) {
      throw t;
    }
    if (e instanceof IOException io) {
      throw io;
    }
    if (e != null) {
      throw (RuntimeException) e;
    }
  }

  private void produce() {
    try {
      while (true) {
        TraceStep[] steps = new TraceStep[BATCH];
        long[] lines = new long[BATCH];
        int n = 0;
        Exception error = null;
        try {
          while (n < BATCH) {
            TraceStep s = reader.next();
            if (s == null) {
              break;
            }
            steps[n] = s;
            lines[n++] = reader.line();
          }
        } catch (IOException | TraceFormatException | RuntimeException e) {
          error = e;
        }
        queue.put(new Batch(steps, lines, n, error));
        if (n < BATCH || error != null) {
          return;
        }
      }
    } catch (InterruptedException e) {
      // the consumer stopped early (a divergence): nothing more to read
    }
  }

  @Override
  public void close() throws IOException {
    thread.interrupt();
    try {
      thread.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    reader.close();
  }
}
