package io.refraft.impl.tls;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * One endpoint's TLS files, all PEM.
 *
 * @param cert       this endpoint's certificate chain, leaf first
 * @param key        the leaf's PKCS#8 private key
 * @param trustedCa  the CA bundle the other side's certificate must chain to; when present, the
 *                   other side must present one
 */
public record TlsFiles(Path cert, Path key, Optional<Path> trustedCa) {
  public TlsFiles {
    Objects.requireNonNull(cert, "cert");
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(trustedCa, "trustedCa");
  }
}
