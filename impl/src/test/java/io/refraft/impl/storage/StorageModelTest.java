package io.refraft.impl.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Random append/truncate/saveMeta/sync/saveSnapshot/crash sequences against a model of the {@link Storage}
 * contract. Seeded: set {@code -Drefraft.seed=N} to rerun one seed; every run prints its seeds.
 */
class StorageModelTest {

  /** File seeds cost real fsyncs (about 1.5 s each here); memory seeds cost almost nothing. */
  private static final int FILE_SEEDS = Integer.getInteger("refraft.storage.seeds", 6);
  private static final int MEMORY_SEEDS = 100;
  private static final int STEPS = 250;

  @TempDir
  Path tmp;

  /** The contract's state: what was handed to storage, and how much of it is durable. */
  private static final class Model {
    final List<LogRecord> log = new ArrayList<>();
    int synced;
    /** Records before the last append: with write-back, at least these survive a torn crash. */
    int beforeLastAppend;
    Meta meta = Meta.INITIAL;
    Meta durableMeta = Meta.INITIAL;
    /** The durable snapshot (durable at once), or null; {@link #log} holds only the records after it. */
    SnapshotMeta snapshot;

    long lastIndex() {
      return !log.isEmpty() ? log.getLast().index() : snapshot != null ? snapshot.index() : 0;
    }

    long termAt(long index) {
      return snapshot != null && index == snapshot.index() ? snapshot.term()
          : log.get((int) (index - log.getFirst().index())).term();
    }

    void reset(Recovered r) {
      snapshot = r.snapshot().map(StoredSnapshot::meta).orElse(null);
      log.clear();
      log.addAll(r.records());
      synced = log.size();
      beforeLastAppend = synced;
      meta = r.meta();
      durableMeta = r.meta();
    }
  }

  /** A storage that can crash and be reopened. */
  private interface Subject {
    Storage storage();

    /** Crash; returns whether unsynced writes may have reached the disk (a torn crash). */
    boolean crash(SplittableRandom random) throws IOException;

    Storage reopen() throws IOException;
  }

  @Test
  void file_storage_matches_the_model() throws IOException {
    for (long seed : seeds("FileStorage", FILE_SEEDS)) {
      Path dir = tmp.resolve("seed-" + seed);
      SplittableRandom random = new SplittableRandom(seed);
      FileStorage.Options options = FileStorage.Options.defaults().withSegmentBytes(64 + random.nextInt(600));
      run(seed, random, new Subject() {
        FaultyStorage current = FaultyStorage.open(dir, options);

        @Override
        public Storage storage() {
          return current;
        }

        @Override
        public boolean crash(SplittableRandom r) throws IOException {
          if (r.nextBoolean()) {
            current.crashLosingUnsynced();
            return false;
          }
          current.crashTearingLastAppend(r.nextInt(200));
          return true;
        }

        @Override
        public Storage reopen() throws IOException {
          current = FaultyStorage.open(dir, options);
          return current;
        }
      });
    }
  }

  @Test
  void memory_storage_matches_the_model() throws IOException {
    for (long seed : seeds("MemoryStorage", MEMORY_SEEDS)) {
      MemoryStorage memory = new MemoryStorage();
      run(seed, new SplittableRandom(seed), new Subject() {
        @Override
        public Storage storage() {
          return memory;
        }

        @Override
        public boolean crash(SplittableRandom r) {
          memory.crash();
          return false;
        }

        @Override
        public Storage reopen() {
          return memory;
        }
      });
    }
  }

  /** Consecutive seeds from a random base; a failure message names its seed. */
  private static long[] seeds(String subject, int count) {
    Long fixed = Long.getLong("refraft.seed");
    if (fixed != null) {
      System.out.println("StorageModelTest " + subject + ": seed " + fixed);
      return new long[] {fixed};
    }
    long base = new SplittableRandom().nextLong();
    long[] seeds = new long[count];
    for (int i = 0; i < count; i++) {
      seeds[i] = base + i;
    }
    System.out.println("StorageModelTest " + subject + ": seeds " + base + " .. " + (base + count - 1)
        + " (rerun one with -Drefraft.seed=N)");
    return seeds;
  }

  private static void run(long seed, SplittableRandom random, Subject subject) throws IOException {
    Model model = new Model();
    model.reset(subject.storage().load());
    for (int step = 0; step < STEPS; step++) {
      String where = "seed " + seed + " step " + step;
      Storage s = subject.storage();
      int op = random.nextInt(100);
      if (op < 45) {
        long term = model.meta.term();
        long from = model.log.isEmpty() && model.snapshot == null ? 1 + random.nextInt(3) : model.lastIndex() + 1;
        List<LogRecord> batch = Records.range(from, from + random.nextInt(6), term, random.nextInt(120));
        s.append(batch);
        model.beforeLastAppend = model.log.size();
        model.log.addAll(batch);
      } else if (op < 53) {
        long floor = model.snapshot == null ? 1 : model.snapshot.index() + 1;
        long index = floor + random.nextLong(model.lastIndex() + 2 - floor);
        s.truncateFrom(index);
        model.log.removeIf(r -> r.index() >= index);
        markSynced(model);
      } else if (op < 63) {
        Meta m = new Meta(model.meta.term() + random.nextInt(2), random.nextBoolean() ? null : "n" + random.nextInt(5));
        s.saveMeta(m);
        model.meta = m;
      } else if (op < 80) {
        s.sync();
        markSynced(model);
      } else if (op < 87) {
        snapshot(random, model, s);
      } else {
        boolean torn = subject.crash(random);
        Recovered r = subject.reopen().load();
        check(where, model, r, torn);
        model.reset(r);
      }
    }
    subject.storage().sync();
    subject.crash(random);
    Recovered r = subject.reopen().load();
    assertEquals(model.log, r.records(), "seed " + seed + " final");
    assertEquals(model.snapshot, r.snapshot().map(StoredSnapshot::meta).orElse(null), "seed " + seed + " final");
    subject.storage().close();
  }

  /**
   * A snapshot at a random index above the current one: mostly one the log continues (a local
   * snapshot), sometimes one of another term at a held index or beyond the log (an installed one),
   * which replaces the log.
   */
  private static void snapshot(SplittableRandom random, Model model, Storage s) throws IOException {
    long floor = model.snapshot != null ? model.snapshot.index() + 1 : model.log.isEmpty() ? 1 : model.log.getFirst().index();
    long index;
    long term;
    int kind = random.nextInt(4);
    if (model.lastIndex() >= floor && kind < 3) {
      index = floor + random.nextLong(model.lastIndex() + 1 - floor);
      term = model.termAt(index) - (kind == 2 && model.termAt(index) > 0 ? 1 : 0);
    } else {
      index = Math.max(floor, model.lastIndex() + 1 + random.nextInt(3));
      term = model.meta.term();
    }
    SnapshotMeta meta = new SnapshotMeta(index, term, random.nextLong());
    s.saveSnapshot(meta, Records.record(index, term, random.nextInt(64)).payload());
    markSynced(model);
    boolean continues = index <= model.lastIndex() && model.termAt(index) == term;
    model.log.removeIf(r -> !continues || r.index() <= index);
    model.snapshot = meta;
    markSynced(model);
  }

  private static void markSynced(Model model) {
    model.synced = model.log.size();
    model.beforeLastAppend = model.synced;
    model.durableMeta = model.meta;
  }

  private static void check(String where, Model model, Recovered r, boolean torn) {
    assertEquals(model.snapshot, r.snapshot().map(StoredSnapshot::meta).orElse(null), where + ": the durable snapshot");
    int n = r.records().size();
    int least = torn ? Math.max(model.synced, model.beforeLastAppend) : model.synced;
    int most = torn ? model.log.size() : model.synced;
    assertTrue(n >= least && n <= most, where + ": recovered " + n + " records, expected " + least + ".." + most);
    assertEquals(model.log.subList(0, n), r.records(), where + ": recovered log is not a prefix of what was written");
    assertTrue(r.meta().equals(model.durableMeta) || (torn && r.meta().equals(model.meta)),
        where + ": recovered " + r.meta() + ", durable " + model.durableMeta + ", buffered " + model.meta);
    if (n > 0) {
      assertTrue(r.meta().term() >= r.records().getLast().term(), where + ": an entry's term exceeds the durable term");
    }
  }
}
