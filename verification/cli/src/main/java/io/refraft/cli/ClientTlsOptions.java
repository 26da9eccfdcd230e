package io.refraft.cli;

import io.refraft.impl.tls.SslContexts;
import io.refraft.impl.tls.TlsFileException;
import java.nio.file.Path;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import picocli.CommandLine.Option;

/**
 * The client side of HTTPS for commands that talk to nodes ({@code kv}, {@code status},
 * {@code bench}): {@code --cacert} (the CA to trust instead of the JDK's), and {@code --cert} with
 * {@code --key} for a node started with {@code --client-trusted-ca}. {@link #apply()} makes the
 * context the JVM's default, so every HTTP client the command builds afterwards uses it; plain
 * http:// URLs are unaffected.
 */
final class ClientTlsOptions {
  @Option(names = "--cacert", paramLabel = "FILE", description = "PEM CA bundle to trust for https:// endpoints")
  Path caCert;

  @Option(names = "--cert", paramLabel = "FILE", description = "PEM client certificate chain, for nodes that require one")
  Path cert;

  @Option(names = "--key", paramLabel = "FILE", description = "PEM PKCS#8 private key of --cert")
  Path key;

  /** The context these flags give; empty when none is given. */
  Optional<SSLContext> context() {
    if (caCert == null && cert == null && key == null) {
      return Optional.empty();
    }
    if ((cert == null) != (key == null)) {
      throw new UserError(cert == null ? "--key needs --cert" : "--cert needs --key");
    }
    try {
      return Optional.of(SslContexts.client(Optional.ofNullable(caCert), Optional.ofNullable(cert), Optional.ofNullable(key)));
    } catch (TlsFileException e) {
      throw new UserError(e.getMessage());
    }
  }

  /** Makes {@link #context()} the JVM's default, when flags were given. */
  void apply() {
    context().ifPresent(SSLContext::setDefault);
  }
}
