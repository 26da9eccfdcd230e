package io.refraft.cli;

import io.refraft.impl.tls.NodeTls;
import io.refraft.impl.tls.TlsFiles;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * {@code refraft node}'s TLS flags, named as etcd's: peer traffic is mutual TLS (all three peer
 * flags or none); the HTTP API is HTTPS with {@code --client-cert}/{@code --client-key}, and with
 * {@code --client-trusted-ca} it requires client certificates. The files are read by the node at
 * start; here only their combination is checked.
 */
final class NodeTlsOptions {
  @Option(names = "--peer-cert", paramLabel = "FILE",
      description = "PEM certificate chain this node presents to its peers; its DNS subject alternative names or CN must "
          + "include the node id (mutual TLS: give --peer-key and --peer-trusted-ca too)")
  Path peerCert;

  @Option(names = "--peer-key", paramLabel = "FILE", description = "PEM PKCS#8 private key of --peer-cert ('BEGIN PRIVATE KEY')")
  Path peerKey;

  @Option(names = "--peer-trusted-ca", paramLabel = "FILE",
      description = "PEM CA bundle every peer's certificate must chain to")
  Path peerTrustedCa;

  @Option(names = "--client-cert", paramLabel = "FILE", description = "PEM certificate chain of the HTTPS API (with --client-key)")
  Path clientCert;

  @Option(names = "--client-key", paramLabel = "FILE", description = "PEM PKCS#8 private key of --client-cert")
  Path clientKey;

  @Option(names = "--client-trusted-ca", paramLabel = "FILE",
      description = "require every HTTPS client to present a certificate this PEM CA bundle signed")
  Path clientTrustedCa;

  /** The settings these flags give, or a {@link UserError} naming the flag that is missing. */
  NodeTls settings() {
    Optional<TlsFiles> peer = files("--peer-cert", peerCert, "--peer-key", peerKey);
    if (peer.isPresent() != (peerTrustedCa != null)) {
      throw new UserError(peer.isPresent()
          ? "--peer-cert needs --peer-trusted-ca: peer traffic is mutual TLS, each side checks the other's certificate"
          : "--peer-trusted-ca needs --peer-cert and --peer-key");
    }
    Optional<TlsFiles> client = files("--client-cert", clientCert, "--client-key", clientKey);
    if (client.isEmpty() && clientTrustedCa != null) {
      throw new UserError("--client-trusted-ca needs --client-cert and --client-key (client certificates need HTTPS)");
    }
    return new NodeTls(peer.map(f -> new TlsFiles(f.cert(), f.key(), Optional.of(peerTrustedCa))),
        client.map(f -> new TlsFiles(f.cert(), f.key(), Optional.ofNullable(clientTrustedCa))));
  }

  private static Optional<TlsFiles> files(String certFlag, Path cert, String keyFlag, Path key) {
    if (cert == null && key == null) {
      return Optional.empty();
    }
    if (key == null) {
      throw new UserError(certFlag + " " + cert + " needs " + keyFlag + " (the certificate's private key)");
    }
    if (cert == null) {
      throw new UserError(keyFlag + " " + key + " needs " + certFlag + " (the key's certificate)");
    }
    return Optional.of(new TlsFiles(cert, key, Optional.empty()));
  }
}
