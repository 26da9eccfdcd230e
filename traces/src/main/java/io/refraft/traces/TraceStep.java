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
 */
public record TraceStep(NodeId node, long seq, OptionalLong time, TraceInput input, Optional<List<Action>> actions,
    StateSummary state, Optional<Persisted> persisted, List<TracedMessage> sent) {

  public TraceStep {
    Objects.requireNonNull(node, "node");
    Objects.requireNonNull(time, "time");
    Objects.requireNonNull(input, "input");
    Objects.requireNonNull(actions, "actions");
    actions = actions.map(List::copyOf);
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(persisted, "persisted");
    sent = List.copyOf(sent);
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
}
