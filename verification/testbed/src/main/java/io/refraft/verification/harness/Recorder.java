package io.refraft.verification.harness;

import io.refraft.verification.history.History;
import io.refraft.verification.history.Keyword;
import io.refraft.verification.history.Op;
import java.util.ArrayList;
import java.util.List;

/**
 * Records a Jepsen history while clients and the nemesis run: every op gets the next index and a
 * time in nanoseconds since {@link #Recorder(long) the run's start} from the monotonic clock
 * ({@link System#nanoTime()}), so times order events as they happened on this machine, unlike wall
 * clock time, which NTP may step.
 *
 * <p>An invocation is recorded before its request leaves and a completion after its answer
 * arrives, so the real-time order Elle and the linearizability checker read off the history is
 * implied by what happened, never stronger.
 */
public final class Recorder {
  /** The process of nemesis ops, as in Jepsen. */
  public static final Keyword NEMESIS = Keyword.of("nemesis");

  private final long startNanos;
  private final List<Op> ops = new ArrayList<>();

  /** @param startNanos the {@link System#nanoTime()} at which the run started (time 0) */
  public Recorder(long startNanos) {
    this.startNanos = startNanos;
  }

  public long startNanos() {
    return startNanos;
  }

  /** Nanoseconds since the start. */
  public long now() {
    return Math.max(0, System.nanoTime() - startNanos);
  }

  /** Appends an op timed now; returns it. */
  public synchronized Op record(Op.Type type, Object process, Keyword f, Object value, Object error) {
    Op op = new Op(ops.size(), type, process, f, value, now(), error);
    ops.add(op);
    return op;
  }

  public Op invoke(long process, Keyword f, Object value) {
    return record(Op.Type.INVOKE, process, f, value, null);
  }

  public Op complete(long process, Op.Type type, Keyword f, Object value, Object error) {
    if (type == Op.Type.INVOKE) {
      throw new IllegalArgumentException("a completion is ok, fail or info");
    }
    return record(type, process, f, value, error);
  }

  /** A nemesis event: Jepsen records these as {@code :info} ops of process {@code :nemesis}. */
  public Op nemesis(Keyword f, Object value) {
    return record(Op.Type.INFO, NEMESIS, f, value, null);
  }

  public synchronized History history() {
    return History.of(ops);
  }
}
