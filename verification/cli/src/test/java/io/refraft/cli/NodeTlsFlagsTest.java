package io.refraft.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code refraft node}'s TLS flags: an incomplete combination or a file that cannot be used exits 2
 * with one line naming the flag or the file, no stack trace, and no data directory created.
 */
class NodeTlsFlagsTest {
  @TempDir Path dir;

  record Run(int exit, String out, String err) {}

  private Run node(String... tlsArgs) {
    List<String> args = new ArrayList<>(List.of("node", "--id", "n1", "--peers", "n1=127.0.0.1:0",
        "--client", "127.0.0.1:0", "--data", dir.resolve("data").toString()));
    args.addAll(List.of(tlsArgs));
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit = Main.run(args.toArray(String[]::new), new PrintWriter(out, true), new PrintWriter(err, true));
    return new Run(exit, out.toString(), err.toString());
  }

  private void assertUsage(Run r, String... expected) {
    assertEquals(2, r.exit(), r.err());
    for (String e : expected) {
      assertTrue(r.err().contains(e), "'" + e + "' in: " + r.err());
    }
    assertFalse(r.err().contains("Exception") || r.err().contains("\tat "), "no stack trace: " + r.err());
    assertFalse(Files.exists(dir.resolve("data")), "no data directory was created");
  }

  @Test
  void a_key_without_its_certificate_or_the_reverse_is_bad_usage() {
    assertUsage(node("--peer-key", "k.pem", "--peer-trusted-ca", "ca.pem"), "--peer-key k.pem needs --peer-cert");
    assertUsage(node("--client-cert", "c.pem"), "--client-cert c.pem needs --client-key");
    assertUsage(node("--peer-cert", "c.pem", "--peer-key", "k.pem"), "--peer-cert needs --peer-trusted-ca");
    assertUsage(node("--client-trusted-ca", "ca.pem"), "--client-trusted-ca needs --client-cert");
  }

  @Test
  void unusable_files_are_named() throws Exception {
    Path notPem = Files.writeString(dir.resolve("cert.pem"), "hello\n");
    Path key = Files.writeString(dir.resolve("key.pem"), "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n");
    assertUsage(node("--client-cert", notPem.toString(), "--client-key", key.toString()),
        notPem + ": is not a PEM file");
    assertUsage(node("--client-cert", dir.resolve("absent.pem").toString(), "--client-key", key.toString()),
        dir.resolve("absent.pem") + ": cannot read it");
  }
}
