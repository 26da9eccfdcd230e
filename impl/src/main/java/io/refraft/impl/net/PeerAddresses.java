package io.refraft.impl.net;

import java.net.InetSocketAddress;
import java.util.Map;
import java.util.Optional;

/**
 * Where to dial a peer; asked again before every connection attempt, so an address may be learned
 * or changed while the transport runs (tests bind port 0 and publish the port they got).
 */
@FunctionalInterface
public interface PeerAddresses {

  /** The peer's listening address, or empty if not known (yet). Must not block. */
  Optional<InetSocketAddress> addressOf(String peer);

  /** A fixed table, as read from the node's configuration. */
  static PeerAddresses of(Map<String, InetSocketAddress> table) {
    Map<String, InetSocketAddress> copy = Map.copyOf(table);
    return peer -> Optional.ofNullable(copy.get(peer));
  }
}
