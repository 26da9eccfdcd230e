package io.refraft.verification.harness;

import io.refraft.impl.client.RefraftClient;
import io.refraft.verification.history.Op;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The workload's client threads. Each runs Jepsen's single-threaded process model: one operation at
 * a time, invoke recorded before the request and completion after the answer. A process whose
 * operation ends {@code :info} may still have it in flight, so it retires and the thread goes on as
 * a new process ({@code p + concurrency}) with a new client and session, as in Jepsen.
 *
 * <p>Throughput is capped at {@code rate} operations per second over all threads: each operation
 * takes the next free slot of a shared schedule. Below the cap it is a closed system of
 * {@code concurrency} clients, so a fault that blocks them all lowers the load.
 */
final class Clients {
  /**
   * One HTTP attempt; a follower redirect or a retry in the session makes another. Short, so that a
   * paused or isolated leader costs a client about this much before it asks another node (a write is
   * acknowledged within tens of milliseconds when a leader serves; a resend in the session is safe).
   */
  static final Duration REQUEST_TIMEOUT = Duration.ofMillis(500);
  /** All attempts of one operation: past it, the outcome is unknown ({@code :info}). */
  static final Duration OP_DEADLINE = Duration.ofSeconds(5);

  private final Workload workload;
  private final Recorder recorder;
  private final List<URI> endpoints;
  private final int concurrency;
  private final long intervalNanos;
  private final long seed;
  private final AtomicLong nextSlot = new AtomicLong();
  private final AtomicLong maxProcess = new AtomicLong();
  private final List<Thread> threads = new ArrayList<>();
  private volatile long stopAtNanos;

  Clients(Workload workload, Recorder recorder, List<URI> endpoints, int concurrency, double rate, long seed) {
    this.workload = workload;
    this.recorder = recorder;
    this.endpoints = List.copyOf(endpoints);
    this.concurrency = concurrency;
    this.intervalNanos = (long) (1e9 / rate);
    this.seed = seed;
  }

  static RefraftClient client(List<URI> endpoints) {
    return new RefraftClient(endpoints, REQUEST_TIMEOUT, OP_DEADLINE, true);
  }

  /**
   * A workload client bound to node {@code worker mod n}, as Jepsen binds each process to a node: its
   * reads start there every time (a correct follower redirects them to the leader), so a node that
   * serves reads it must not (the planted stale-read bug) is exposed. Writes find the leader.
   */
  private RefraftClient homeClient(int worker) {
    List<URI> rotated = new java.util.ArrayList<>(endpoints);
    java.util.Collections.rotate(rotated, -(worker % endpoints.size()));
    return new RefraftClient(rotated, REQUEST_TIMEOUT, OP_DEADLINE, true, true);
  }

  /** Starts the threads; they invoke nothing at or after {@code stopAtNanos} (recorder time). */
  void start(long stopAtNanos) {
    this.stopAtNanos = stopAtNanos;
    nextSlot.set(recorder.now());
    maxProcess.set(concurrency - 1);
    for (int w = 0; w < concurrency; w++) {
      int worker = w;
      threads.add(Thread.ofPlatform().name("client-" + w).daemon().start(() -> loop(worker)));
    }
  }

  /** Waits for every thread's last operation to complete (each is bounded by the deadline). */
  void join() throws InterruptedException {
    for (Thread t : threads) {
      t.join();
    }
  }

  /** A process id no client thread used: for the operations after the last heal. */
  long freshProcess() {
    return maxProcess.get() + 1;
  }

  private void loop(int worker) {
    Random rnd = new Random(seed * 1_000_003L + worker);
    long process = worker;
    RefraftClient client = homeClient(worker);
    try {
      while (true) {
        // The next free slot, never one in the past: threads blocked by a fault bank no burst.
        long now = recorder.now();
        long slot = Math.max(now, nextSlot.getAndAccumulate(now, (s, n) -> Math.max(s, n) + intervalNanos));
        long wait = slot - now;
        if (wait > 0) {
          LockSupport.parkNanos(wait);
        }
        if (recorder.now() >= stopAtNanos || Thread.currentThread().isInterrupted()) {
          return;
        }
        Workload.Invocation inv = workload.next(rnd);
        recorder.invoke(process, inv.f(), inv.value());
        Workload.Completion c = workload.run(client, inv);
        recorder.complete(process, c.type(), inv.f(), c.type() == Op.Type.OK ? c.value() : inv.value(), c.error());
        if (c.type() == Op.Type.INFO) {
          process += concurrency;
          maxProcess.accumulateAndGet(process, Math::max);
          client.close();
          client = homeClient(worker);
        }
      }
    } finally {
      client.close();
    }
  }
}
