package io.refraft.verification.trace;

import io.refraft.spec.Input;
import io.refraft.spec.NodeId;
import io.refraft.spec.NodeState;
import io.refraft.spec.Transition;
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
    return step(file, line, s, null);
  }

  /**
   * Validates step {@code s} like {@link #step(String, long, TraceStep)}, where the producer also
   * hands over the spec step it took: from state {@code w.before()} on input {@code w.input()} it
   * got {@code w.transition()}. When that state is the very object the validator holds for the
   * node and the input is the one the trace names, the validator takes the transition instead of
   * computing {@code Raft.step} again: the function is pure, so it would get an equal one. Anything
   * else (a restart, a producer that changed its state outside the spec, another input) is replayed
   * as from a file, and every other check (the step against the trace, messages in flight, the
   * cluster's invariants) runs either way.
   */
  public boolean step(String file, long line, TraceStep s, Witness w) {
    if (divergence.isPresent()) {
      return false;
    }
    divergence = replayer.step(file, line, s, w);
    lastFile = file;
    lastLine = line;
    lastNode = s.node();
    lastSeq = s.seq();
    return divergence.isEmpty();
  }

  /** Whether a step diverged from the spec (the steps after it were ignored). */
  public boolean diverged() {
    return divergence.isPresent();
  }

  /** How many times the spec's invariants swept the whole reconstructed cluster so far. */
  public long fullChecks() {
    return replayer.fullChecks();
  }

  /** How many steps restarts rolled back so far because a crash lost them unobserved (FORMAT §5.4). */
  public long lostSteps() {
    return replayer.lostSteps();
  }

  /** How many steps took the producer's transition (see {@link #step(String, long, TraceStep, Witness)}). */
  long witnessed() {
    return replayer.witnessed();
  }

  /** The spec step a producer took: {@code Raft.step(before, input) == transition}. */
  public record Witness(NodeState before, Input input, Transition transition) {}

  /** The verdict; without a divergence so far, the spec's invariants run once more on the final cluster. */
  public ValidationResult finish() {
    if (divergence.isEmpty() && lastNode != null) {
      divergence = replayer.finish(lastFile, lastLine, lastNode, lastSeq);
    }
    return replayer.result(divergence);
  }
}
