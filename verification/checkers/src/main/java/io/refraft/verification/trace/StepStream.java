package io.refraft.verification.trace;

import io.refraft.traces.TraceFormatException;
import io.refraft.traces.TraceStep;
import java.io.IOException;

/** Steps of one trace file in file order, decoded ahead of the replay. */
sealed interface StepStream extends AutoCloseable permits Prefetch, ParallelDecode {
  String file();

  /** The line of the step {@link #next} returned last. */
  long line();

  /** The next step, or null at the end; a read error surfaces after the steps before it. */
  TraceStep next() throws IOException, TraceFormatException;

  @Override
  void close() throws IOException;
}
