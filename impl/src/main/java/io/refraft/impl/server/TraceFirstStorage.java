package io.refraft.impl.server;

import io.refraft.impl.node.TraceSink;
import io.refraft.impl.storage.LogRecord;
import io.refraft.impl.storage.Meta;
import io.refraft.impl.storage.Recovered;
import io.refraft.impl.storage.Storage;
import java.io.IOException;
import java.util.List;

/**
 * With tracing on: writes the turn's buffered trace lines ({@link TraceSink#endTurn}) at the
 * storage's {@code beforeVisible} point of every {@link #sync()} and {@link #truncateFrom}
 * ({@link Storage#sync(Runnable)}), so that a process killed with SIGKILL leaves neither a durable
 * state ahead of its trace nor, but for microseconds, its trace ahead of the disk.
 *
 * <p>Why: data written to the page cache survives a kill -9, and the trace validator compares a
 * restarted node's recovered state with the last state its trace showed durable, so both
 * directions fail a run. Written after the turn's fsync, the trace lagged the disk: "state.lastLogIndex:
 * expected 745, observed 746" at the Restart step of a leader killed during an fsync. Written before
 * the whole sync, it led the disk while a new term or vote was fsynced to the meta temporary file
 * (milliseconds), and a node killed then recovered the old term. A {@code FileStorage} runs the hook
 * after that fsync and immediately before its first visible write (the meta rename, or the records'
 * write), and its appends touch no file. The messages still leave only after the turn's fsync, so
 * the persist-before-send order is unchanged.
 *
 * <p>What remains, each a kill -9 in a window after the trace write, leaving the trace one turn
 * ahead (a restart that lost state; which of these the validator tolerates is said below): the
 * write syscalls themselves (microseconds); in a sync that carries both a new term or vote and
 * records (a follower's first entries from a new leader), the rest of the meta rename (ext4 may
 * flush in it) and the directory fsync that makes the term durable before any record is written
 * (milliseconds, kept for the term order of {@link Storage}); in a sync whose records fill a
 * segment, that segment's fsync before the next is created (once per segment, 64 MiB by default); a
 * truncation, durable at once in the middle of a turn, until the turn's sync writes the entries the
 * same step appended (a follower dropping a conflicting suffix). A machine crash loses the unsynced
 * tails of both files (the trace is not fsynced).
 *
 * <p>The windows still exist; a kill in one no longer fails validation when it leaves the disk as
 * it was after an earlier step of the node: the trace validator then accepts the restart, rolls
 * the later steps back as lost and counts them (traces/FORMAT.md §5.4), provided nothing observed
 * them, that is none of their messages was received (none can have been: they leave after the
 * turn's fsync) and none answered a read (served or rejected: the validator does not tell them
 * apart, though only a rejection goes out before the turn's end). That covers a kill
 * before the first visible write, and a kill between the meta rename and the records, when the new
 * term or vote and the records come from different steps of the turn and also when they come from
 * one step (the follower's first entries from a new leader above): a new term with no vote and the
 * old log is accepted as raft.tla's UpdateTerm followed by a crash. A kill that leaves the disk
 * elsewhere in one step still fails: a truncation without the same step's appends, records cut
 * within one step's.
 */
final class TraceFirstStorage implements Storage {
  private final Storage storage;
  private final TraceSink trace;

  TraceFirstStorage(Storage storage, TraceSink trace) {
    this.storage = storage;
    this.trace = trace;
  }

  @Override
  public Recovered load() throws IOException {
    return storage.load();
  }

  /** Buffered: a {@code FileStorage} writes nothing before the next sync or truncation. */
  @Override
  public void append(List<LogRecord> records) throws IOException {
    storage.append(records);
  }

  @Override
  public void truncateFrom(long index) throws IOException {
    storage.truncateFrom(index, trace::endTurn);
  }

  @Override
  public void truncateFrom(long index, Runnable beforeVisible) throws IOException {
    storage.truncateFrom(index, () -> {
      trace.endTurn();
      beforeVisible.run();
    });
  }

  @Override
  public void saveMeta(Meta meta) throws IOException {
    storage.saveMeta(meta);
  }

  @Override
  public void sync() throws IOException {
    storage.sync(trace::endTurn);
  }

  @Override
  public void sync(Runnable beforeVisible) throws IOException {
    storage.sync(() -> {
      trace.endTurn();
      beforeVisible.run();
    });
  }

  @Override
  public void close() throws IOException {
    storage.close();
  }
}
