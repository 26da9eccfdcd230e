package io.refraft.verification.sim;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * The one place a run touches the file system: a temporary folder per node for snapshot files, the
 * seam where the node's real code reads files ({@code Storage.snapshotFile} on the leader's side,
 * {@code Driver.snapshotArrived} on the follower's). Everything else stays in memory. Deleted at the
 * end of the run; file names carry no randomness, so the run stays deterministic.
 */
final class SimFiles implements AutoCloseable {
  private final Path root;
  private long received;

  SimFiles(int nodes) {
    try {
      root = Files.createTempDirectory("refraft-sim-");
      for (int i = 0; i < nodes; i++) {
        Files.createDirectory(node(i));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("simulator error: cannot create a temporary folder", e);
    }
  }

  /** Node {@code i}'s folder. */
  Path node(int i) {
    return root.resolve("n" + i);
  }

  /** Writes a snapshot file that arrived at node {@code i}; the node deletes it once read. */
  Path received(int i, byte[] bytes) {
    Path f = node(i).resolve("received-" + (++received));
    try {
      return Files.write(f, bytes);
    } catch (IOException e) {
      throw new UncheckedIOException("simulator error: cannot write " + f, e);
    }
  }

  @Override
  public void close() {
    try (Stream<Path> all = Files.walk(root)) {
      for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("simulator error: cannot delete " + root, e);
    }
  }
}
