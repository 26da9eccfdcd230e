package io.refraft.impl.metrics;

import io.refraft.impl.codec.MessageCodec;
import io.refraft.impl.net.Transport;

/**
 * The transport as the driver uses it, counting Raft messages and their bytes by type
 * ({@link MessageCodec#type}, two bytes read) in each direction: sent when the driver hands a
 * message to the transport (which may still drop it: the transport's own counters say so),
 * received when the transport hands one to the driver (before it is decoded; a malformed one counts
 * as {@code unknown} when its type byte names none).
 */
final class MeteredTransport implements Transport {
  private final Transport transport;
  private final Counter[] sent;
  private final Counter[] sentBytes;
  private final Counter[] received;
  private final Counter[] receivedBytes;

  MeteredTransport(Transport transport, MetricsRegistry.Labeled<Counter> messages,
      MetricsRegistry.Labeled<Counter> bytes) {
    this.transport = transport;
    int n = MessageCodec.TYPE_NAMES.size();
    sent = new Counter[n];
    sentBytes = new Counter[n];
    received = new Counter[n];
    receivedBytes = new Counter[n];
    for (int i = 0; i < n; i++) {
      String type = MessageCodec.TYPE_NAMES.get(i);
      sent[i] = messages.labels("sent", type);
      sentBytes[i] = bytes.labels("sent", type);
      received[i] = messages.labels("received", type);
      receivedBytes[i] = bytes.labels("received", type);
    }
  }

  @Override
  public void start(Receiver receiver) {
    transport.start((from, payload) -> {
      int type = MessageCodec.type(payload);
      received[type].increment();
      receivedBytes[type].add(payload.length);
      receiver.receive(from, payload);
    });
  }

  @Override
  public void send(String to, byte[] payload) {
    int type = MessageCodec.type(payload);
    sent[type].increment();
    sentBytes[type].add(payload.length);
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
}
