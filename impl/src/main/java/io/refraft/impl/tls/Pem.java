package io.refraft.impl.tls;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * PEM files (RFC 7468): X.509 certificates ({@code BEGIN CERTIFICATE}, one or more: a chain or a CA
 * bundle) and unencrypted PKCS#8 private keys ({@code BEGIN PRIVATE KEY}: RSA, EC or EdDSA). Text
 * outside the blocks is ignored, as in the files openssl writes.
 */
public final class Pem {
  private static final Pattern BLOCK =
      Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----([A-Za-z0-9+/=\\s]*?)-----END \\1-----");
  private static final List<String> KEY_ALGORITHMS = List.of("EC", "RSA", "Ed25519", "Ed448", "RSASSA-PSS");

  private Pem() {}

  private record Block(String label, byte[] der) {}

  /** Every certificate in {@code file}, in order; at least one. */
  public static List<X509Certificate> certificates(Path file) throws TlsFileException {
    List<X509Certificate> certs = new ArrayList<>();
    CertificateFactory factory;
    try {
      factory = CertificateFactory.getInstance("X.509");
    } catch (CertificateException e) {
      throw new IllegalStateException("this JDK has no X.509 certificate factory", e);
    }
    int n = 0;
    for (Block b : blocks(file)) {
      n++;
      if (!b.label().equals("CERTIFICATE")) {
        continue;
      }
      try {
        certs.add((X509Certificate) factory.generateCertificate(new ByteArrayInputStream(b.der())));
      } catch (CertificateException e) {
        throw new TlsFileException(file, "PEM block " + n + " is not a valid X.509 certificate: " + e.getMessage());
      }
    }
    if (certs.isEmpty()) {
      throw new TlsFileException(file, "holds no '-----BEGIN CERTIFICATE-----' block");
    }
    return certs;
  }

  /** The one PKCS#8 private key in {@code file}. */
  public static PrivateKey privateKey(Path file) throws TlsFileException {
    List<Block> keys = blocks(file).stream().filter(b -> b.label().endsWith("PRIVATE KEY")).toList();
    if (keys.isEmpty()) {
      throw new TlsFileException(file, "holds no '-----BEGIN PRIVATE KEY-----' block (a PKCS#8 private key)");
    }
    if (keys.size() > 1) {
      throw new TlsFileException(file, "holds " + keys.size() + " private keys; give one");
    }
    Block k = keys.getFirst();
    if (!k.label().equals("PRIVATE KEY")) {
      throw new TlsFileException(file, "holds a '" + k.label() + "' block; only unencrypted PKCS#8 "
          + "('BEGIN PRIVATE KEY') is read (convert with: openssl pkcs8 -topk8 -nocrypt -in KEY)");
    }
    PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(k.der());
    for (String algorithm : KEY_ALGORITHMS) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(spec);
      } catch (GeneralSecurityException | IllegalArgumentException e) {
        // not this algorithm: try the next
      }
    }
    throw new TlsFileException(file, "the PKCS#8 private key is not an " + KEY_ALGORITHMS + " key this JDK can read");
  }

  /** Writes certificates as PEM text. */
  public static String encode(List<X509Certificate> certs) {
    StringBuilder sb = new StringBuilder();
    for (X509Certificate c : certs) {
      try {
        sb.append(block("CERTIFICATE", c.getEncoded()));
      } catch (CertificateException e) {
        throw new IllegalArgumentException("cannot encode certificate " + c.getSubjectX500Principal(), e);
      }
    }
    return sb.toString();
  }

  /** Writes a private key as unencrypted PKCS#8 PEM text. */
  public static String encode(PrivateKey key) {
    if (!"PKCS#8".equals(key.getFormat())) {
      throw new IllegalArgumentException("key format " + key.getFormat() + " is not PKCS#8");
    }
    return block("PRIVATE KEY", key.getEncoded());
  }

  private static String block(String label, byte[] der) {
    return "-----BEGIN " + label + "-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
        + "\n-----END " + label + "-----\n";
  }

  private static List<Block> blocks(Path file) throws TlsFileException {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.ISO_8859_1);
    } catch (java.nio.file.NoSuchFileException e) {
      throw new TlsFileException(file, "cannot read it: no such file");
    } catch (java.nio.file.AccessDeniedException e) {
      throw new TlsFileException(file, "cannot read it: permission denied");
    } catch (IOException e) {
      throw new TlsFileException(file, "cannot read it: " + e.getMessage());
    }
    List<Block> blocks = new ArrayList<>();
    Matcher m = BLOCK.matcher(text);
    while (m.find()) {
      try {
        blocks.add(new Block(m.group(1), Base64.getMimeDecoder().decode(m.group(2))));
      } catch (IllegalArgumentException e) {
        throw new TlsFileException(file, "the '" + m.group(1) + "' block is not valid base64: " + e.getMessage());
      }
    }
    if (blocks.isEmpty()) {
      throw new TlsFileException(file, "is not a PEM file (no '-----BEGIN ...-----' / '-----END ...-----' block)");
    }
    return blocks;
  }
}
