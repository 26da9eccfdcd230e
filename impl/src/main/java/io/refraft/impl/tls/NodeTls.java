package io.refraft.impl.tls;

import java.util.Objects;
import java.util.Optional;

/**
 * A node's TLS settings. Invariant: peer TLS is mutual, so {@code peer}, when present, names a CA
 * bundle.
 *
 * @param peer   peer-to-peer traffic ({@code --peer-cert}, {@code --peer-key}, {@code --peer-trusted-ca})
 * @param client the HTTP API ({@code --client-cert}, {@code --client-key}, and with
 *               {@code --client-trusted-ca} client certificates are required)
 */
public record NodeTls(Optional<TlsFiles> peer, Optional<TlsFiles> client) {
  public static final NodeTls NONE = new NodeTls(Optional.empty(), Optional.empty());

  public NodeTls {
    Objects.requireNonNull(peer, "peer");
    Objects.requireNonNull(client, "client");
    if (peer.isPresent() && peer.get().trustedCa().isEmpty()) {
      throw new IllegalArgumentException("peer TLS is mutual: give --peer-trusted-ca with --peer-cert and --peer-key");
    }
  }
}
