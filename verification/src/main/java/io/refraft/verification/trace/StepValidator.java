package io.refraft.verification.trace;

import io.refraft.spec.NodeId;
import io.refraft.traces.TraceHeader;
import io.refraft.traces.TraceStep;
import java.util.Optional;

/**
 * Validates the steps of one run as they are produced, without writing and reading them back: for
 * a producer that holds the {@link TraceStep}s it writes (the simulator), in an order where every
 * receive follows its send (the order the producer ran them in). The checks are those of
 * {@link TraceValidator#validateRun} after decoding; what is skipped is only the round trip through
 * the text, which the reader's and writer's own tests cover.
 *
 * <p>After the first divergence further steps are ignored; {@link #finish} gives the verdict.
 */
public final class StepValidator {
  private final Replayer replayer;
  private Optional<Divergence> divergence = Optional.empty();
  private NodeId lastNode;
  private long lastSeq;
  private String lastFile;
  private long lastLine;

  /** @param header the run's header (without a node: the steps of every node come here) */
  public StepValidator(TraceHeader header, TraceValidator.Options options) {
    this.replayer = new Replayer(header, options);
  }

  /**
   * Validates step {@code s}, which is on line {@code line} of {@code file} (named in a divergence).
   * False once a divergence was found (this step's or an earlier one).
   */
  public boolean step(String file, long line, TraceStep s) {
    if (divergence.isPresent()) {
      return false;
    }
    divergence = replayer.step(file, line, s);
    lastFile = file;
    lastLine = line;
    lastNode = s.node();
    lastSeq = s.seq();
    return divergence.isEmpty();
  }

  /** The verdict; without a divergence so far, the spec's invariants run once more on the final cluster. */
  public ValidationResult finish() {
    if (divergence.isEmpty() && lastNode != null) {
      divergence = replayer.finish(lastFile, lastLine, lastNode, lastSeq);
    }
    return replayer.result(divergence);
  }
}
