package io.refraft.verification.trace;

import io.refraft.traces.TraceFormatException;
import io.refraft.traces.TraceHeader;
import io.refraft.traces.TraceInput;
import io.refraft.traces.TraceReader;
import io.refraft.traces.TraceStep;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Validates traces (traces/FORMAT.md) against the spec: a self-contained trace file, or the
 * per-node files of one run, merged so that every receive follows its send. Streaming: memory
 * holds the nodes' states and a bounded window of in-flight messages, never the trace.
 *
 * <p>Malformed input is a {@link TraceFormatException} (file:line: reason); a trace that follows
 * the format but not the protocol is a {@link ValidationResult} with its first {@link Divergence}.
 */
public final class TraceValidator {
  /** Files this large are decoded on several threads (a chunk is 1 MiB). */
  private static final long PARALLEL_FROM_BYTES = 4L << 20;
  /**
   * Steps a restart may lose by default. A node killed inside the window between writing a turn's
   * trace lines and its storage writes reaching the OS loses that turn, one step or a few (a turn
   * is the inputs a node took together); 64 is far more than a turn holds, and small enough that
   * the per-node memory of the last steps (a state and a step reference each) stays negligible.
   */
  public static final int DEFAULT_LOST_STEPS = 64;
  /** The largest bound accepted: the memory is this many steps per node. */
  public static final int MAX_LOST_STEPS = 1 << 16;

  private final Options options;
  private final StepObserver observer;

  public TraceValidator(Options options) {
    this(options, null);
  }

  /** A validator that shows {@code observer} every step it takes (null: none). */
  public TraceValidator(Options options, StepObserver observer) {
    this.options = options;
    this.observer = observer;
  }

  private Replayer replayer(TraceHeader header) {
    Replayer rep = new Replayer(header, options);
    rep.observe(observer);
    return rep;
  }

  /**
   * @param maxCompose longest composition of spec steps one observed step may stand for (1 = none)
   * @param retention  messages remembered as in flight at most (the oldest are forgotten)
   * @param context    steps before a divergence shown in its report
   * @param maxLostSteps most steps of a node's current incarnation that a {@code Restart} may lose
   *                   (traces/FORMAT.md §5.4: a crash may lose the last steps if nothing they did was
   *                   observed); 0 = a restart must recover the durable state of the last step
   */
  public record Options(int maxCompose, int retention, int context, int maxLostSteps) {
    public Options {
      if (maxCompose < 1 || maxCompose > 6) {
        throw new IllegalArgumentException("--max-compose must be in 1..6, got " + maxCompose);
      }
      if (retention < 1) {
        throw new IllegalArgumentException("retention must be >= 1, got " + retention);
      }
      if (context < 0) {
        throw new IllegalArgumentException("context must be >= 0, got " + context);
      }
      if (maxLostSteps < 0 || maxLostSteps > MAX_LOST_STEPS) {
        throw new IllegalArgumentException("--max-lost-steps must be in 0.." + MAX_LOST_STEPS + ", got " + maxLostSteps);
      }
    }


    public static Options defaults() {
      return new Options(3, 1 << 17, 5, DEFAULT_LOST_STEPS);
    }

    public Options withMaxCompose(int k) {
      return new Options(k, retention, context, maxLostSteps);
    }

    public Options withMaxLostSteps(int k) {
      return new Options(maxCompose, retention, context, k);
    }
  }

  /** Validates one self-contained trace file. */
  public ValidationResult validateFile(Path file) throws IOException, TraceFormatException {
    if (Files.size(file) >= PARALLEL_FROM_BYTES && Runtime.getRuntime().availableProcessors() > 1) {
      return validateInChunks(file, Runtime.getRuntime().availableProcessors(), ParallelDecode.CHUNK);
    }
    try (TraceReader r = TraceReader.open(file)) {
      selfContained(file, r.header());
      return validate(r);
    }
  }

  /** {@link #validateFile} decoding on {@code threads} threads in chunks of about {@code chunk} bytes, whatever the size. */
  ValidationResult validateInChunks(Path file, int threads, int chunk) throws IOException, TraceFormatException {
    try (ParallelDecode r = new ParallelDecode(file, threads, chunk)) {
      selfContained(file, r.header());
      return validate(r.header(), r);
    }
  }

  private static void selfContained(Path file, TraceHeader h) throws TraceFormatException {
    if (h.node().isPresent()) {
      throw new TraceFormatException(file.toString(), 1, "this is the per-node file of " + h.node().get()
          + ": validate the run's files together (refraft verify-trace --run DIR)");
    }
  }

  /** Validates a self-contained trace from a reader positioned after its header. */
  public ValidationResult validate(TraceReader reader) throws IOException, TraceFormatException {
    try (Prefetch r = new Prefetch(reader)) {
      return validate(reader.header(), r);
    }
  }

  private ValidationResult validate(TraceHeader header, StepStream r) throws IOException, TraceFormatException {
    Replayer rep = replayer(header);
    TraceStep last = null;
    long lastLine = 0;
    for (TraceStep s = r.next(); s != null; s = r.next()) {
      Optional<Divergence> d = rep.step(r.file(), r.line(), s);
      if (d.isPresent()) {
        rep.diverged(r.file(), r.line(), s);
        return rep.result(d);
      }
      last = s;
      lastLine = r.line();
    }
    return rep.result(last == null ? Optional.empty() : rep.finish(r.file(), lastLine, last.node(), last.seq()));
  }

  /**
   * Validates the per-node files of one run. Headers must agree (nodes, config, network,
   * persistence) and name distinct nodes. Steps are taken in a causal order: at each point, of the
   * files whose next step can be taken (not a receive of a message yet unsent), the one whose step
   * has the smallest time, the first such file on ties or when times are absent. When no file's
   * next step can be taken, the first blocked receive is the divergence.
   */
  public ValidationResult validateRun(List<Path> files) throws IOException, TraceFormatException {
    if (files.isEmpty()) {
      throw new IllegalArgumentException("a run needs at least one file");
    }
    List<TraceReader> readers = new ArrayList<>();
    List<Prefetch> prefetched = new ArrayList<>();
    try {
      for (Path f : files) {
        readers.add(TraceReader.open(f));
      }
      TraceHeader h = checkHeaders(readers);
      for (TraceReader r : readers) {
        prefetched.add(new Prefetch(r));
      }
      return merge(prefetched, replayer(h));
    } finally {
      for (Prefetch p : prefetched) {
        p.close();
      }
      for (TraceReader r : readers) {
        r.close();
      }
    }
  }

  private static TraceHeader checkHeaders(List<TraceReader> readers) throws TraceFormatException {
    TraceHeader first = readers.get(0).header();
    List<io.refraft.spec.NodeId> seen = new ArrayList<>();
    for (TraceReader r : readers) {
      TraceHeader h = r.header();
      if (h.node().isEmpty()) {
        throw new TraceFormatException(r.file(), 1, "a run's files are per-node files: the header needs 'node'");
      }
      if (seen.contains(h.node().get())) {
        throw new TraceFormatException(r.file(), 1, "a second file for node " + h.node().get());
      }
      seen.add(h.node().get());
      if (!h.config().equals(first.config()) || !h.network().equals(first.network())
          || h.persistence() != first.persistence() || !h.joining().equals(first.joining())) {
        throw new TraceFormatException(r.file(), 1, "header disagrees with " + readers.get(0).file()
            + " on nodes, joining, config, network or persistence");
      }
    }
    return first;
  }

  private static ValidationResult merge(List<Prefetch> readers, Replayer rep)
      throws IOException, TraceFormatException {
    int n = readers.size();
    TraceStep[] head = new TraceStep[n];
    long[] line = new long[n];
    for (int k = 0; k < n; k++) {
      head[k] = readers.get(k).next();
      line[k] = readers.get(k).line();
    }
    int lastTaken = -1;
    TraceStep lastStep = null;
    while (true) {
      int pick = pick(head, rep);
      if (pick < 0) {
        break;
      }
      Optional<Divergence> d = rep.step(readers.get(pick).file(), line[pick], head[pick]);
      if (d.isPresent()) {
        rep.diverged(readers.get(pick).file(), line[pick], head[pick]);
        return rep.result(d);
      }
      lastTaken = pick;
      lastStep = head[pick];
      head[pick] = readers.get(pick).next();
      line[pick] = readers.get(pick).line();
    }
    if (lastStep == null) {
      return rep.result(Optional.empty());
    }
    return rep.result(rep.finish(readers.get(lastTaken).file(), line[lastTaken], lastStep.node(), lastStep.seq()));
  }

  /** The file to take a step from next, or -1 when all are done. */
  private static int pick(TraceStep[] head, Replayer rep) {
    int best = -1;
    int firstBlocked = -1;
    for (int k = 0; k < head.length; k++) {
      TraceStep s = head[k];
      if (s == null) {
        continue;
      }
      boolean ready = !(s.input() instanceof TraceInput.MessageReceived r) || rep.inFlight(r.message().id());
      if (!ready) {
        firstBlocked = firstBlocked < 0 ? k : firstBlocked;
        continue;
      }
      if (best < 0 || earlier(s, head[best])) {
        best = k;
      }
    }
    return best >= 0 ? best : firstBlocked;
  }

  private static boolean earlier(TraceStep a, TraceStep b) {
    return a.time().isPresent() && b.time().isPresent() && a.time().getAsLong() < b.time().getAsLong();
  }
}
