package io.refraft.traces;

import io.refraft.spec.Action;
import io.refraft.spec.NodeId;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * One step of one node (FORMAT.md §5): the input it consumed, the spec actions it took (optional
 * for implementations that do not name them), its state afterwards, what it made durable and the
 * messages it sent, each with its id.
 *
 * <p>Invariants: (1) {@code seq >= 1}; (2) every sent message is from {@code node}; (3) a received
 * message is addressed to {@code node}.
 *
 * @param time      informational clock reading (any unit), absent when not recorded
 * @param persisted empty when the trace's persistence is implicit (FORMAT.md §3)
 * @param reads     the reads the step answered, in the order answered (FORMAT.md §5.5)
 * @param applied   the highest log index the step applied to the state machine, when it applied
 *     any and the trace reports it (FORMAT.md §5); empty otherwise
 */
public record TraceStep(NodeId node, long seq, OptionalLong time, TraceInput input, Optional<List<Action>> actions,
    StateSummary state, Optional<Persisted> persisted, List<TracedMessage> sent, List<ReadAnswer> reads,
    OptionalLong applied) {

  public TraceStep {
    Objects.requireNonNull(node, "node");
    Objects.requireNonNull(time, "time");
    Objects.requireNonNull(input, "input");
    Objects.requireNonNull(actions, "actions");
    actions = actions.map(List::copyOf);
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(persisted, "persisted");
    Objects.requireNonNull(applied, "applied");
    if (applied.isPresent() && applied.getAsLong() < 1) {
      throw new IllegalArgumentException("applied must be >= 1, got " + applied.getAsLong());
    }
    sent = List.copyOf(sent);
    reads = List.copyOf(reads);
    if (seq < 1) {
      throw new IllegalArgumentException("seq must be >= 1, got " + seq);
    }
    for (TracedMessage m : sent) {
      if (!m.message().from().equals(node)) {
        throw new IllegalArgumentException("node " + node + " sent message " + m.id() + " from " + m.message().from());
      }
    }
    if (input instanceof TraceInput.MessageReceived(TracedMessage m) && !m.message().to().equals(node)) {
      throw new IllegalArgumentException("node " + node + " received message " + m.id() + " addressed to "
          + m.message().to());
    }
  }

  /** A step that does not report what it applied. */
  public TraceStep(NodeId node, long seq, OptionalLong time, TraceInput input, Optional<List<Action>> actions,
      StateSummary state, Optional<Persisted> persisted, List<TracedMessage> sent, List<ReadAnswer> reads) {
    this(node, seq, time, input, actions, state, persisted, sent, reads, OptionalLong.empty());
  }

  /** A step that answered no read. */
  public TraceStep(NodeId node, long seq, OptionalLong time, TraceInput input, Optional<List<Action>> actions,
      StateSummary state, Optional<Persisted> persisted, List<TracedMessage> sent) {
    this(node, seq, time, input, actions, state, persisted, sent, List.of());
  }
}
