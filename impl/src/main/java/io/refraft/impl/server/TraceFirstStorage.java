package io.refraft.impl.server;

import io.refraft.impl.node.TraceSink;
import io.refraft.impl.storage.ForwardingStorage;
import io.refraft.impl.storage.SnapshotMeta;
import io.refraft.impl.storage.Storage;
import java.io.IOException;

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
 * write), and its appends touch no file. What may leave before the fsync is the spec's decision
 * (the driver writes the lines of those steps first, {@code TurnOutputs.sendReleased}); this hook
 * changes no send.
 *
 * <p>What remains, each a kill -9 in a window after the trace write, leaves the disk short of what
 * the trace shows written: the write syscalls themselves (microseconds); in a sync that carries both
 * a new term or vote and records, the rest of the meta rename and the directory fsync that makes the
 * term durable before any record is written (milliseconds); in a sync whose records fill a segment,
 * that segment's fsync before the next is created; a truncation, durable at once, until the turn's
 * sync writes the entries the same step appended. The node's traces have asynchronous persistence
 * (traces/FORMAT.md §5.4), so each of these is a crash that lost writes no {@code Persisted} step
 * had confirmed, which the validator accepts. A machine crash loses the unsynced tails of both files
 * (the trace is not fsynced).
 */
final class TraceFirstStorage extends ForwardingStorage {
  private final TraceSink trace;

  /** Appends and term/vote changes pass on as they are: a {@code FileStorage} writes nothing before the next sync or truncation. */
  TraceFirstStorage(Storage storage, TraceSink trace) {
    super(storage);
    this.trace = trace;
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
  public void sync() throws IOException {
    storage.sync(trace::endTurn);
  }

  /**
   * The turn's lines first, then the snapshot (which syncs what came before it): a snapshot has no
   * later point to run the hook at, and writing the trace before every change is always allowed.
   */
  @Override
  public void saveSnapshot(SnapshotMeta meta, byte[] body) throws IOException {
    trace.endTurn();
    storage.saveSnapshot(meta, body);
  }

  @Override
  public void sync(Runnable beforeVisible) throws IOException {
    storage.sync(() -> {
      trace.endTurn();
      beforeVisible.run();
    });
  }
}
