package io.refraft.cli;

import io.refraft.spec.explore.Checkpoint;
import io.refraft.spec.explore.ModelChecker;
import io.refraft.spec.explore.SpillStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * The files behind {@code spec check}'s memory and resume options: the frontier's spilled segments
 * (a temporary directory, deleted when the run ends), checkpoints (written to a temporary file,
 * forced to disk, then renamed over the last one, so a crash leaves the previous checkpoint whole),
 * the build's identity a checkpoint records, and sizes such as {@code 8g}.
 */
final class CheckFiles {
  /** The checkpoint's file name inside {@code --checkpoint DIR}. */
  static final String CHECKPOINT = "checkpoint.bin";

  private CheckFiles() {}

  /** Segments as files {@code seg-N} in a temporary directory made at the first. */
  static final class SpillDir implements SpillStore, AutoCloseable {
    private Path dir;
    private final AtomicLong ids = new AtomicLong();

    private synchronized Path dir() throws IOException {
      if (dir == null) {
        dir = Files.createTempDirectory("refraft-frontier-");
      }
      return dir;
    }

    @Override
    public long write(byte[] data, int length) {
      long id = ids.incrementAndGet();
      try (OutputStream out = Files.newOutputStream(dir().resolve("seg-" + id))) {
        out.write(data, 0, length);
      } catch (IOException e) {
        throw new UncheckedIOException("could not spill the frontier to a temporary directory: " + e.getMessage(), e);
      }
      return id;
    }

    @Override
    public byte[] read(long handle) {
      try {
        return Files.readAllBytes(file(handle));
      } catch (IOException e) {
        throw new UncheckedIOException("could not read the frontier back from " + file(handle) + ": "
            + e.getMessage(), e);
      }
    }

    @Override
    public void delete(long handle) {
      try {
        Files.deleteIfExists(file(handle));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    private synchronized Path file(long id) {
      return dir.resolve("seg-" + id);
    }

    @Override
    public synchronized void close() throws IOException {
      if (dir == null) {
        return;
      }
      try (Stream<Path> files = Files.list(dir)) {
        for (Path p : (Iterable<Path>) files::iterator) {
          Files.deleteIfExists(p);
        }
      }
      Files.deleteIfExists(dir);
    }
  }

  /** Checkpoints as {@code DIR/checkpoint.bin}, replaced atomically. */
  static Checkpoint.Store checkpointsIn(Path dir) {
    return content -> {
      Path tmp = null;
      try {
        tmp = Files.createTempFile(dir, ".checkpoint-", ".tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE);
            OutputStream out = java.nio.channels.Channels.newOutputStream(ch)) {
          java.io.BufferedOutputStream buf = new java.io.BufferedOutputStream(out, 1 << 20);
          content.accept((b, off, len) -> {
            try {
              buf.write(b, off, len);
            } catch (IOException e) {
              throw new UncheckedIOException(e);
            }
          });
          buf.flush();
          ch.force(true);
        }
        Files.move(tmp, dir.resolve(CHECKPOINT), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (IOException e) {
        throw new UncheckedIOException("could not write a checkpoint in " + dir + ": " + e.getMessage(), e);
      } finally {
        try {
          if (tmp != null) {
            Files.deleteIfExists(tmp);
          }
        } catch (IOException e) {
          // the rename happened or the failure above is what matters
        }
      }
    };
  }

  /** Opens {@code DIR/checkpoint.bin} for {@code --resume}; a missing one is the user's mistake. */
  static InputStream openCheckpoint(Path dir) {
    Path f = dir.resolve(CHECKPOINT);
    if (!Files.isRegularFile(f)) {
      throw new UserError("--resume: no checkpoint " + f);
    }
    try {
      return new java.io.BufferedInputStream(Files.newInputStream(f), 1 << 20);
    } catch (IOException e) {
      throw new UserError("--resume: cannot read " + f + ": " + e.getMessage());
    }
  }

  static Checkpoint.Source source(InputStream in) {
    return (b, off, len) -> {
      try {
        return in.read(b, off, len);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    };
  }

  /**
   * The build a checkpoint belongs to: a digest of the spec's compiled classes (the protocol, the
   * model and the checker), which decide what a state is and which follow it.
   */
  static String buildId() {
    try {
      Path where = Path.of(ModelChecker.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      if (Files.isDirectory(where)) {
        Map<String, Path> files = new TreeMap<>();
        try (Stream<Path> all = Files.walk(where)) {
          all.filter(p -> p.toString().endsWith(".class")).forEach(p -> files.put(where.relativize(p).toString(), p));
        }
        for (Map.Entry<String, Path> e : files.entrySet()) {
          md.update(e.getKey().getBytes(java.nio.charset.StandardCharsets.UTF_8));
          md.update(Files.readAllBytes(e.getValue()));
        }
      } else {
        md.update(Files.readAllBytes(where));
      }
      return "spec " + HexFormat.of().formatHex(md.digest(), 0, 8);
    } catch (Exception e) {
      throw new IllegalStateException("cannot identify the build for a checkpoint: " + e, e);
    }
  }

  /** A size such as 512m, 8g or 1073741824 (bytes). */
  static long parseSize(String option, String s) {
    String t = s.trim().toLowerCase(Locale.ROOT);
    long unit = 1;
    if (!t.isEmpty() && "kmgt".indexOf(t.charAt(t.length() - 1)) >= 0) {
      unit = 1L << (10 * ("kmgt".indexOf(t.charAt(t.length() - 1)) + 1));
      t = t.substring(0, t.length() - 1);
    }
    try {
      long v = Long.parseLong(t);
      if (v <= 0 || v > Long.MAX_VALUE / unit) {
        throw new NumberFormatException();
      }
      return v * unit;
    } catch (NumberFormatException e) {
      throw new UserError(option + ": expected a size such as 512m or 8g, got '" + s + "'");
    }
  }

  /**
   * One progress line, as TLC prints them: counts, the queue, speed, depth and memory, and the
   * seconds left ({@link Eta}) once the queue shrinks; in the recovery check's phase the queue is
   * that of the states it explores beyond the bounds.
   */
  static void printProgress(PrintWriter err, long elapsedNanos, ModelChecker.Progress p, long distinctBefore,
      double intervalSeconds, Eta eta) {
    Runtime rt = Runtime.getRuntime();
    long heap = rt.totalMemory() - rt.freeMemory();
    long perSecond = Math.round((p.distinct() - distinctBefore) / intervalSeconds);
    java.util.OptionalLong left = eta.next(p.phase(), p.queued(), intervalSeconds);
    err.printf(Locale.ROOT, "progress %ds%s: depth %d, distinct %,d (%,d/s), generated %,d, queue %,d "
        + "(%s in memory, %s on disk), seen set %s, heap in use %s%s%n", elapsedNanos / 1_000_000_000L,
        p.phase().equals("safety") ? "" : " [" + p.phase() + "]", p.depth(), p.distinct(), perSecond, p.generated(),
        p.queued(), mb(p.frontierBytesInMemory()), mb(p.frontierBytesOnDisk()), mb(p.seenBytes()), mb(heap),
        left.isPresent() ? ", eta " + left.getAsLong() + "s" : "");
    err.flush();
  }

  private static String mb(long bytes) {
    return String.format(Locale.ROOT, "%,d MB", bytes >> 20);
  }
}
