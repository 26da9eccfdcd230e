/**
 * TLS for the node, with the JDK only ({@code javax.net.ssl}, TLS 1.3): {@link io.refraft.impl.tls.Pem}
 * reads PEM certificate chains, CA bundles and PKCS#8 private keys; {@link io.refraft.impl.tls.SslContexts}
 * turns them into {@code SSLContext}s for the peer transport (mutual TLS), the HTTP API (optionally
 * requiring client certificates) and clients; {@link io.refraft.impl.tls.NodeTls} is what a node is
 * told; {@link io.refraft.impl.tls.ThrowawayCa} makes a local CA and certificates with the JDK's
 * {@code keytool}, for {@code refraft cluster --tls} and tests.
 *
 * <p>Every failure to read or match the files is a {@link io.refraft.impl.tls.TlsFileException}
 * naming the file and what is wrong. Must not depend on any other {@code io.refraft} package: the
 * transport and the HTTP server take plain {@code SSLContext}s.
 */
package io.refraft.impl.tls;
