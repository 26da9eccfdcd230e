package io.refraft.impl.snapshot;

import io.refraft.impl.net.Transport;
import java.util.function.BiConsumer;
import java.util.function.BiPredicate;

/**
 * A transport decorator for tests: every payload sent passes {@code onSend} first, which may change
 * it in place (a flipped bit) or say to drop it (false); every payload received is shown to
 * {@code onReceive} (on the transport's thread, in arrival order) before the receiver gets it.
 */
final class HookedTransport implements Transport {
  private final Transport transport;
  private final BiPredicate<String, byte[]> onSend;
  private final BiConsumer<String, byte[]> onReceive;

  HookedTransport(Transport transport, BiPredicate<String, byte[]> onSend, BiConsumer<String, byte[]> onReceive) {
    this.transport = transport;
    this.onSend = onSend;
    this.onReceive = onReceive;
  }

  static HookedTransport onSend(Transport transport, BiPredicate<String, byte[]> onSend) {
    return new HookedTransport(transport, onSend, (from, payload) -> {});
  }

  static HookedTransport onReceive(Transport transport, BiConsumer<String, byte[]> onReceive) {
    return new HookedTransport(transport, (to, payload) -> true, onReceive);
  }

  /** A chunk frame's offset, or -1 for any other payload. */
  static long chunkOffset(byte[] payload) {
    try {
      return TransferCodec.isTransfer(payload) && TransferCodec.decode(payload) instanceof TransferFrame.Chunk c
          ? c.offset() : -1;
    } catch (MalformedTransferException e) {
      return -1;
    }
  }

  @Override
  public void start(Receiver receiver) {
    transport.start((from, payload) -> {
      onReceive.accept(from, payload);
      receiver.receive(from, payload);
    });
  }

  @Override
  public void send(String to, byte[] payload) {
    if (onSend.test(to, payload)) {
      transport.send(to, payload);
    }
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
}
