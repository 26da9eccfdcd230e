package io.refraft.impl.tls;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;

/**
 * Builds {@link SSLContext}s from PEM files in memory (no keystore file is written). The contexts
 * speak TLS 1.3; the sockets that use them are limited to it by their owners.
 */
public final class SslContexts {
  public static final String PROTOCOL = "TLSv1.3";
  private static final char[] IN_MEMORY = "in-memory".toCharArray();

  private SslContexts() {}

  /** Presents {@code files}' certificate and, when it names a CA bundle, trusts only that CA. */
  public static SSLContext of(TlsFiles files) throws TlsFileException {
    KeyManager[] keys = keyManagers(files.cert(), files.key());
    TrustManager[] trust = files.trustedCa().isPresent() ? trustManagers(files.trustedCa().get()) : null;
    return context(keys, trust);
  }

  /**
   * A client's context: trusts the CAs in {@code caBundle} (the JDK's default CAs when empty) and,
   * when given, presents {@code cert} with {@code key} to servers that ask for a certificate.
   */
  public static SSLContext client(Optional<Path> caBundle, Optional<Path> cert, Optional<Path> key)
      throws TlsFileException {
    if (cert.isPresent() != key.isPresent()) {
      Path given = cert.or(() -> key).orElseThrow();
      throw new TlsFileException(given, cert.isPresent() ? "a client certificate needs its private key too"
          : "a client private key needs its certificate too");
    }
    KeyManager[] keys = cert.isPresent() ? keyManagers(cert.get(), key.orElseThrow()) : null;
    TrustManager[] trust = caBundle.isPresent() ? trustManagers(caBundle.get()) : null;
    return context(keys, trust);
  }

  private static SSLContext context(KeyManager[] keys, TrustManager[] trust) {
    try {
      SSLContext ctx = SSLContext.getInstance(PROTOCOL);
      ctx.init(keys, trust, null);
      return ctx;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this JDK cannot make a " + PROTOCOL + " context", e);
    }
  }

  private static KeyManager[] keyManagers(Path certFile, Path keyFile) throws TlsFileException {
    List<X509Certificate> chain = Pem.certificates(certFile);
    PrivateKey key = Pem.privateKey(keyFile);
    checkPair(chain.getFirst(), certFile, key, keyFile);
    try {
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(null, null);
      ks.setKeyEntry("key", key, IN_MEMORY, chain.toArray(X509Certificate[]::new));
      KeyManagerFactory kmf = KeyManagerFactory.getInstance("PKIX");
      kmf.init(ks, IN_MEMORY);
      return new KeyManager[] {new AlwaysPresent((X509ExtendedKeyManager) kmf.getKeyManagers()[0])};
    } catch (GeneralSecurityException | IOException e) {
      throw new TlsFileException(certFile, "cannot use it with " + keyFile + ": " + e.getMessage());
    }
  }

  private static TrustManager[] trustManagers(Path caBundle) throws TlsFileException {
    List<X509Certificate> cas = Pem.certificates(caBundle);
    try {
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(null, null);
      for (int i = 0; i < cas.size(); i++) {
        ks.setCertificateEntry("ca" + i, cas.get(i));
      }
      TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
      tmf.init(ks);
      return tmf.getTrustManagers();
    } catch (GeneralSecurityException | IOException e) {
      throw new TlsFileException(caBundle, "cannot trust its certificates: " + e.getMessage());
    }
  }

  /**
   * A key that does not belong to the certificate would fail only at the first handshake, on the
   * peer's side; signing and verifying one message here names both files at start instead.
   */
  private static void checkPair(X509Certificate cert, Path certFile, PrivateKey key, Path keyFile)
      throws TlsFileException {
    String algorithm = switch (key.getAlgorithm()) {
      case "EC" -> "SHA256withECDSA";
      case "RSA" -> "SHA256withRSA";
      case "RSASSA-PSS" -> "RSASSA-PSS";
      default -> key.getAlgorithm(); // Ed25519, Ed448, EdDSA: the key's own name is its signature
    };
    byte[] probe = "refraft key check".getBytes(StandardCharsets.US_ASCII);
    boolean matches;
    try {
      Signature signer = Signature.getInstance(algorithm);
      if (algorithm.equals("RSASSA-PSS")) {
        signer.setParameter(new java.security.spec.PSSParameterSpec("SHA-256", "MGF1",
            java.security.spec.MGF1ParameterSpec.SHA256, 32, 1));
      }
      signer.initSign(key);
      signer.update(probe);
      byte[] sig = signer.sign();
      signer.initVerify(cert.getPublicKey());
      signer.update(probe);
      matches = signer.verify(sig);
    } catch (GeneralSecurityException e) {
      matches = false;
    }
    if (!matches) {
      throw new TlsFileException(keyFile, "this private key (" + key.getAlgorithm() + ") does not belong to the "
          + "first certificate in " + certFile + " (" + cert.getSubjectX500Principal().getName() + ")");
    }
  }
}
