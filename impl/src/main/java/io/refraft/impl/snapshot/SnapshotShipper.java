package io.refraft.impl.snapshot;

import io.refraft.impl.net.Transport;
import io.refraft.impl.snapshot.TransferFrame.Abort;
import io.refraft.impl.snapshot.TransferFrame.Ack;
import io.refraft.impl.snapshot.TransferFrame.Cancel;
import io.refraft.impl.snapshot.TransferFrame.Chunk;
import io.refraft.impl.snapshot.TransferFrame.Done;
import io.refraft.impl.snapshot.TransferFrame.Offer;
import io.refraft.impl.snapshot.TransferFrame.Resume;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Streams snapshot files to peers, at most one transfer per peer, on a thread of its own.
 *
 * <p>Protocol, per transfer: an {@link Offer} (size, the file's CRC32C, the request message); the
 * receiver answers with a {@link Resume} saying from which offset to send (0, or what it already
 * holds of this transfer). Then chunks, at most {@link TransferSettings#windowChunks} beyond the
 * last {@link Ack}: the transport's queue is shared with Raft messages, and a heartbeat queued behind
 * the window waits for at most that many bytes, never for the whole file. A Resume of the current
 * epoch rewinds to the offset it names (a corrupt chunk, a gap after frames lost with a
 * connection). When nothing moved for {@link TransferSettings#retransmitAfter} (the transport drops
 * when its queue is full or the peer is down, and an Offer or Resume may be lost too), the sender
 * offers again and waits for the receiver's offset: resumption after a dropped connection costs at
 * most one window of bytes sent twice. {@link Done} ends it; {@link Abort} fails it.
 *
 * <p>Obligations: {@link #ship} and {@link #cancel} never block and never throw for a runtime
 * condition (the caller is the node's state thread); the returned future completes on the
 * shipper's thread, so callers must not run long work in its callbacks.
 */
public final class SnapshotShipper implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SnapshotShipper.class);
  private static final int MAX_PENDING_REPLIES = 4096;
  private static final long IDLE_WAIT_NANOS = TimeUnit.SECONDS.toNanos(1);

  private sealed interface Event {}

  private record Start(Outgoing transfer) implements Event {}

  private record CancelPeer(String peer) implements Event {}

  private record Reply(String from, TransferFrame frame) implements Event {}

  private record Stop() implements Event {}

  /**
   * Counters since start.
   *
   * @param bytesResent data bytes sent at offsets sent before (after a rewind)
   * @param timeouts offers sent again because nothing moved
   * @param rewinds Resumes that moved a transfer back
   * @param staleReplies replies for no current transfer (an earlier one, or a stale epoch's Resume)
   */
  public record Stats(long chunksSent, long bytesSent, long bytesResent, long timeouts, long rewinds,
      long completed, long failed, long staleReplies, long droppedReplies) {}

  private final String self;
  private final Transport transport;
  private final TransferSettings settings;
  private final LinkedBlockingQueue<Event> events = new LinkedBlockingQueue<>();
  private final AtomicInteger pendingReplies = new AtomicInteger();
  /** Offer nonces: random at start, so a restarted sender's runs differ from the earlier process's. */
  private final AtomicLong nonces = new AtomicLong(new SplittableRandom().nextLong());
  private final Map<String, Outgoing> transfers = new HashMap<>(); // the shipper's thread only
  private final Thread thread;
  private volatile boolean closed;
  private final LongAdder chunksSent = new LongAdder();
  private final LongAdder bytesSent = new LongAdder();
  private final LongAdder bytesResent = new LongAdder();
  private final LongAdder timeouts = new LongAdder();
  private final LongAdder rewinds = new LongAdder();
  private final LongAdder completed = new LongAdder();
  private final LongAdder failed = new LongAdder();
  private final LongAdder staleReplies = new LongAdder();
  private final LongAdder droppedReplies = new LongAdder();

  /** Starts the shipper's thread; it sends through {@code transport}, which must be started separately. */
  public SnapshotShipper(String self, Transport transport, TransferSettings settings) {
    this.self = Objects.requireNonNull(self, "self");
    this.transport = Objects.requireNonNull(transport, "transport");
    this.settings = Objects.requireNonNull(settings, "settings");
    this.thread = Thread.ofPlatform().daemon().name("refraft-snapshot-ship-" + self).unstarted(this::run);
    thread.start();
  }

  /**
   * Starts streaming {@code file} to {@code peer}; a transfer to the same peer still running is
   * cancelled (its future fails with {@link CancellationException}), unless it has the same id and
   * file: then this is a repeat, the running transfer goes on (with the request it started with) and
   * the returned future completes with it. The receiver's node gets {@code request} with the verified file. The file must not change
   * until the future completes. An id may be used again for the same peer once its transfer ended
   * (the snapshot's index is a good id: a repeat for the same snapshot joins the running transfer).
   *
   * @return completes once the receiver has verified, synced and handed on the whole file; fails
   *     with {@link TransferFailedException} (the receiver aborted, or the file could not be read) or
   *     {@link CancellationException}
   */
  public CompletableFuture<Void> ship(String peer, long transferId, Path file, byte[] request) {
    if (transferId < 0) {
      throw new IllegalArgumentException("transfer id must be >= 0, got " + transferId);
    }
    Outgoing t = new Outgoing(Objects.requireNonNull(peer, "peer"), transferId, nonces.getAndIncrement(),
        Objects.requireNonNull(file, "file"), Objects.requireNonNull(request, "request").clone());
    if (closed) {
      t.done.completeExceptionally(new CancellationException(self + ": snapshot shipper closed"));
    } else {
      events.add(new Start(t));
    }
    return t.done;
  }

  /** Cancels the transfer to {@code peer}, if any (e.g. this node is no longer leader). */
  public void cancel(String peer) {
    events.add(new CancelPeer(peer));
  }

  /** A frame the receiver sent back; called on a transport thread, never blocks. */
  void receive(String from, TransferFrame frame) {
    if (pendingReplies.incrementAndGet() > MAX_PENDING_REPLIES) {
      pendingReplies.decrementAndGet();
      droppedReplies.increment(); // a lost reply is a lost frame: the timeout recovers
      return;
    }
    events.add(new Reply(from, frame));
  }

  public Stats stats() {
    return new Stats(chunksSent.sum(), bytesSent.sum(), bytesResent.sum(), timeouts.sum(), rewinds.sum(),
        completed.sum(), failed.sum(), staleReplies.sum(), droppedReplies.sum());
  }

  /** Cancels every transfer and stops the thread; idempotent. */
  @Override
  public void close() {
    closed = true;
    events.add(new Stop());
    try {
      if (!thread.join(Duration.ofSeconds(5))) {
        log.warn("{}: snapshot shipper thread did not stop within 5 s", self);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void run() {
    try {
      while (true) {
        Event e = events.poll(waitNanos(System.nanoTime()), TimeUnit.NANOSECONDS);
        for (; e != null; e = events.poll()) {
          if (!handle(e)) {
            stopAll();
            return;
          }
        }
        long now = System.nanoTime();
        retransmitStalled(now);
        for (Outgoing t : new ArrayList<>(transfers.values())) {
          pump(t, now);
        }
      }
    } catch (InterruptedException e) {
      stopAll();
    } catch (RuntimeException e) {
      log.error("{}: snapshot shipper failed; its transfers are cancelled", self, e);
      closed = true; // later ships fail at once rather than wait for a thread that is gone
      stopAll();
    }
  }

  private long waitNanos(long now) {
    long wait = IDLE_WAIT_NANOS;
    for (Outgoing t : transfers.values()) {
      wait = Math.min(wait, t.lastMovedNanos + settings.retransmitAfter().toNanos() - now);
    }
    return Math.max(wait, TimeUnit.MILLISECONDS.toNanos(1));
  }

  private boolean handle(Event e) {
    switch (e) {
      case Start s -> start(s.transfer());
      case CancelPeer c -> {
        Outgoing old = transfers.remove(c.peer());
        if (old != null) {
          cancel(old, "cancelled");
        }
      }
      case Reply r -> {
        pendingReplies.decrementAndGet();
        reply(r.from(), r.frame());
      }
      case Stop s -> {
        return false;
      }
    }
    return true;
  }

  private void start(Outgoing t) {
    Outgoing old = transfers.get(t.peer);
    if (old != null && old.id == t.id && old.file.equals(t.file)) {
      // A repeat (the leader sends InstallSnapshot again while the follower still needs it): the
      // running transfer goes on; restarting it would never let a large file finish.
      old.done.whenComplete((ok, e) -> {
        if (e == null) {
          t.done.complete(null);
        } else {
          t.done.completeExceptionally(e);
        }
      });
      return;
    }
    if (old != null) {
      transfers.remove(t.peer);
      cancel(old, "replaced by transfer " + t.id);
    }
    try {
      t.open();
    } catch (IOException e) {
      t.close();
      fail(t, new TransferFailedException(self + ": cannot send snapshot " + t.file + " to " + t.peer + ": " + e.getMessage()));
      return;
    }
    transfers.put(t.peer, t);
    t.lastHeardNanos = System.nanoTime();
    log.info("{}: sending snapshot transfer {} to {}: {} bytes from {}", self, t.id, t.peer, t.total, t.file);
    offer(t, System.nanoTime());
  }

  private void offer(Outgoing t, long now) {
    t.awaitingResume = true;
    t.lastMovedNanos = now;
    transport.send(t.peer, TransferCodec.offer(t.id, t.nonce, t.epoch, t.total, t.fileCrc, t.request));
  }

  private void reply(String from, TransferFrame f) {
    Outgoing t = transfers.get(from);
    if (t == null || t.id != f.transferId()) {
      staleReplies.increment();
      return;
    }
    switch (f) {
      case Ack a -> {
        if (a.offset() > t.acked && a.offset() <= t.total) {
          t.acked = a.offset();
          t.next = Math.max(t.next, t.acked);
          t.lastMovedNanos = System.nanoTime();
          t.lastHeardNanos = t.lastMovedNanos;
        }
      }
      case Resume r -> resume(t, r);
      case Done d -> {
        transfers.remove(from);
        t.close();
        completed.increment();
        log.info("{}: snapshot transfer {} to {} done ({} bytes)", self, t.id, t.peer, t.total);
        t.done.complete(null);
      }
      case Abort a -> {
        transfers.remove(from);
        t.close();
        fail(t, new TransferFailedException(self + ": " + t.peer + " aborted snapshot transfer " + t.id + ": "
            + a.reason().meaning()));
      }
      case Offer o -> staleReplies.increment(); // routed to the receiver, never here
      case Chunk c -> staleReplies.increment();
      case Cancel c -> staleReplies.increment();
    }
  }

  /** The receiver's offset; a Resume of an earlier epoch answered a rewind already made. */
  private void resume(Outgoing t, Resume r) {
    if (r.epoch() != t.epoch || r.offset() > t.total) {
      staleReplies.increment();
      return;
    }
    if (r.offset() < t.next) {
      rewinds.increment();
    }
    t.acked = r.offset(); // may go down: a restarted receiver begins again
    t.next = r.offset();
    t.epoch++;
    t.awaitingResume = false;
    t.lastMovedNanos = System.nanoTime();
    t.lastHeardNanos = t.lastMovedNanos;
  }

  private void retransmitStalled(long now) {
    for (Outgoing t : new ArrayList<>(transfers.values())) {
      if (now - t.lastHeardNanos > settings.abandonAfter().toNanos()) {
        // The receiver would have abandoned its partial file by now; holding the file open for a
        // peer that is gone helps nobody. The leader ships again when the follower still needs it.
        transfers.remove(t.peer);
        t.close();
        transport.send(t.peer, TransferCodec.cancel(t.id));
        fail(t, new TransferFailedException(self + ": gave up snapshot transfer " + t.id + " to " + t.peer
            + " at " + t.acked + " of " + t.total + " bytes: nothing heard for " + settings.abandonAfter()));
      } else if (now - t.lastMovedNanos >= settings.retransmitAfter().toNanos()) {
        timeouts.increment();
        log.debug("{}: snapshot transfer {} to {} stalled at {} of {}: offering again", self, t.id, t.peer,
            t.acked, t.total);
        t.epoch++;
        offer(t, now);
      }
    }
  }

  private void pump(Outgoing t, long now) {
    long window = settings.windowBytes();
    while (!t.awaitingResume && t.next < t.total && t.next - t.acked < window) {
      int length = (int) Math.min(settings.chunkBytes(), t.total - t.next);
      byte[] frame = TransferCodec.chunk(t.id, t.epoch, t.next, length);
      try {
        t.read(frame, TransferCodec.CHUNK_HEADER, length, t.next);
      } catch (IOException e) {
        transfers.remove(t.peer);
        t.close();
        transport.send(t.peer, TransferCodec.cancel(t.id));
        fail(t, new TransferFailedException(self + ": snapshot transfer " + t.id + " to " + t.peer + ": " + e.getMessage()));
        return;
      }
      TransferCodec.seal(frame);
      transport.send(t.peer, frame);
      chunksSent.increment();
      bytesSent.add(length);
      if (t.next < t.highestSent) {
        bytesResent.add(Math.min(length, t.highestSent - t.next));
      }
      t.next += length;
      t.highestSent = Math.max(t.highestSent, t.next);
    }
  }

  /** Tells the receiver to drop its partial file, and fails the future. */
  private void cancel(Outgoing t, String why) {
    t.close();
    transport.send(t.peer, TransferCodec.cancel(t.id));
    log.info("{}: snapshot transfer {} to {} {}", self, t.id, t.peer, why);
    failed.increment();
    t.done.completeExceptionally(new CancellationException(self + ": snapshot transfer " + t.id + " to " + t.peer
        + " " + why));
  }

  private void fail(Outgoing t, TransferFailedException e) {
    failed.increment();
    log.warn("{}", e.getMessage());
    t.done.completeExceptionally(e);
  }

  private void stopAll() {
    for (Outgoing t : transfers.values()) {
      cancel(t, "cancelled: the shipper closed");
    }
    transfers.clear();
    for (Event e = events.poll(); e != null; e = events.poll()) {
      if (e instanceof Start s) {
        s.transfer().done.completeExceptionally(new CancellationException(self + ": snapshot shipper closed"));
      }
    }
  }
}
