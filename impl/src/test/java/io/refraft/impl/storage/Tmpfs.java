package io.refraft.impl.storage;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A small real file system for disk-full tests: a tmpfs mounted on a fresh directory (mounting needs
 * root or CAP_SYS_ADMIN; where that is refused the test is skipped, saying why), and a ballast file
 * that takes all of its free space. Unmounted by {@link #close}.
 */
public final class Tmpfs implements AutoCloseable {
  private final Path mountPoint;

  private Tmpfs(Path mountPoint) {
    this.mountPoint = mountPoint;
  }

  /** Mounts a tmpfs of {@code kib} KiB on a new directory under {@code parent}. */
  public static Tmpfs mount(Path parent, int kib) throws IOException, InterruptedException {
    Path dir = Files.createTempDirectory(parent, "tmpfs");
    String out = run(List.of("mount", "-t", "tmpfs", "-o", "size=" + kib + "k", "tmpfs", dir.toString()));
    Assumptions.assumeTrue(out == null, () -> "skipped: cannot mount a tmpfs for the disk-full test here ("
        + out + "); it needs root or CAP_SYS_ADMIN");
    return new Tmpfs(dir);
  }

  public Path root() {
    return mountPoint;
  }

  /** Fills the file system with {@code ballast} until a write finds no space; returns the bytes written. */
  public long fill() throws IOException {
    long written = 0;
    byte[] chunk = new byte[4096];
    try (OutputStream out = Files.newOutputStream(ballast())) {
      while (true) {
        out.write(chunk);
        out.flush();
        written += chunk.length;
      }
    } catch (IOException e) {
      if (!DiskFullException.isNoSpace(e)) {
        throw e;
      }
    }
    return written;
  }

  /** Frees what {@link #fill} took. */
  public void free() throws IOException {
    Files.deleteIfExists(ballast());
  }

  private Path ballast() {
    return mountPoint.resolve("ballast");
  }

  @Override
  public void close() throws IOException {
    String out;
    try {
      out = run(List.of("umount", mountPoint.toString()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while unmounting " + mountPoint, e);
    }
    if (out != null) {
      throw new IOException("umount " + mountPoint + ": " + out);
    }
    Files.deleteIfExists(mountPoint);
  }

  /** Runs a command; null when it exits 0, else its output and exit status. */
  private static String run(List<String> cmd) throws IOException, InterruptedException {
    Process p;
    try {
      p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    } catch (IOException e) {
      return e.getMessage();
    }
    if (!p.waitFor(30, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      return String.join(" ", cmd) + " did not finish within 30 s";
    }
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    return p.exitValue() == 0 ? null : out + " (exit " + p.exitValue() + ")";
  }
}
