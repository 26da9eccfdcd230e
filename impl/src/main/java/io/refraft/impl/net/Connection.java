package io.refraft.impl.net;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One handshaken TCP connection to a peer, with its reader and writer loops. Closed on the first
 * error in either direction; never reopened (the dialer makes a new one).
 */
final class Connection {

  private static final Logger log = LoggerFactory.getLogger(Connection.class);
  static final int BUFFER_BYTES = 64 << 10;

  private final String self;
  private final PeerLink link;
  private final Socket socket;
  private final InputStream in;
  private final BufferedOutputStream out;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final CountDownLatch done = new CountDownLatch(1);
  private volatile Thread writer;

  /** Takes over {@code socket} and the buffered streams the handshake already used on it. */
  Connection(String self, PeerLink link, Socket socket, BufferedInputStream in, BufferedOutputStream out) {
    this.self = self;
    this.link = link;
    this.socket = socket;
    this.in = in;
    this.out = out;
  }

  String peer() {
    return link.id;
  }

  boolean isOpen() {
    return !closed.get();
  }

  /** Blocks until the connection is closed. */
  void awaitClosed() throws InterruptedException {
    done.await();
  }

  /** Closes the socket (which ends both loops) once; later calls do nothing. */
  void close(String reason) {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    log.debug("{}: connection to {} closed: {}", self, link.id, reason);
    link.remove(this);
    try {
      socket.close();
    } catch (IOException e) {
      log.debug("{}: closing socket to {}: {}", self, link.id, e.toString());
    }
    Thread w = writer;
    if (w != null) {
      w.interrupt(); // wakes it from waiting on the queue
    }
    done.countDown();
  }

  /** Reads frames until the stream ends or breaks; hands them to {@code receiver}. */
  void readLoop(Transport.Receiver receiver, int maxFrameBytes) {
    try {
      for (byte[] p = FrameCodec.read(in, maxFrameBytes); p != null; p = FrameCodec.read(in, maxFrameBytes)) {
        if (link.blocked) {
          link.droppedBlockedInbound.increment();
          continue;
        }
        link.received.increment();
        deliver(receiver, p);
      }
      close("peer closed the connection");
    } catch (MalformedFrameException e) {
      link.malformed.increment();
      log.warn("{}: closing connection from {}: {}", self, link.id, e.getMessage());
      close(e.getMessage());
    } catch (IOException e) {
      close("read failed: " + e);
    }
  }

  private void deliver(Transport.Receiver receiver, byte[] payload) {
    try {
      receiver.receive(link.id, payload);
    } catch (RuntimeException e) {
      // A receiver bug must not cut the node off from its peer; the frame is lost (at-most-once).
      log.error("{}: receiver failed on a frame from {}", self, link.id, e);
    }
  }

  /**
   * Drains the peer's queue into the socket: every frame queued since the last flush goes out with
   * one flush, so a burst of sends costs one system call per buffer, not one per frame.
   */
  void writeLoop() {
    writer = Thread.currentThread();
    if (closed.get()) {
      return;
    }
    List<byte[]> batch = new ArrayList<>();
    try {
      while (isOpen()) {
        batch.clear();
        link.queue.awaitDrainTo(batch, Long.MAX_VALUE);
        int written = 0;
        for (byte[] frame : batch) {
          if (link.blocked) {
            link.droppedBlockedOutbound.increment();
            continue;
          }
          FrameCodec.write(out, frame);
          written++;
        }
        out.flush();
        link.sent.add(written);
        batch.clear();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IOException e) {
      close("write failed: " + e);
    } finally {
      link.droppedInFlight.add(batch.size());
    }
  }
}
