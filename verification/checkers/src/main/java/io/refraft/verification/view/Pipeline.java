package io.refraft.verification.view;

import io.refraft.spec.Action;
import io.refraft.spec.NodeState;
import io.refraft.traces.TraceStep;
import io.refraft.verification.trace.StepObserver;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Hands the validator's steps to the encoder on a thread of its own, in batches, so that writing
 * the page overlaps the replay instead of adding to it: generation then takes about as long as
 * validation where a second core is free. The steps and states are immutable, so the encoder may
 * read them while the validator moves on. The queue is bounded: a slow disk slows the validator
 * rather than filling the heap.
 */
final class Pipeline implements StepObserver {
  private static final int BATCH = 512;
  private static final List<Item> END = List.of();

  /** flag: 0 accepted, 1 the divergent step, 2 a step after it. */
  private record Item(String file, long line, TraceStep step, NodeState before, NodeState after, List<Action> actions,
      String inputs, int flag) {}

  private final BlockingQueue<List<Item>> queue = new ArrayBlockingQueue<>(8);
  private final Thread thread;
  private volatile Throwable failure;
  private List<Item> batch = new ArrayList<>(BATCH);
  private boolean finished;
  /** Per file, the last line the validator showed: where a run's steps after a divergence begin. */
  private final java.util.Map<String, Long> lastLine = new java.util.HashMap<>();

  Pipeline(StepEncoder encoder) {
    this.thread = new Thread(() -> run(encoder), "trace-view-encoder");
    thread.setDaemon(true);
    thread.start();
  }

  @Override
  public void accepted(String file, long line, TraceStep step, NodeState before, NodeState after, List<Action> actions,
      String inputs) {
    add(new Item(file, line, step, before, after, actions, inputs, 0));
  }

  @Override
  public void diverged(String file, long line, TraceStep step, NodeState before) {
    add(new Item(file, line, step, before, null, null, null, 1));
  }

  void unvalidated(String file, long line, TraceStep step) {
    add(new Item(file, line, step, null, null, null, null, 2));
  }

  private void add(Item it) {
    lastLine.put(it.file(), it.line());
    batch.add(it);
    if (batch.size() == BATCH) {
      put(batch);
      batch = new ArrayList<>(BATCH);
    }
  }

  private void put(List<Item> b) {
    try {
      queue.put(b);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while writing the trace view", e);
    }
  }

  /** The last line of {@code file} the validator showed, 0 when none. */
  long lastLine(String file) {
    return lastLine.getOrDefault(file, 0L);
  }

  /** Waits until every step is written; the encoder's failure, if any, is thrown here. */
  void finish() throws IOException {
    put(batch);
    put(END);
    finished = true;
    try {
      thread.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while writing the trace view", e);
    }
    if (failure instanceof UncheckedIOException u) {
      throw u.getCause();
    }
    if (failure != null) {
      throw new IllegalStateException("writing the trace view failed", failure);
    }
  }

  /** Stops the encoder when validation failed before {@link #finish} (malformed input). */
  void abort() {
    if (!finished) {
      thread.interrupt();
      try {
        thread.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private void run(StepEncoder enc) {
    try {
      for (List<Item> b = queue.take(); b != END; b = queue.take()) {
        if (failure != null) {
          continue; // keep draining, so that the validator never blocks on a full queue
        }
        try {
          for (Item it : b) {
            switch (it.flag()) {
              case 0 -> enc.accepted(it.file(), it.line(), it.step(), it.before(), it.after(), it.actions(), it.inputs());
              case 1 -> enc.unvalidated(it.file(), it.line(), it.step(), 1);
              default -> enc.unvalidated(it.file(), it.line(), it.step(), 2);
            }
          }
        } catch (RuntimeException | Error e) {
          failure = e;
        }
      }
    } catch (InterruptedException e) {
      // aborted: the page is not written
    }
  }
}
