package io.refraft.traces;

import io.refraft.spec.NodeId;
import io.refraft.spec.Output;
import java.util.Objects;
import java.util.Optional;

/**
 * How a step answered a client's read (FORMAT.md §5.5): the spec's {@link Output.ReadReady} or
 * {@link Output.ReadRejected}. The request id is the implementation's, echoed from the
 * {@code ReadIndexRequest} input that asked.
 */
public sealed interface ReadAnswer permits ReadAnswer.Served, ReadAnswer.Rejected {

  long requestId();

  /** The tag written as {@code result}. */
  String result();

  /** The read may be served once the state machine has applied {@code readIndex} (thesis §6.4, step 4). */
  record Served(long requestId, long readIndex) implements ReadAnswer {
    public Served {
      if (readIndex < 1) {
        throw new IllegalArgumentException("readIndex must be >= 1, got " + readIndex);
      }
    }

    @Override
    public String result() {
      return "Served";
    }
  }

  /**
   * The read was refused: the node is not (or no longer) the leader.
   *
   * @param leader         the leader the node named to retry at, if any
   * @param leaderReported false when the trace omits {@code leader}; then it is not compared
   */
  record Rejected(long requestId, Optional<NodeId> leader, boolean leaderReported) implements ReadAnswer {
    public Rejected {
      Objects.requireNonNull(leader, "leader");
      if (!leaderReported && leader.isPresent()) {
        throw new IllegalArgumentException("a leader that is not reported must be empty");
      }
    }

    @Override
    public String result() {
      return "Rejected";
    }
  }

  /** The answer an output gives, or empty for any other output. */
  public static Optional<ReadAnswer> of(Output o) {
    return switch (o) {
      case Output.ReadReady r -> Optional.of(new Served(r.requestId(), r.readIndex()));
      case Output.ReadRejected r -> Optional.of(new Rejected(r.requestId(), r.leader(), true));
      default -> Optional.empty();
    };
  }
}
