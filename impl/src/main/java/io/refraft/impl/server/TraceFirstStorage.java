package io.refraft.impl.server;

import io.refraft.impl.node.TraceSink;
import io.refraft.impl.storage.LogRecord;
import io.refraft.impl.storage.Meta;
import io.refraft.impl.storage.Recovered;
import io.refraft.impl.storage.Storage;
import java.io.IOException;
import java.util.List;

/**
 * With tracing on: writes the turn's buffered trace lines ({@link TraceSink#endTurn}) just before
 * the storage's writes reach the operating system, i.e. before {@link #sync()} and
 * {@link #truncateFrom}, so that a process killed with SIGKILL never leaves a durable state ahead of
 * its trace.
 *
 * <p>Why: the driver writes a turn's lines after the turn's fsync. Data written to the page cache
 * survives a kill -9, and an fsync takes milliseconds, so a node killed during a busy leader's
 * fsync came back with an entry its trace never showed, and the trace validator reported its
 * restart as recovering state that nobody persisted (seen in {@code refraft test} runs: kill -9 of
 * a leader under load, "state.lastLogIndex: expected 745, observed 746" at the Restart step).
 * Written first, the trace is never behind the disk; the messages still leave only after the
 * fsync, so the persist-before-send order is unchanged. What remains: a kill between this write and
 * the storage's first write (microseconds), or while a new term or vote is being fsynced (it is
 * written before the log), leaves the trace one turn ahead of the disk, which the validator reports
 * as a restart that lost state; a machine crash loses the unsynced tails of both files.
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

  /** Buffered: reaches the OS at the next sync (or when the 1 MiB buffer spills, not covered here). */
  @Override
  public void append(List<LogRecord> records) throws IOException {
    storage.append(records);
  }

  @Override
  public void truncateFrom(long index) throws IOException {
    trace.endTurn();
    storage.truncateFrom(index);
  }

  @Override
  public void saveMeta(Meta meta) throws IOException {
    storage.saveMeta(meta);
  }

  @Override
  public void sync() throws IOException {
    trace.endTurn();
    storage.sync();
  }

  @Override
  public void close() throws IOException {
    storage.close();
  }
}
