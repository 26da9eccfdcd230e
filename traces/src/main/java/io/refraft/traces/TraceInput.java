package io.refraft.traces;

import io.refraft.spec.Input;
import io.refraft.spec.Membership;
import io.refraft.spec.NodeId;
import io.refraft.spec.Payload;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What a step consumed: the spec's {@link Input} as a trace records it. A received message carries
 * its id; a restart carries nothing, because what it recovers is what the trace showed as durable.
 */
public sealed interface TraceInput
    permits TraceInput.MessageReceived, TraceInput.ElectionTimeout, TraceInput.HeartbeatTimeout,
        TraceInput.ClientPropose, TraceInput.ReadIndexRequest, TraceInput.Restart, TraceInput.Persisted,
        TraceInput.TakeSnapshot, TraceInput.ChangeMembership, TraceInput.TransferLeadership {

  /** The tag written as {@code input.type}. */
  String type();

  /** A message arrived. */
  record MessageReceived(TracedMessage message) implements TraceInput {
    public MessageReceived {
      Objects.requireNonNull(message, "message");
    }

    @Override
    public String type() {
      return "MessageReceived";
    }
  }

  /** The election timer fired. */
  record ElectionTimeout() implements TraceInput {
    @Override
    public String type() {
      return "ElectionTimeout";
    }
  }

  /** The send timer fired, for one peer or (empty) for all. */
  record HeartbeatTimeout(Optional<NodeId> peer) implements TraceInput {
    public HeartbeatTimeout {
      Objects.requireNonNull(peer, "peer");
    }

    @Override
    public String type() {
      return "HeartbeatTimeout";
    }
  }

  /** Clients proposed commands. */
  record ClientPropose(List<Payload> payloads) implements TraceInput {
    public ClientPropose {
      payloads = List.copyOf(payloads);
      if (payloads.isEmpty()) {
        throw new IllegalArgumentException("a proposal needs at least one payload");
      }
    }

    @Override
    public String type() {
      return "ClientPropose";
    }
  }

  /** A client asked for a linearizable read (thesis §6.4); {@code requestId} is the implementation's. */
  record ReadIndexRequest(long requestId) implements TraceInput {
    @Override
    public String type() {
      return "ReadIndexRequest";
    }
  }

  /** The node crashed and recovered from its durable state. */
  record Restart() implements TraceInput {
    @Override
    public String type() {
      return "Restart";
    }
  }

  /**
   * Storage made the node's writes durable up to this point (persistence {@code async}, revision 3): the durable term and vote, and the log through {@code lastIndex}, whose entry
   * there is of {@code lastTerm} (0 and 0 for an empty log).
   */
  record Persisted(long term, Optional<NodeId> vote, long lastIndex, long lastTerm) implements TraceInput {
    public Persisted {
      Objects.requireNonNull(vote, "vote");
      if (term < 0 || lastIndex < 0 || lastTerm < 0) {
        throw new IllegalArgumentException("a Persisted input needs term, lastIndex and lastTerm >= 0");
      }
      if ((lastIndex == 0) != (lastTerm == 0)) {
        throw new IllegalArgumentException("a Persisted input's lastTerm is 0 exactly when its lastIndex is 0, got "
            + lastIndex + " and " + lastTerm);
      }
    }

    @Override
    public String type() {
      return "Persisted";
    }

    /** The spec's input. */
    public Input.Persisted toInput() {
      return new Input.Persisted(term, vote, lastIndex, lastTerm);
    }
  }

  /** The node compacted its log through {@code index}, which its state machine had applied (revision 5). */
  record TakeSnapshot(long index) implements TraceInput {
    public TakeSnapshot {
      if (index < 1) {
        throw new IllegalArgumentException("a TakeSnapshot input's index must be >= 1, got " + index);
      }
    }

    @Override
    public String type() {
      return "TakeSnapshot";
    }
  }

  /** An operator asked the node to append {@code next} as the cluster's configuration (revision 6, thesis chapter 4). */
  record ChangeMembership(Membership next) implements TraceInput {
    public ChangeMembership {
      Objects.requireNonNull(next, "next");
    }

    @Override
    public String type() {
      return "ChangeMembership";
    }
  }

  /** An operator asked the node to hand leadership to {@code target} (revision 6, thesis §3.10). */
  record TransferLeadership(NodeId target) implements TraceInput {
    public TransferLeadership {
      Objects.requireNonNull(target, "target");
    }

    @Override
    public String type() {
      return "TransferLeadership";
    }
  }

  /** The trace input for a spec input (a restart's recovered state is not part of the trace). */
  static TraceInput of(Input in, TracedMessage received) {
    return switch (in) {
      case Input.MessageReceived m -> new MessageReceived(Objects.requireNonNull(received, "received"));
      case Input.ElectionTimeout t -> new ElectionTimeout();
      case Input.HeartbeatTimeout h -> new HeartbeatTimeout(h.peer());
      case Input.ClientPropose p -> new ClientPropose(p.payloads());
      case Input.ReadIndexRequest r -> new ReadIndexRequest(r.requestId());
      case Input.Restart r -> new Restart();
      case Input.Persisted p -> new Persisted(p.term(), p.votedFor(), p.lastIndex(), p.lastTerm());
      case Input.TakeSnapshot t -> new TakeSnapshot(t.index());
      case Input.ChangeMembership c -> new ChangeMembership(c.next());
      case Input.TransferLeadership t -> new TransferLeadership(t.target());
    };
  }
}
