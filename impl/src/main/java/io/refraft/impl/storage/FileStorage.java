package io.refraft.impl.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * {@link Storage} on a data directory: a segmented write-ahead log ({@code wal-<base index>.log}
 * files, layout in {@link WalFormat}), the term/vote file ({@link MetaFile}) and a lock file.
 *
 * <p>{@link #append} and {@link #saveMeta} touch no file: records wait in an in-process buffer
 * (grown as needed, so it never spills) and segments are created only when written. A
 * {@link #sync()} or {@link #truncateFrom} then, in this order: writes a new term/vote to the
 * meta temporary file and fsyncs it (invisible), runs its {@code beforeVisible} hook, renames the
 * meta file and fsyncs the directory, writes the buffered records, cuts or deletes segments, and
 * fsyncs each touched file once (group commit). So a process killed before the hook leaves the
 * files as they were, and the meta change is durable before any record is written, which gives
 * the term order of {@link Storage}. A full segment is written and fsynced before the next one is
 * created, so every segment but the last is complete on disk: damage in a non-last segment is
 * corruption, never a torn write.
 *
 * <p>What a kill -9 after the hook can still find half done (each step below is a syscall of
 * microseconds unless named): the meta renamed but the records not yet written, during the rest
 * of the rename and the directory fsync between them (when one sync carries both; 3-7 ms together
 * on an idle ext4 disk); the records of a segment the batch
 * filled but not those of the next, during that segment's fsync; written records not yet cut by a
 * truncation. The buffer holds at most what one batch appends, bytes the caller holds anyway.
 *
 * <p>Recovery rules are in {@link WalRecovery}.
 */
public final class FileStorage implements Storage {

  /**
   * How a {@link FileStorage} lays out and recovers its files.
   *
   * @param segmentBytes size at which a segment is closed and the next begins (64 B .. 1 GiB); a
   *     record larger than this gets a segment of its own
   * @param repair on corruption before the tail, truncate the log there instead of refusing to
   *     start; records after that point are lost, so use it only when the other nodes hold them
   */
  public record Options(long segmentBytes, boolean repair) {

    public static final long DEFAULT_SEGMENT_BYTES = 64L << 20;

    public Options {
      if (segmentBytes < 64 || segmentBytes > (1L << 30)) {
        throw new IllegalArgumentException("segmentBytes must be in 64..2^30, was " + segmentBytes);
      }
    }

    public static Options defaults() {
      return new Options(DEFAULT_SEGMENT_BYTES, false);
    }

    public Options withRepair(boolean value) {
      return new Options(segmentBytes, value);
    }

    public Options withSegmentBytes(long value) {
      return new Options(value, repair);
    }
  }

  private enum State { OPENED, LOADED, FAILED, CLOSED }

  static final String LOCK_NAME = "LOCK";
  private static final int BUFFER_BYTES = 1 << 20;

  private final Path dir;
  private final Options options;
  private final FileChannel lockChannel;
  private final List<Segment> segments = new ArrayList<>();
  /** Bytes for the tail segment not yet written; segments before it keep theirs in {@link Segment#unwritten}. */
  private ByteBuffer pending = ByteBuffer.allocate(BUFFER_BYTES);
  private long bytesWritten;
  /** Segments before this index are written, complete on disk and closed. */
  private int firstUnwritten;
  private Meta meta = Meta.INITIAL;
  private final SnapshotStore snapshots;
  /** The newest durable snapshot's metadata, or null. */
  private SnapshotMeta snapshot;
  private CrashPoint crashPoint = what -> { };
  private boolean metaDirty;
  private boolean dirDirty;
  private State state = State.OPENED;
  private IOException failure;

  private FileStorage(Path dir, Options options, FileChannel lockChannel) {
    this.dir = dir;
    this.options = options;
    this.lockChannel = lockChannel;
    this.snapshots = new SnapshotStore(dir, options.repair());
  }

  /**
   * Opens (creating if needed) a data directory and takes its lock; reads nothing yet.
   *
   * @throws FileSystemException naming the path when it is not a directory, cannot be created or
   *     written, or is locked by another open storage
   */
  public static FileStorage open(Path dir, Options options) throws IOException {
    Objects.requireNonNull(options, "options");
    FileChannel ch = DataDirectory.lock(dir, LOCK_NAME);
    return new FileStorage(dir, options, ch);
  }

  /** {@link #open(Path, Options)} with {@link Options#defaults()}. */
  public static FileStorage open(Path dir) throws IOException {
    return open(dir, Options.defaults());
  }

  public Path directory() {
    return dir;
  }

  /** Bytes of log records written to segment files since this storage was opened (for metrics; owner's thread). */
  public long bytesWritten() {
    return bytesWritten;
  }

  /** Segment files of the log, a tail not created yet included (for metrics; owner's thread). */
  public int segmentCount() {
    return segments.size();
  }

  @Override
  public Recovered load() throws IOException {
    if (state != State.OPENED) {
      throw new IllegalStateException("load() is called once, first; storage in " + dir + " is " + state);
    }
    try {
      // A leftover temporary file is a replacement that never finished; the old meta file is intact.
      Files.deleteIfExists(dir.resolve(MetaFile.TEMP_NAME));
      meta = MetaFile.read(dir);
      Optional<StoredSnapshot> stored = snapshots.load();
      snapshot = stored.map(StoredSnapshot::meta).orElse(null);
      checkSnapshotTerm(stored);
      List<LogRecord> records = new ArrayList<>();
      segments.addAll(new WalRecovery(dir, options.repair()).recover(records));
      List<LogRecord> after = new SnapshotRecovery(dir, options.repair())
          .fit(Optional.ofNullable(snapshot), snapshots.setAsideAny(), records, segments);
      firstUnwritten = Math.max(0, segments.size() - 1);
      state = State.LOADED;
      return new Recovered(meta, stored, after);
    } catch (IOException | RuntimeException e) {
      throw fail(e);
    }
  }

  /**
   * Figure 2: {@code currentTerm} is at least every entry's term, and {@link #saveSnapshot} makes the
   * term durable before the snapshot, so a snapshot of a later term than the meta file's is damage.
   */
  private void checkSnapshotTerm(Optional<StoredSnapshot> stored) throws StorageCorruptException {
    if (stored.isPresent() && stored.get().meta().term() > meta.term()) {
      Path file = stored.get().file().orElseThrow();
      throw SnapshotFile.corrupt(file, 16, "has term " + stored.get().meta().term() + ", above the saved current "
          + "term " + meta.term() + " of " + dir.resolve(MetaFile.NAME) + ", which is always made durable first");
    }
  }

  @Override
  public void append(List<LogRecord> records) throws IOException {
    requireLoaded();
    validateAppend(records);
    try {
      for (LogRecord r : records) {
        int frame = WalFormat.frameBytes(r);
        Segment tail = segments.isEmpty() ? null : segments.getLast();
        if (tail == null || (tail.count > 0 && logicalBytes(tail) + frame > options.segmentBytes())) {
          tail = roll(r.index());
        }
        ensureBuffer(frame);
        tail.addRecord((int) logicalBytes(tail), r.term());
        WalFormat.putFrame(pending, r);
      }
    } catch (RuntimeException e) {
      throw fail(e);
    }
  }

  private void validateAppend(List<LogRecord> records) {
    if (records.isEmpty()) {
      return;
    }
    long next = !segments.isEmpty() ? segments.getLast().lastIndex() + 1
        : snapshot != null ? snapshot.index() + 1 : records.getFirst().index();
    long term = !segments.isEmpty() ? segments.getLast().lastTerm : snapshot != null ? snapshot.term() : 0;
    for (LogRecord r : records) {
      if (r.index() != next) {
        throw new IllegalArgumentException("append must continue the log at index " + next + ", got " + r.index());
      }
      if (r.term() < term) {
        throw new IllegalArgumentException("terms must not decrease: entry " + r.index() + " has term "
            + r.term() + " after term " + term);
      }
      next++;
      term = r.term();
    }
  }

  @Override
  public void truncateFrom(long index) throws IOException {
    truncateFrom(index, () -> { });
  }

  /** Writes everything buffered first (the simplest correct order), then cuts the files. */
  @Override
  public void truncateFrom(long index, Runnable beforeVisible) throws IOException {
    requireLoaded();
    Objects.requireNonNull(beforeVisible, "beforeVisible");
    long floor = snapshot == null ? 1 : snapshot.index() + 1;
    if (index < floor) {
      throw new IllegalArgumentException("index must be >= " + floor + (snapshot == null ? "" : " (the snapshot "
          + "holds committed entries up to " + snapshot.index() + ")") + ", was " + index);
    }
    try {
      publish(beforeVisible);
      // Delete from the last segment backwards, so a crash part-way leaves a contiguous log.
      while (!segments.isEmpty() && segments.getLast().base >= index) {
        Segment s = segments.removeLast();
        s.closeChannel();
        Files.delete(s.path);
        dirDirty = true;
      }
      firstUnwritten = Math.min(firstUnwritten, Math.max(0, segments.size() - 1));
      if (!segments.isEmpty() && segments.getLast().lastIndex() >= index) {
        segments.getLast().truncateBefore(index);
      }
      forceWritten();
    } catch (IOException | RuntimeException e) {
      throw fail(e);
    }
  }

  @Override
  public void saveSnapshot(SnapshotMeta newSnapshot, byte[] body) throws IOException {
    requireLoaded();
    Objects.requireNonNull(body, "body");
    if (snapshot != null && newSnapshot.index() <= snapshot.index()) {
      throw new IllegalArgumentException("a snapshot at index " + newSnapshot.index() + " is not newer than the one at "
          + snapshot.index());
    }
    try {
      publish(() -> { }); // what came before is durable first (Storage#saveSnapshot: term order, etcd #5664)
      forceWritten();
      boolean continues = SnapshotRecovery.holds(segments, newSnapshot.index(), newSnapshot.term());
      Path temp = SnapshotFile.writeTemp(dir, newSnapshot, body);
      crashPoint.reached("snapshot written to " + temp.getFileName());
      SnapshotFile.publish(temp, dir, newSnapshot.index());
      snapshot = newSnapshot;
      crashPoint.reached("snapshot renamed");
      compact(newSnapshot.index(), continues);
      snapshots.prune();
      crashPoint.reached("older snapshots deleted");
    } catch (IOException | RuntimeException e) {
      throw fail(e);
    }
  }

  /** {@link SnapshotRecovery#compact}: deletes the segments the snapshot made useless. */
  private void compact(long index, boolean continues) throws IOException {
    SnapshotRecovery.compact(dir, segments, index, continues, crashPoint);
    firstUnwritten = Math.max(0, segments.size() - 1);
  }

  /** The newest durable snapshot's metadata (owner's thread). */
  public Optional<SnapshotMeta> snapshot() {
    return Optional.ofNullable(snapshot);
  }

  /** The newest durable snapshot's file, which a leader streams to a follower that needs it (owner's thread). */
  public Optional<Path> snapshotFile() {
    return snapshot().flatMap(s -> snapshotFile(s.index()));
  }

  @Override
  public Optional<Path> snapshotFile(long index) {
    Path file = dir.resolve(SnapshotFile.name(index));
    return Files.exists(file) ? Optional.of(file) : Optional.empty();
  }

  @Override
  public void saveMeta(Meta newMeta) throws IOException {
    requireLoaded();
    Objects.requireNonNull(newMeta, "meta");
    if (!newMeta.equals(meta)) {
      meta = newMeta;
      metaDirty = true;
    }
  }

  @Override
  public void sync() throws IOException {
    sync(() -> { });
  }

  @Override
  public void sync(Runnable beforeVisible) throws IOException {
    requireLoaded();
    Objects.requireNonNull(beforeVisible, "beforeVisible");
    try {
      publish(beforeVisible);
      forceWritten();
    } catch (DiskFullException e) {
      throw e; // nothing half visible: the same sync can run again (DiskFullException)
    } catch (IOException | RuntimeException e) {
      throw fail(e);
    }
  }

  /**
   * The ordered part of a sync (class comment): the meta's slow, invisible half, the hook, then
   * every write a killed process would leave behind.
   */
  private void publish(Runnable beforeVisible) throws IOException {
    boolean newMeta = metaDirty;
    if (newMeta) {
      try {
        MetaFile.writeTemp(dir, meta);
      } catch (IOException e) {
        // the temporary file is invisible to recovery and rewritten whole by the next try
        throw DiskFullException.isNoSpace(e) ? new DiskFullException(dir.resolve(MetaFile.TEMP_NAME), e) : e;
      }
    }
    beforeVisible.run();
    if (newMeta) {
      MetaFile.replace(dir);
      metaDirty = false;
    }
    writeSegments();
  }

  private void forceWritten() throws IOException {
    for (Segment s : segments) {
      if (s.dirty) {
        // fdatasync also flushes the file size, which a later read of the data needs (fdatasync(2)).
        try {
          s.channel().force(false);
        } catch (IOException e) {
          throw new IOException(s.path + ": fsync failed: " + e.getMessage(), e);
        }
        s.dirty = false;
      }
    }
    if (dirDirty) {
      try {
        MetaFile.syncDirectory(dir);
      } catch (IOException e) {
        throw new IOException(dir + ": fsync of the directory failed: " + e.getMessage(), e);
      }
      dirDirty = false;
    }
  }

  @Override
  public void close() throws IOException {
    if (state == State.CLOSED) {
      return;
    }
    state = State.CLOSED;
    IOException first = null;
    for (Segment s : segments) {
      try {
        s.closeChannel();
      } catch (IOException e) {
        first = first == null ? e : first;
      }
    }
    lockChannel.close(); // releases the lock
    if (first != null) {
      throw first;
    }
  }

  /**
   * Starts a segment whose first record is {@code base}, in memory only: the full tail keeps its
   * unwritten bytes, and {@link #writeSegments} creates the new file after fsyncing the full one.
   */
  private Segment roll(long base) {
    if (!segments.isEmpty() && pending.position() > 0) {
      Segment full = segments.getLast();
      full.unwritten = ByteBuffer.allocate(pending.position()).put(pending.flip()).flip();
      resetPending();
    }
    Path path = dir.resolve(WalFormat.segmentName(base));
    Segment s = new Segment(base, path, new int[0], 0, segments.isEmpty() ? 0 : segments.getLast().lastTerm, 0);
    s.created = false;
    segments.add(s);
    WalFormat.putHeader(pending, base);
    return s;
  }

  private long logicalBytes(Segment tail) {
    return tail.fileBytes + pending.position();
  }

  /** Grows the buffer instead of writing it: an append must leave the files as they are. */
  private void ensureBuffer(int bytes) {
    if (pending.remaining() < bytes) {
      int capacity = (int) Math.min(Integer.MAX_VALUE - 8, Math.max(2L * pending.capacity(),
          (long) pending.position() + bytes));
      pending = ByteBuffer.allocate(capacity).put(pending.flip());
    }
  }

  private void resetPending() {
    if (pending.capacity() > BUFFER_BYTES) {
      pending = ByteBuffer.allocate(BUFFER_BYTES);
    } else {
      pending.clear();
    }
  }

  /**
   * Writes every buffered byte to its segment's page cache, in log order. A segment the log has
   * moved past is fsynced and closed before the next one is created (class comment).
   */
  private void writeSegments() throws IOException {
    for (int i = firstUnwritten; i < segments.size(); i++) {
      Segment s = segments.get(i);
      boolean tail = i == segments.size() - 1;
      ByteBuffer bytes = tail ? pending.flip() : s.unwritten;
      if (!s.created) {
        s.channel = FileChannel.open(s.path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
            StandardOpenOption.READ);
        s.created = true;
        dirDirty = true;
      }
      if (bytes != null && bytes.hasRemaining()) {
        FileChannel ch = s.channel();
        s.dirty = true;
        try {
          while (bytes.hasRemaining()) {
            int n = ch.write(bytes, s.fileBytes);
            s.fileBytes += n;
            bytesWritten += n;
          }
        } catch (IOException e) {
          if (!DiskFullException.isNoSpace(e)) {
            throw e;
          }
          // What was written stays (a torn tail only until the retry writes the rest after it: every
          // record keeps its offset); the rest waits in the buffer, which appends may extend.
          if (tail) {
            pending.compact();
          }
          throw new DiskFullException(s.path, e);
        }
      }
      if (tail) {
        resetPending();
      } else {
        s.unwritten = null;
        if (s.dirty) {
          s.channel().force(false);
          s.dirty = false;
        }
        s.closeChannel();
      }
    }
    firstUnwritten = Math.max(0, segments.size() - 1);
  }

  private void requireLoaded() throws IOException {
    switch (state) {
      case LOADED -> { }
      case OPENED -> throw new IllegalStateException("call load() before using storage in " + dir);
      case CLOSED -> throw new IllegalStateException("storage in " + dir + " is closed");
      case FAILED -> throw new IOException("storage in " + dir + " failed earlier and cannot be trusted; "
          + "close it and recover with a fresh open() and load()", failure);
    }
  }

  private IOException fail(Exception e) {
    state = State.FAILED;
    // a DiskFullException that poisons (in a truncation) must not read as retryable to the caller
    failure = e instanceof IOException io && !(e instanceof DiskFullException) ? io : new IOException(e.getMessage(), e);
    return failure;
  }

  // ---- hooks for the tests' FaultyStorage (impl/src/test), which simulates crashes over the same files ----

  /** A point inside {@link #saveSnapshot} where a crash leaves the files as they are at that moment. */
  interface CrashPoint {
    void reached(String what) throws IOException;
  }

  /** Calls {@code hook} at each point of {@link #saveSnapshot} where a crash would leave different files. */
  void crashPoints(CrashPoint hook) {
    crashPoint = Objects.requireNonNull(hook, "hook");
  }

  /**
   * Does what a sync does before its fsyncs (meta replaced, then the records written to the page
   * cache): the state of a process that crashes in the middle of a sync, since appends write nothing.
   */
  void writeBufferForCrashSimulation() throws IOException {
    if (state == State.LOADED) {
      publish(() -> { });
    }
  }

  /** Each segment's size including buffered bytes, in log order. */
  Map<Path, Long> logicalSizes() {
    Map<Path, Long> sizes = new LinkedHashMap<>();
    for (Segment s : segments) {
      long unwritten = s == segments.getLast() ? pending.position() : s.unwritten == null ? 0 : s.unwritten.remaining();
      sizes.put(s.path, s.fileBytes + unwritten);
    }
    return sizes;
  }
}
