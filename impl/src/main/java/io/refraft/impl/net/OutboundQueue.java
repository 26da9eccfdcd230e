package io.refraft.impl.net;

import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The bounded queue of frames waiting for one peer: many producers ({@link Transport#send}
 * callers), drained in batches by the connection's writer.
 *
 * <p>Invariants: (1) never more than {@code capacity} frames are queued; (2) every offered frame
 * is either counted as dropped or handed to exactly one drain, never both, never twice.
 *
 * <p>A {@link ReentrantLock} rather than {@code synchronized}: a virtual thread waiting on a
 * monitor pins its carrier thread on Java 21 (JEP 444, "Pinning"), a lock's condition does not.
 */
public final class OutboundQueue {

  private final int capacity;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition notEmpty = lock.newCondition();
  private final ArrayDeque<byte[]> frames = new ArrayDeque<>();
  private long dropped;
  private boolean closed;

  public OutboundQueue(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("queue capacity must be >= 1, got " + capacity);
    }
    this.capacity = capacity;
  }

  /** Enqueues {@code frame} unless the queue is full or closed, in which case it counts a drop. */
  public boolean offer(byte[] frame) {
    lock.lock();
    try {
      if (closed || frames.size() >= capacity) {
        dropped++;
        return false;
      }
      frames.addLast(frame);
      if (frames.size() == 1) {
        notEmpty.signal();
      }
      return true;
    } finally {
      lock.unlock();
    }
  }

  /** Moves every queued frame to {@code into} without waiting; returns how many. */
  public int drainTo(List<byte[]> into) {
    lock.lock();
    try {
      int n = frames.size();
      into.addAll(frames);
      frames.clear();
      return n;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Waits until a frame is queued (or the queue is closed, or {@code timeoutNanos} pass), then moves
   * every queued frame to {@code into}; returns how many.
   */
  public int awaitDrainTo(List<byte[]> into, long timeoutNanos) throws InterruptedException {
    lock.lock();
    try {
      long remaining = timeoutNanos;
      while (frames.isEmpty() && !closed && remaining > 0) {
        remaining = notEmpty.awaitNanos(remaining);
      }
      int n = frames.size();
      into.addAll(frames);
      frames.clear();
      return n;
    } finally {
      lock.unlock();
    }
  }

  /** Refuses further frames (counted as drops), discards the queued ones and wakes any waiter. */
  public void close() {
    lock.lock();
    try {
      closed = true;
      dropped += frames.size();
      frames.clear();
      notEmpty.signalAll();
    } finally {
      lock.unlock();
    }
  }

  public int size() {
    lock.lock();
    try {
      return frames.size();
    } finally {
      lock.unlock();
    }
  }

  public long dropped() {
    lock.lock();
    try {
      return dropped;
    } finally {
      lock.unlock();
    }
  }

  public int capacity() {
    return capacity;
  }
}
