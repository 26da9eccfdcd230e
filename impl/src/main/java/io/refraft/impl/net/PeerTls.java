package io.refraft.impl.net;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.security.cert.CertPathValidatorException;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * Mutual TLS 1.3 on peer connections. Both sides present a certificate and check the other's
 * against the CA bundle in the {@link SSLContext} ({@code --peer-trusted-ca}); then, after the
 * {@link Hello} exchange, the transport checks that the certificate is the claimed node's.
 *
 * <p><b>The identity rule.</b> A certificate is node {@code id}'s when one of its subject
 * alternative names of type DNS equals {@code id}, or its subject's common name (CN) does. An
 * acceptor compares the id the dialer's Hello claims; a dialer the id it dialed. Nothing else in
 * the certificate (such as the IP address) is checked: peers are known by node id, and addresses
 * may change.
 */
final class PeerTls {
  /** The first byte of every TLS connection: a handshake record (RFC 8446 §5.1, content type 22). */
  static final int HANDSHAKE_RECORD = 0x16;
  private static final String[] PROTOCOLS = {"TLSv1.3"};
  private static final int SAN_DNS = 2;

  private final SSLSocketFactory factory;

  PeerTls(SSLContext context) {
    this.factory = Objects.requireNonNull(context, "context").getSocketFactory();
  }

  /**
   * Runs the server side of the handshake on an accepted socket. Its first byte is read here,
   * unbuffered, so that the TLS engine is handed exactly what was consumed, and a plaintext peer is
   * refused before any TLS processing.
   */
  SSLSocket accept(Socket raw) throws IOException {
    int first = raw.getInputStream().read();
    if (first < 0) {
      throw new IOException("closed before sending anything");
    }
    if (first != HANDSHAKE_RECORD) {
      throw new HandshakeException(Refusal.NOT_TLS, String.format("the first byte 0x%02x is not a TLS handshake "
          + "record (0x16): a peer without --peer-cert dialed this TLS port", first));
    }
    SSLSocket s = (SSLSocket) factory.createSocket(raw, new ByteArrayInputStream(new byte[] {(byte) first}), true);
    s.setUseClientMode(false);
    s.setNeedClientAuth(true);
    s.setEnabledProtocols(PROTOCOLS);
    handshake(s);
    return s;
  }

  /** Runs the client side of the handshake on a connected socket. */
  SSLSocket dial(Socket raw, InetSocketAddress address) throws IOException {
    SSLSocket s = (SSLSocket) factory.createSocket(raw, address.getHostString(), address.getPort(), true);
    s.setUseClientMode(true);
    s.setEnabledProtocols(PROTOCOLS);
    handshake(s);
    return s;
  }

  private static void handshake(SSLSocket s) throws IOException {
    try {
      s.startHandshake();
    } catch (SSLException e) {
      throw refusal(e);
    }
  }

  /**
   * The refusal a TLS failure stands for: {@link Refusal#TLS_CERTIFICATE} when this side found the
   * peer's certificate invalid (not signed by the trusted CA, expired, not yet valid), otherwise
   * {@link Refusal#TLS_HANDSHAKE} (the peer refused ours, does not speak TLS, or no certificate).
   */
  static HandshakeException refusal(SSLException e) {
    for (Throwable c = e; c != null; c = c.getCause()) {
      if (c instanceof CertificateException || c instanceof CertPathValidatorException) {
        return new HandshakeException(Refusal.TLS_CERTIFICATE,
            "the peer's certificate is not valid for this node's --peer-trusted-ca: " + describe(e));
      }
    }
    return new HandshakeException(Refusal.TLS_HANDSHAKE, "TLS handshake failed: " + describe(e));
  }

  private static String describe(Throwable e) {
    String top = e.getMessage();
    Throwable root = e;
    while (root.getCause() != null) {
      root = root.getCause();
    }
    return root == e || root.getMessage() == null || top == null || top.contains(root.getMessage())
        ? String.valueOf(top) : top + " (" + root.getMessage() + ")";
  }

  /**
   * Refuses the connection unless the peer's certificate names {@code nodeId} (the identity rule).
   *
   * @param claim what the id is, for the message: "claims" (its Hello) or "was dialed as"
   */
  static void checkIdentity(SSLSocket s, String nodeId, String claim) throws HandshakeException {
    X509Certificate cert;
    try {
      Certificate[] chain = s.getSession().getPeerCertificates();
      cert = (X509Certificate) chain[0];
    } catch (SSLPeerUnverifiedException e) {
      throw new HandshakeException(Refusal.TLS_HANDSHAKE, "the peer presented no certificate");
    }
    Set<String> ids = identities(cert);
    if (!ids.contains(nodeId)) {
      throw new HandshakeException(Refusal.CERTIFICATE_IDENTITY, "the peer " + claim + " node id '" + nodeId
          + "' but its certificate (" + cert.getSubjectX500Principal().getName() + ") is for " + ids
          + " (DNS subject alternative names and CN)");
    }
  }

  /** The node ids a certificate stands for: its DNS subject alternative names and its CN. */
  static Set<String> identities(X509Certificate cert) {
    Set<String> ids = new TreeSet<>();
    try {
      if (cert.getSubjectAlternativeNames() != null) {
        for (List<?> san : cert.getSubjectAlternativeNames()) {
          if (san.size() >= 2 && san.get(0) instanceof Integer type && type == SAN_DNS && san.get(1) instanceof String dns) {
            ids.add(dns);
          }
        }
      }
    } catch (CertificateParsingException e) {
      // an unreadable extension names nobody; the CN may still
    }
    try {
      for (Rdn rdn : new LdapName(cert.getSubjectX500Principal().getName()).getRdns()) {
        if (rdn.getType().equalsIgnoreCase("CN")) {
          ids.add(String.valueOf(rdn.getValue()));
        }
      }
    } catch (InvalidNameException e) {
      // a subject the LDAP syntax cannot read has no CN to match
    }
    return ids;
  }
}
