package io.refraft.impl.tls;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A certificate authority for local use only: a fresh EC P-256 CA, and certificates it signs, made
 * by the JDK's own {@code keytool} (run as a subprocess: the JDK has no public API that writes
 * certificates) and written as PEM files a node reads with {@code --peer-cert} and friends.
 *
 * <p>The CA's key stays in {@code DIR/ca.p12} under a random password that is never written down,
 * so once this object is gone nothing more can be signed with it: throwaway by construction.
 * Private keys are written readable by their owner only.
 */
public final class ThrowawayCa {
  private static final String CA_ALIAS = "ca";
  private static final long KEYTOOL_TIMEOUT_SECONDS = 60;

  private final Path dir;
  private final String password;
  private final X509Certificate caCert;

  private ThrowawayCa(Path dir, String password, X509Certificate caCert) {
    this.dir = dir;
    this.password = password;
    this.caCert = caCert;
  }

  /**
   * Makes a new CA in {@code dir} (created if missing), valid from now for {@code days} days;
   * replaces any CA made there before. Writes {@code DIR/ca.pem}.
   */
  public static ThrowawayCa create(Path dir, String name, int days) throws IOException {
    Files.createDirectories(dir);
    Path store = dir.resolve("ca.p12");
    Files.deleteIfExists(store);
    byte[] secret = new byte[16];
    new SecureRandom().nextBytes(secret);
    String password = HexFormat.of().formatHex(secret);
    keytool(dir, "-genkeypair", "-alias", CA_ALIAS, "-keyalg", "EC", "-groupname", "secp256r1",
        "-dname", "CN=" + name, "-ext", "bc:c", "-ext", "ku:c=keyCertSign,cRLSign", "-validity", Integer.toString(days),
        "-keystore", store.toString(), "-storetype", "PKCS12", "-storepass", password);
    X509Certificate ca;
    try {
      ca = (X509Certificate) load(store, password).getCertificate(CA_ALIAS);
    } catch (GeneralSecurityException e) {
      throw new IOException("keytool made no CA certificate in " + store + ": " + e, e);
    }
    ThrowawayCa result = new ThrowawayCa(dir, password, ca);
    write(dir.resolve("ca.pem"), Pem.encode(List.of(ca)), false);
    return result;
  }

  /** {@code DIR/ca.pem}: the CA certificate, for {@code --peer-trusted-ca} and clients' {@code --cacert}. */
  public Path caPem() {
    return dir.resolve("ca.pem");
  }

  /**
   * Issues a certificate valid for {@code days} days from now, for both TLS servers and clients,
   * with subject {@code CN=name} and the subject alternative names {@code DNS:name},
   * {@code DNS:localhost} and {@code IP:127.0.0.1} (an HTTPS client checks the address it dialed).
   * Writes {@code DIR/name.pem} (the chain: the certificate, then the CA's) and {@code DIR/name.key}.
   */
  public TlsFiles issue(String name, int days) throws IOException {
    return issue(name, name, Optional.empty(), days);
  }

  /**
   * {@link #issue(String, int)}, written to {@code DIR/stem.pem} and {@code DIR/stem.key}, with a
   * validity that starts at {@code startDate} in keytool's relative form ({@code -2d}: two days
   * ago) when given; tests make expired certificates with it.
   */
  public TlsFiles issue(String name, String stem, Optional<String> startDate, int days) throws IOException {
    List<String> args = new ArrayList<>(List.of("-genkeypair", "-alias", name, "-keyalg", "EC",
        "-groupname", "secp256r1", "-dname", "CN=" + name, "-signer", CA_ALIAS, "-signerkeypass", password,
        "-keystore", dir.resolve("ca.p12").toString(), "-storetype", "PKCS12", "-storepass", password,
        "-ext", "san=dns:" + name + ",dns:localhost,ip:127.0.0.1", "-ext", "eku=serverAuth,clientAuth",
        "-ext", "ku=digitalSignature", "-validity", Integer.toString(days)));
    startDate.ifPresent(d -> args.addAll(List.of("-startdate", d)));
    keytool(dir, args.toArray(String[]::new));
    KeyStore ks = load(dir.resolve("ca.p12"), password);
    try {
      PrivateKey key = (PrivateKey) ks.getKey(name, password.toCharArray());
      Certificate[] chain = ks.getCertificateChain(name);
      List<X509Certificate> certs = new ArrayList<>(Arrays.stream(chain).map(c -> (X509Certificate) c).toList());
      if (certs.size() == 1) {
        certs.add(caCert);
      }
      ks.deleteEntry(name);
      try (var out = Files.newOutputStream(dir.resolve("ca.p12"))) {
        ks.store(out, password.toCharArray());
      }
      Path certFile = dir.resolve(stem + ".pem");
      Path keyFile = dir.resolve(stem + ".key");
      write(certFile, Pem.encode(certs), false);
      write(keyFile, Pem.encode(key), true);
      return new TlsFiles(certFile, keyFile, Optional.of(caPem()));
    } catch (GeneralSecurityException e) {
      throw new IOException("keytool made no usable entry '" + name + "' in " + dir.resolve("ca.p12") + ": " + e, e);
    }
  }

  private static KeyStore load(Path store, String password) throws IOException {
    try (InputStream in = Files.newInputStream(store)) {
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(in, password.toCharArray());
      return ks;
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot read the keystore keytool wrote, " + store + ": " + e, e);
    }
  }

  /** Writes through a temporary file and a rename, so a reader never sees half a file. */
  private static void write(Path file, String text, boolean secret) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.deleteIfExists(tmp);
    Files.createFile(tmp);
    if (secret) {
      try {
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
      } catch (UnsupportedOperationException e) {
        // not a POSIX file system: the directory's own protection applies
      }
    }
    Files.writeString(tmp, text, StandardCharsets.US_ASCII);
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  private static void keytool(Path dir, String... args) throws IOException {
    Path tool = Path.of(System.getProperty("java.home"), "bin", "keytool");
    List<String> cmd = new ArrayList<>();
    cmd.add(tool.toString());
    cmd.addAll(List.of(args));
    cmd.add("-noprompt");
    Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
    String out;
    try (InputStream in = p.getInputStream()) {
      out = new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
    }
    try {
      if (!p.waitFor(KEYTOOL_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IOException("keytool " + args[0] + " did not finish within " + KEYTOOL_TIMEOUT_SECONDS + " s");
      }
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while keytool ran", e);
    }
    if (p.exitValue() != 0) {
      throw new IOException("keytool " + args[0] + " failed (exit " + p.exitValue() + "): " + out);
    }
  }
}
