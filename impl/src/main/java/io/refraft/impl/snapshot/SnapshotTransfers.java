package io.refraft.impl.snapshot;

import io.refraft.impl.net.Transport;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node's snapshot transfers on its one transport: a {@link SnapshotShipper} and a
 * {@link SnapshotReceiver} share it with the driver's Raft messages. {@link #raftTransport()} is the
 * transport as the driver sees it: starting it starts the real one with a receiver that hands
 * transfer frames ({@link TransferCodec#isTransfer}) to the shipper or the receiver and everything
 * else to the driver's receiver, so the driver never sees a transfer frame.
 *
 * <p>A frame with the transfer tag that does not decode is counted per peer and dropped with a WARN
 * naming the peer (the 1st, 2nd, 4th, 8th ... of a peer; the others at DEBUG); nothing is thrown into
 * the transport.
 */
public final class SnapshotTransfers implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SnapshotTransfers.class);

  private final String self;
  private final Transport transport;
  private final SnapshotShipper shipper;
  private final SnapshotReceiver receiver;
  private final Map<String, LongAdder> malformed = new ConcurrentHashMap<>();

  private SnapshotTransfers(String self, Transport transport, SnapshotShipper shipper, SnapshotReceiver receiver) {
    this.self = self;
    this.transport = transport;
    this.shipper = shipper;
    this.receiver = receiver;
  }

  /**
   * Starts shipper and receiver over {@code transport} (not started yet: {@link #raftTransport()}'s
   * start starts it). Received snapshots land in {@code dir} and go to {@code consumer} on the
   * receiver's thread.
   */
  public static SnapshotTransfers open(String self, Transport transport, Path dir, TransferSettings settings,
      Consumer<ReceivedSnapshot> consumer) throws IOException {
    Objects.requireNonNull(transport, "transport");
    SnapshotReceiver receiver = new SnapshotReceiver(self, dir, transport, settings, consumer);
    return new SnapshotTransfers(self, transport, new SnapshotShipper(self, transport, settings), receiver);
  }

  /** {@link SnapshotShipper#ship}: never blocks. */
  public CompletableFuture<Void> ship(String peer, long transferId, Path file, byte[] request) {
    return shipper.ship(peer, transferId, file, request);
  }

  /** {@link SnapshotShipper#cancel}: never blocks. */
  public void cancel(String peer) {
    shipper.cancel(peer);
  }

  public SnapshotShipper.Stats shipperStats() {
    return shipper.stats();
  }

  public SnapshotReceiver.Stats receiverStats() {
    return receiver.stats();
  }

  /** Payloads with the transfer tag from {@code peer} that were no valid frame. */
  public long malformedFrames(String peer) {
    LongAdder n = malformed.get(peer);
    return n == null ? 0 : n.sum();
  }

  /** The transport carrying Raft messages only; closing it closes the real one. */
  public Transport raftTransport() {
    return new Transport() {
      @Override
      public void start(Receiver r) {
        Objects.requireNonNull(r, "receiver");
        try {
          receiver.prepare();
        } catch (java.io.IOException e) {
          throw new java.io.UncheckedIOException("snapshot transfers: " + e.getMessage(), e);
        }
        transport.start((from, payload) -> {
          if (TransferCodec.isTransfer(payload)) {
            route(from, payload);
          } else {
            r.receive(from, payload);
          }
        });
      }

      @Override
      public void send(String to, byte[] payload) {
        transport.send(to, payload);
      }

      @Override
      public void blockPeer(String peer, boolean blocked) {
        transport.blockPeer(peer, blocked);
      }

      @Override
      public boolean connected(String peer) {
        return transport.connected(peer);
      }

      @Override
      public void close() {
        transport.close();
      }
    };
  }

  private void route(String from, byte[] payload) {
    TransferFrame f;
    try {
      f = TransferCodec.decode(payload);
    } catch (MalformedTransferException e) {
      LongAdder n = malformed.computeIfAbsent(from, k -> new LongAdder());
      n.increment();
      long count = n.sum();
      // WARN at the 1st, 2nd, 4th, 8th ...: a peer that sends garbage cannot flood the log.
      if ((count & (count - 1)) == 0) {
        log.warn("{}: dropped a malformed snapshot-transfer frame of {} bytes from {}: {} ({} from {} so far)", self,
            payload.length, from, e.getMessage(), count, from);
      } else {
        log.debug("{}: dropped a malformed snapshot-transfer frame from {}: {}", self, from, e.getMessage());
      }
      return;
    }
    if (f.toReceiver()) {
      receiver.receive(from, f);
    } else {
      shipper.receive(from, f);
    }
  }

  /** Stops shipping (cancelling transfers) and receiving (deleting partial files); not the transport. */
  @Override
  public void close() {
    shipper.close();
    receiver.close();
  }
}
