package io.refraft.impl.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Measures the disk under the storage (not a test): the raw rate of sequential 4 KiB
 * write+fdatasync, the same through {@link FileStorage}, and group-commit throughput with N
 * 100-byte records per sync. Usage (impl/README.md, "Storage"):
 * {@code bin/refraft-tool storage-bench [DIR (default: a temp dir)] [SECONDS per case (default 3)]}.
 * Prints a table, then one JSON object as the last line.
 */
public final class StorageBench {

  private record Result(String name, long ops, long records, double seconds, long[] syncNanos) {
    double opsPerSecond() {
      return ops / seconds;
    }

    double recordsPerSecond() {
      return records / seconds;
    }

    double percentileMicros(double p) {
      long[] sorted = syncNanos.clone();
      Arrays.sort(sorted);
      return sorted.length == 0 ? 0 : sorted[(int) Math.min(sorted.length - 1, Math.floor(p * sorted.length))] / 1e3;
    }
  }

  private StorageBench() {}

  public static void main(String[] args) throws IOException {
    Path parent = args.length > 0 ? Path.of(args[0]) : Path.of(System.getProperty("java.io.tmpdir"));
    double seconds = args.length > 1 ? Double.parseDouble(args[1]) : 3;
    Path dir = Files.createTempDirectory(parent, "storage-bench");
    List<Result> results = new ArrayList<>();
    try {
      results.add(rawAppendFsync(dir.resolve("raw"), seconds));
      results.add(storageAppendSync(dir.resolve("fs-4k"), seconds, 4096, 1, "FileStorage 4 KiB x1 per sync"));
      for (int n : new int[] {1, 16, 64}) {
        results.add(storageAppendSync(dir.resolve("gc-" + n), seconds, 100, n, "group commit 100 B x" + n + " per sync"));
      }
    } finally {
      deleteTree(dir);
    }
    System.out.printf(Locale.ROOT, "%-34s %10s %12s %10s %10s%n", "case", "syncs/s", "records/s", "p50 us", "p99 us");
    StringBuilder json = new StringBuilder("{\"dir\":\"" + parent.toString().replace("\"", "'") + "\",\"cases\":[");
    for (Result r : results) {
      System.out.printf(Locale.ROOT, "%-34s %10.0f %12.0f %10.0f %10.0f%n", r.name(), r.opsPerSecond(),
          r.recordsPerSecond(), r.percentileMicros(0.5), r.percentileMicros(0.99));
      json.append(String.format(Locale.ROOT, "{\"case\":\"%s\",\"syncs_per_s\":%.1f,\"records_per_s\":%.1f,"
          + "\"sync_p50_us\":%.0f,\"sync_p99_us\":%.0f},", r.name(), r.opsPerSecond(), r.recordsPerSecond(),
          r.percentileMicros(0.5), r.percentileMicros(0.99)));
    }
    json.setLength(json.length() - 1);
    System.out.println(json.append("]}"));
  }

  /** The disk's own rate: 4 KiB pwrite + fdatasync, nothing else. */
  private static Result rawAppendFsync(Path dir, double seconds) throws IOException {
    Files.createDirectories(dir);
    ByteBuffer block = ByteBuffer.allocateDirect(4096);
    List<Long> syncs = new ArrayList<>();
    long ops = 0;
    try (FileChannel ch = FileChannel.open(dir.resolve("raw.log"), StandardOpenOption.CREATE_NEW,
        StandardOpenOption.WRITE)) {
      long start = System.nanoTime();
      long deadline = start + (long) (seconds * 1e9);
      long position = 0;
      while (System.nanoTime() < deadline) {
        block.clear();
        while (block.hasRemaining()) {
          position += ch.write(block, position);
        }
        long t = System.nanoTime();
        ch.force(false);
        syncs.add(System.nanoTime() - t);
        ops++;
      }
      return new Result("raw 4 KiB write+fdatasync", ops, ops, (System.nanoTime() - start) / 1e9, toArray(syncs));
    }
  }

  private static Result storageAppendSync(Path dir, double seconds, int payloadBytes, int perSync, String name)
      throws IOException {
    byte[] payload = new byte[payloadBytes];
    Arrays.fill(payload, (byte) 7);
    List<Long> syncs = new ArrayList<>();
    long ops = 0;
    long index = 1;
    try (FileStorage s = FileStorage.open(dir)) {
      s.load();
      long start = System.nanoTime();
      long deadline = start + (long) (seconds * 1e9);
      List<LogRecord> batch = new ArrayList<>(perSync);
      while (System.nanoTime() < deadline) {
        batch.clear();
        for (int i = 0; i < perSync; i++) {
          batch.add(new LogRecord(index++, 1, payload));
        }
        s.append(batch);
        long t = System.nanoTime();
        s.sync();
        syncs.add(System.nanoTime() - t);
        ops++;
      }
      return new Result(name, ops, index - 1, (System.nanoTime() - start) / 1e9, toArray(syncs));
    }
  }

  private static long[] toArray(List<Long> values) {
    return values.stream().mapToLong(Long::longValue).toArray();
  }

  private static void deleteTree(Path p) throws IOException {
    if (Files.isDirectory(p)) {
      try (DirectoryStream<Path> children = Files.newDirectoryStream(p)) {
        for (Path c : children) {
          deleteTree(c);
        }
      }
    }
    Files.deleteIfExists(p);
  }
}
