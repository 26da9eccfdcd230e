package io.refraft.traces;

import java.io.IOException;

/**
 * Where a node's steps go when tracing is on (DESIGN §4): typically a {@link TraceWriter} on the
 * node's per-node file. Called from the node's one state-owning thread, after the step's persists
 * are durable and before its sends leave.
 */
public interface TraceSink extends AutoCloseable {
  void step(TraceStep step) throws IOException;

  @Override
  void close() throws IOException;

  /** A sink over a writer whose header is already written. */
  static TraceSink of(TraceWriter w) {
    return new TraceSink() {
      @Override
      public void step(TraceStep step) throws IOException {
        w.step(step);
      }

      @Override
      public void close() throws IOException {
        w.close();
      }
    };
  }
}
