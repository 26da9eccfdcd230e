package io.refraft.impl.snapshot;

import io.refraft.impl.net.Transport;
import io.refraft.impl.snapshot.TransferFrame.Abort;
import io.refraft.impl.snapshot.TransferFrame.AbortReason;
import io.refraft.impl.snapshot.TransferFrame.Ack;
import io.refraft.impl.snapshot.TransferFrame.Cancel;
import io.refraft.impl.snapshot.TransferFrame.Chunk;
import io.refraft.impl.snapshot.TransferFrame.Done;
import io.refraft.impl.snapshot.TransferFrame.Offer;
import io.refraft.impl.snapshot.TransferFrame.Resume;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Receives snapshot files into a directory of its own, one transfer per sending peer, on a thread of
 * its own (file writes never run on a transport thread).
 *
 * <p>A chunk is written only when its CRC32C matches and it starts exactly at the verified offset;
 * a corrupt chunk is counted, logged and re-requested from that offset ({@link Resume}), never
 * written. When the last byte is in, the whole file's CRC32C is compared with the offer's, the file
 * fsynced, renamed from {@code incoming-N.part} to {@code incoming-N.snapshot} and the directory
 * fsynced; only then does the consumer get it ({@link ReceivedSnapshot}). A partial file is deleted
 * when its sender cancels, starts another transfer, or is silent for
 * {@link TransferSettings#abandonAfter}; at start, files left by an earlier process are deleted.
 * Limits: {@link TransferSettings#maxIncoming} transfers and {@link TransferSettings#maxIncomingBytes}
 * bytes at once (an offer beyond them is aborted), and at most two windows per allowed transfer of
 * chunk bytes waiting for the thread (more are dropped; the sender retransmits).
 */
public final class SnapshotReceiver implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SnapshotReceiver.class);
  static final String PREFIX = "incoming-";

  private sealed interface Event {}

  private record Arrived(String from, TransferFrame frame, int bytes) implements Event {}

  private record Stop() implements Event {}

  /** The run of a transfer that was handed on: a re-offer of it means our Done was lost. */
  private record Finished(long transferId, long nonce) {}

  /** Counters since start. */
  public record Stats(long chunksWritten, long bytesWritten, long corruptChunks, long resumesSent,
      long duplicateChunks, long staleFrames, long droppedFull, long installed, long abandoned, long refused,
      long checksumFailures) {}

  private final String self;
  private final Path dir;
  private final Transport transport;
  private final TransferSettings settings;
  private final Consumer<ReceivedSnapshot> consumer;
  private final LinkedBlockingQueue<Event> events = new LinkedBlockingQueue<>();
  private final AtomicLong queuedBytes = new AtomicLong();
  private final long maxQueuedBytes;
  private final Map<String, Incoming> active = new HashMap<>(); // the receiver's thread only
  private final Map<String, Finished> completed = new HashMap<>(); // the last transfer done, per peer
  private final Thread thread;
  private long fileSeq;
  private final LongAdder chunksWritten = new LongAdder();
  private final LongAdder bytesWritten = new LongAdder();
  private final LongAdder corruptChunks = new LongAdder();
  private final LongAdder resumesSent = new LongAdder();
  private final LongAdder duplicateChunks = new LongAdder();
  private final LongAdder staleFrames = new LongAdder();
  private final LongAdder droppedFull = new LongAdder();
  private final LongAdder installed = new LongAdder();
  private final LongAdder abandoned = new LongAdder();
  private final LongAdder refused = new LongAdder();
  private final LongAdder checksumFailures = new LongAdder();

  /**
   * Starts the thread; touches no file until {@link #prepare()}. Replies go out through
   * {@code transport}, which must be started separately.
   */
  public SnapshotReceiver(String self, Path dir, Transport transport, TransferSettings settings,
      Consumer<ReceivedSnapshot> consumer) throws IOException {
    this.self = Objects.requireNonNull(self, "self");
    this.dir = Objects.requireNonNull(dir, "dir");
    this.transport = Objects.requireNonNull(transport, "transport");
    this.settings = Objects.requireNonNull(settings, "settings");
    this.consumer = Objects.requireNonNull(consumer, "consumer");
    this.maxQueuedBytes = 2 * settings.windowBytes() * settings.maxIncoming() + (1 << 20);
    this.thread = Thread.ofPlatform().daemon().name("refraft-snapshot-receive-" + self).unstarted(this::run);
    thread.start();
  }

  /**
   * Creates the directory if needed and deletes the transfer files an earlier process left in it;
   * called before the first frame can arrive (when the transport starts), so a node whose start fails
   * earlier (a corrupt data directory) leaves its directory as it was.
   */
  void prepare() throws IOException {
    Files.createDirectories(dir);
    deleteLeftovers();
  }

  /** A frame from {@code from}; called on a transport thread, never blocks. */
  void receive(String from, TransferFrame frame) {
    int bytes = switch (frame) {
      case Chunk c -> c.frame().length;
      case Offer o -> o.request().length + 64;
      default -> 64;
    };
    if (queuedBytes.addAndGet(bytes) > maxQueuedBytes) {
      queuedBytes.addAndGet(-bytes);
      droppedFull.increment();
      return;
    }
    events.add(new Arrived(from, frame, bytes));
  }

  public Stats stats() {
    return new Stats(chunksWritten.sum(), bytesWritten.sum(), corruptChunks.sum(), resumesSent.sum(),
        duplicateChunks.sum(), staleFrames.sum(), droppedFull.sum(), installed.sum(), abandoned.sum(),
        refused.sum(), checksumFailures.sum());
  }

  /** Stops the thread and deletes partial files; idempotent. */
  @Override
  public void close() {
    events.add(new Stop());
    try {
      if (!thread.join(Duration.ofSeconds(10))) {
        log.warn("{}: snapshot receiver thread did not stop within 10 s", self);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void run() {
    long tick = Math.min(settings.abandonAfter().toNanos(), TimeUnit.SECONDS.toNanos(1));
    long lastCheck = System.nanoTime();
    try {
      while (true) {
        Event e = events.poll(tick, TimeUnit.NANOSECONDS);
        if (e instanceof Stop) {
          break;
        }
        if (e instanceof Arrived a) {
          queuedBytes.addAndGet(-a.bytes());
          handle(a.from(), a.frame());
        }
        long now = System.nanoTime();
        if (now - lastCheck >= tick) {
          lastCheck = now;
          abandonSilent(now);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      log.error("{}: snapshot receiver failed; its partial files are deleted", self, e);
    }
    for (Incoming in : new ArrayList<>(active.values())) {
      abandon(in, "the receiver closed");
    }
  }

  private void handle(String from, TransferFrame f) {
    switch (f) {
      case Offer o -> offer(from, o);
      case Chunk c -> chunk(from, c);
      case Cancel c -> {
        Incoming in = active.get(from);
        if (in != null && in.id == c.transferId()) {
          abandon(in, "cancelled by " + from);
        }
      }
      case Ack a -> staleFrames.increment(); // the shipper's; never routed here
      case Resume r -> staleFrames.increment();
      case Done d -> staleFrames.increment();
      case Abort a -> staleFrames.increment();
    }
  }

  private void offer(String from, Offer o) {
    if (new Finished(o.transferId(), o.nonce()).equals(completed.get(from))) {
      transport.send(from, TransferCodec.done(o.transferId())); // a re-offer: our Done was lost
      return;
    }
    Incoming in = active.get(from);
    // Resume only the same content: an id used again for another file starts from 0.
    if (in == null || in.id != o.transferId() || in.total != o.totalBytes() || in.fileCrc != o.fileCrc()) {
      if (in != null) {
        abandon(in, "replaced by transfer " + o.transferId() + " from " + from);
      }
      in = open(from, o);
      if (in == null) {
        return;
      }
    }
    if (in.nonce != o.nonce()) {
      in.nonce = o.nonce(); // the sender ran the same transfer again: its epochs start anew
      in.request = o.request();
      in.lastEpoch = 0;
      in.resumedEpoch = -1;
    }
    in.lastHeardNanos = System.nanoTime();
    in.lastEpoch = Math.max(in.lastEpoch, o.epoch());
    in.resumedEpoch = Math.max(in.resumedEpoch, o.epoch());
    resumesSent.increment();
    transport.send(from, TransferCodec.resume(in.id, o.epoch(), in.verified));
    if (in.verified == in.total) {
      finish(in); // an empty file has no chunk
    }
  }

  /** A new transfer within the limits, or null after aborting it. */
  private Incoming open(String from, Offer o) {
    long bytes = o.totalBytes();
    for (Incoming other : active.values()) {
      bytes += other.total;
    }
    AbortReason refusal = active.size() >= settings.maxIncoming() ? AbortReason.BUSY
        : bytes > settings.maxIncomingBytes() ? AbortReason.TOO_LARGE
        : o.totalBytes() > usableSpace() ? AbortReason.NO_SPACE : null;
    if (refusal == null) {
      Path part = dir.resolve(PREFIX + (++fileSeq) + ".part");
      try {
        Incoming in = Incoming.create(from, o, part);
        active.put(from, in);
        log.info("{}: receiving snapshot transfer {} from {}: {} bytes into {}", self, o.transferId(), from,
            o.totalBytes(), part);
        return in;
      } catch (IOException e) {
        log.warn("{}: cannot create {} for snapshot transfer {} from {}: {}", self, part, o.transferId(), from,
            e.toString());
        refusal = AbortReason.IO;
      }
    } else {
      log.warn("{}: refused snapshot transfer {} from {} ({} bytes): {}", self, o.transferId(), from,
          o.totalBytes(), refusal.meaning());
    }
    refused.increment();
    transport.send(from, TransferCodec.abort(o.transferId(), refusal));
    return null;
  }

  private void chunk(String from, Chunk c) {
    Incoming in = active.get(from);
    if (in == null) {
      staleFrames.increment(); // of a transfer done, abandoned or refused: its sender offers again or stops
      return;
    }
    if (!TransferCodec.crcMatches(c)) {
      corruptChunks.increment();
      log.warn("{}: rejected a corrupt snapshot chunk from {} (transfer {}, claimed offset {}, {} bytes): "
          + "CRC32C mismatch; asking again from offset {}", self, from, in.id, c.offset(), c.length(), in.verified);
      requestResume(in, in.lastEpoch);
      return;
    }
    if (c.transferId() != in.id) {
      staleFrames.increment();
      return;
    }
    in.lastHeardNanos = System.nanoTime();
    in.lastEpoch = Math.max(in.lastEpoch, c.epoch());
    if (c.offset() < in.verified) {
      duplicateChunks.increment();
    } else if (c.offset() > in.verified) {
      requestResume(in, c.epoch()); // frames were lost in between (a dropped connection, a full queue)
    } else if (c.offset() + c.length() > in.total) {
      log.warn("{}: snapshot transfer {} from {}: a chunk at {} of {} bytes runs past the offered {} bytes",
          self, in.id, from, c.offset(), c.length(), in.total);
      abortTransfer(in, AbortReason.IO, "a chunk ran past the offered size");
    } else {
      write(in, c);
    }
  }

  private void write(Incoming in, Chunk c) {
    try {
      in.append(c.frame(), c.dataStart(), c.length());
    } catch (IOException e) {
      log.warn("{}: cannot write {} (snapshot transfer {} from {}): {}", self, in.part, in.id, in.from, e.toString());
      abortTransfer(in, AbortReason.IO, "write failed");
      return;
    }
    chunksWritten.increment();
    bytesWritten.add(c.length());
    transport.send(in.from, TransferCodec.ack(in.id, in.verified));
    if (in.verified == in.total) {
      finish(in);
    }
  }

  private void requestResume(Incoming in, int epoch) {
    if (epoch > in.resumedEpoch) {
      in.resumedEpoch = epoch;
      resumesSent.increment();
      transport.send(in.from, TransferCodec.resume(in.id, epoch, in.verified));
    }
  }

  private void finish(Incoming in) {
    active.remove(in.from);
    if (!in.checksumMatches()) {
      checksumFailures.increment();
      log.warn("{}: snapshot transfer {} from {}: the file's CRC32C does not match the offer's; dropped",
          self, in.id, in.from);
      discard(in);
      transport.send(in.from, TransferCodec.abort(in.id, AbortReason.CHECKSUM));
      return;
    }
    Path file = dir.resolve(in.part.getFileName().toString().replace(".part", ".snapshot"));
    try {
      in.syncAndClose();
      Files.move(in.part, file, StandardCopyOption.ATOMIC_MOVE);
      syncDirectory();
    } catch (IOException e) {
      log.warn("{}: cannot make {} durable (snapshot transfer {} from {}): {}", self, file, in.id, in.from,
          e.toString());
      discard(in);
      deleteQuietly(file);
      transport.send(in.from, TransferCodec.abort(in.id, AbortReason.IO));
      return;
    }
    handOn(in, file);
  }

  private void handOn(Incoming in, Path file) {
    completed.put(in.from, new Finished(in.id, in.nonce));
    try {
      consumer.accept(new ReceivedSnapshot(in.from, in.id, in.request, file));
    } catch (RuntimeException e) {
      log.error("{}: the consumer of snapshot transfer {} from {} failed", self, in.id, in.from, e);
      completed.remove(in.from);
      deleteQuietly(file);
      transport.send(in.from, TransferCodec.abort(in.id, AbortReason.IO));
      return;
    }
    installed.increment();
    log.info("{}: snapshot transfer {} from {} received: {} bytes in {}", self, in.id, in.from, in.total, file);
    transport.send(in.from, TransferCodec.done(in.id));
  }

  private void abortTransfer(Incoming in, AbortReason reason, String why) {
    active.remove(in.from);
    discard(in);
    abandoned.increment();
    transport.send(in.from, TransferCodec.abort(in.id, reason));
    log.info("{}: snapshot transfer {} from {} aborted: {}", self, in.id, in.from, why);
  }

  private void abandonSilent(long now) {
    for (Incoming in : new ArrayList<>(active.values())) {
      if (now - in.lastHeardNanos > settings.abandonAfter().toNanos()) {
        abandon(in, "nothing heard from " + in.from + " for " + settings.abandonAfter());
      }
    }
  }

  private void abandon(Incoming in, String why) {
    active.remove(in.from);
    discard(in);
    abandoned.increment();
    log.info("{}: snapshot transfer {} from {} abandoned at {} of {} bytes: {}", self, in.id, in.from, in.verified,
        in.total, why);
  }

  private void discard(Incoming in) {
    String error = in.discard();
    if (error != null) {
      log.warn("{}: cannot delete {}: {}", self, in.part, error);
    }
  }

  private void syncDirectory() throws IOException {
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
      d.force(true);
    }
  }

  /** Bytes free for this process in the directory's file system; unknown counts as enough. */
  private long usableSpace() {
    try {
      return Files.getFileStore(dir).getUsableSpace();
    } catch (IOException e) {
      return Long.MAX_VALUE; // writing will tell
    }
  }

  private void deleteLeftovers() throws IOException {
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, PREFIX + "*")) {
      for (Path p : files) {
        log.info("{}: deleting {}, left by an earlier snapshot transfer", self, p);
        Files.deleteIfExists(p);
      }
    }
  }

  private void deleteQuietly(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      log.warn("{}: cannot delete {}: {}", self, file, e.toString());
    }
  }
}
