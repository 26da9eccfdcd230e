package io.refraft.impl.storage;

import io.refraft.impl.codec.EntryCodec;
import io.refraft.impl.kv.Command;
import io.refraft.impl.kv.CommandCodec;
import io.refraft.impl.kv.KvOp;
import io.refraft.impl.kv.KvStateMachine;
import io.refraft.spec.Entry;
import io.refraft.spec.Payload;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * What a restart costs before and after compaction (not a test): a data directory with ENTRIES KV
 * puts of VALUE bytes over KEYS keys, then the node's recovery work timed twice: without a snapshot
 * ({@code load()} of the whole log, every entry decoded and applied to a fresh {@link KvStateMachine})
 * and after a snapshot at the last index ({@code load()} of snapshot and log, {@code restore}).
 * The spec's {@code Restart} step is not included (it builds the log's entries, so it grows with the
 * log as well). Usage: {@code bin/refraft-tool restart-bench [ENTRIES (1000000)] [VALUE (100)] [KEYS
 * (10000)] [DIR (a temp dir)]}. Prints one line per case, then one JSON object.
 */
public final class RestartBench {

  private RestartBench() {}

  private record Run(String name, double seconds, long entriesReplayed, long diskBytes, long heapBytes) {}

  public static void main(String[] args) throws Exception {
    long entries = args.length > 0 ? Long.parseLong(args[0]) : 1_000_000;
    int valueBytes = args.length > 1 ? Integer.parseInt(args[1]) : 100;
    int keys = args.length > 2 ? Integer.parseInt(args[2]) : 10_000;
    Path parent = args.length > 3 ? Path.of(args[3]) : Path.of(System.getProperty("java.io.tmpdir"));
    Path dir = Files.createTempDirectory(parent, "restart-bench");
    try {
      write(dir, entries, valueBytes, keys);
      List<Run> runs = new ArrayList<>();
      runs.add(restart("whole log", dir));
      byte[] state = replayAll(dir);
      try (FileStorage s = FileStorage.open(dir)) {
        s.load();
        s.saveSnapshot(new SnapshotMeta(entries, 1, 0), state);
      }
      runs.add(restart("snapshot", dir));
      for (Run r : runs) {
        System.out.printf(Locale.ROOT, "%-10s %8.3f s  %,12d entries replayed  %,14d bytes on disk  %,14d heap bytes held (records + state)%n",
            r.name(), r.seconds(), r.entriesReplayed(), r.diskBytes(), r.heapBytes());
      }
      System.out.printf(Locale.ROOT, "{\"entries\":%d,\"value_bytes\":%d,\"keys\":%d,\"snapshot_bytes\":%d,"
          + "\"log_restart_s\":%.3f,\"log_disk_bytes\":%d,\"snapshot_restart_s\":%.3f,\"snapshot_disk_bytes\":%d}%n",
          entries, valueBytes, keys, state.length, runs.get(0).seconds(), runs.get(0).diskBytes(), runs.get(1).seconds(),
          runs.get(1).diskBytes());
    } finally {
      try (Stream<Path> files = Files.walk(dir)) {
        for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      }
    }
  }

  private static void write(Path dir, long entries, int valueBytes, int keys) throws IOException {
    String value = "v".repeat(valueBytes);
    try (FileStorage s = FileStorage.open(dir)) {
      s.load();
      s.saveMeta(new Meta(1, null));
      List<LogRecord> batch = new ArrayList<>(1024);
      for (long i = 1; i <= entries; i++) {
        byte[] command = CommandCodec.encode(Command.of(i, new KvOp.Put("key-" + (i % keys), value)));
        batch.add(EntryCodec.toRecord(i, new Entry(1, Payload.Data.wrap(command))));
        if (batch.size() == 1024 || i == entries) {
          s.append(batch);
          s.sync();
          batch.clear();
        }
      }
    }
  }

  /** The state after every entry: the snapshot a node at the last index would take. */
  private static byte[] replayAll(Path dir) throws Exception {
    try (FileStorage s = FileStorage.open(dir)) {
      return replay(s.load()).snapshot();
    }
  }

  private static KvStateMachine replay(Recovered r) throws Exception {
    KvStateMachine kv = new KvStateMachine();
    if (r.snapshot().isPresent()) {
      kv.restore(r.snapshot().get().body());
    }
    for (LogRecord rec : r.records()) {
      Entry e = EntryCodec.fromRecord(rec);
      kv.apply(rec.index(), e.payload() instanceof Payload.Data d ? d.toByteArray() : new byte[0]);
    }
    return kv;
  }

  private static Run restart(String name, Path dir) throws Exception {
    replayOnce(dir); // warm-up: the same work once, so both cases run compiled code
    System.gc();
    long start = System.nanoTime();
    Recovered r;
    KvStateMachine kv;
    try (FileStorage s = FileStorage.open(dir)) {
      r = s.load();
      kv = replay(r);
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    long replayed = r.records().size();
    System.gc();
    // what a node holds after recovery: the records (as its in-memory log) and the state machine
    long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    java.lang.ref.Reference.reachabilityFence(r);
    if (kv.lastApplied() == 0) {
      throw new IllegalStateException("nothing recovered");
    }
    return new Run(name, seconds, replayed, diskBytes(dir), heap);
  }

  private static void replayOnce(Path dir) throws Exception {
    try (FileStorage s = FileStorage.open(dir)) {
      replay(s.load());
    }
  }

  private static long diskBytes(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      long sum = 0;
      for (Path p : files.toList()) {
        sum += Files.size(p);
      }
      return sum;
    }
  }
}
