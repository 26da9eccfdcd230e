package io.refraft.verification.harness;

import io.refraft.impl.storage.DiskFullException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * For the disk-full nemesis: each node's data directory is a small tmpfs of its own, so filling one
 * node's file system leaves the others and the run's directory alone. A fault writes a ballast file
 * until the kernel answers ENOSPC; its heal deletes it. Mounting needs root (or CAP_SYS_ADMIN); where
 * it is refused the run does not start.
 */
final class NodeDisks implements AutoCloseable {
  /** Room for a node's log and snapshots of a test run many times over. */
  static final int MIB = 128;
  private static final String BALLAST = "disk-full-ballast";

  private final List<Path> mounts;

  private NodeDisks(List<Path> mounts) {
    this.mounts = mounts;
  }

  /** Mounts a tmpfs on each node's data directory (before any node starts). */
  static NodeDisks mount(LocalCluster cluster) {
    List<Path> mounted = new ArrayList<>();
    for (int i = 0; i < cluster.size(); i++) {
      Path dir = cluster.dataDir(i);
      String failure;
      try {
        Files.createDirectories(dir);
        failure = run(List.of("mount", "-t", "tmpfs", "-o", "size=" + MIB + "m", "tmpfs", dir.toString()));
      } catch (IOException e) {
        failure = e.getMessage();
      }
      if (failure != null) {
        new NodeDisks(mounted).close();
        throw new HarnessException("--nemesis disk-full gives each node's data directory a tmpfs of its own, and "
            + "mounting one on " + dir + " failed (" + failure + "); it needs root or CAP_SYS_ADMIN");
      }
      mounted.add(dir);
    }
    return new NodeDisks(mounted);
  }

  /** Fills node {@code i}'s file system; returns the bytes the ballast took. */
  long fill(int i) throws IOException {
    long written = 0;
    ByteBuffer chunk = ByteBuffer.allocate(1 << 16);
    try (FileChannel ch = FileChannel.open(mounts.get(i).resolve(BALLAST), StandardOpenOption.CREATE,
        StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
      while (true) {
        chunk.clear();
        written += ch.write(chunk);
      }
    } catch (IOException e) {
      if (!DiskFullException.isNoSpace(e)) {
        throw e;
      }
    }
    return written;
  }

  /** Gives node {@code i} its space back. */
  void free(int i) throws IOException {
    Files.deleteIfExists(mounts.get(i).resolve(BALLAST));
  }

  /** Unmounts every tmpfs (after the nodes stopped); their data goes with them. */
  @Override
  public void close() {
    for (Path m : mounts) {
      try {
        run(List.of("umount", m.toString()));
      } catch (IOException e) {
        // best effort: a mount left behind shows in mount(8); the verdict does not depend on it
      }
    }
  }

  /** Runs a command; null when it exits 0, else what it printed and its exit status. */
  private static String run(List<String> cmd) throws IOException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    try {
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return String.join(" ", cmd) + " did not finish within 30 s";
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      p.destroyForcibly();
      return "interrupted";
    }
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    return p.exitValue() == 0 ? null : out + " (exit " + p.exitValue() + ")";
  }
}
