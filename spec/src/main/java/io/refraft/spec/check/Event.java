package io.refraft.spec.check;

import io.refraft.spec.Message;
import io.refraft.spec.NodeId;
import io.refraft.spec.Payload;
import java.util.Objects;

/**
 * One step of the cluster model: something happens to one server, or the network misbehaves.
 * raft.tla's {@code Next} has the same alternatives.
 */
public sealed interface Event
    permits Event.Timeout, Event.Heartbeat, Event.Propose, Event.Read, Event.Crash, Event.Persist, Event.Deliver,
        Event.Drop, Event.Duplicate, Event.TakeSnapshot, Event.ChangeMembership, Event.Transfer {

  /** raft.tla Timeout (and, for a leader with check-quorum, its periodic check). */
  record Timeout(NodeId node) implements Event {
    public Timeout {
      Objects.requireNonNull(node, "node");
    }
  }

  /** raft.tla RequestVote(i, j) / AppendEntries(i, j): the send timer of {@code node} for {@code peer}. */
  record Heartbeat(NodeId node, NodeId peer) implements Event {
    public Heartbeat {
      Objects.requireNonNull(node, "node");
      Objects.requireNonNull(peer, "peer");
    }
  }

  /** raft.tla ClientRequest(i, v). */
  record Propose(NodeId node, Payload value) implements Event {
    public Propose {
      Objects.requireNonNull(node, "node");
      Objects.requireNonNull(value, "value");
    }
  }

  /**
   * A client's linearizable read reaches {@code node} (thesis §6.4; not in raft.tla). The model
   * numbers reads 1, 2, … in the order they arrive anywhere in the cluster.
   */
  record Read(NodeId node) implements Event {
    public Read {
      Objects.requireNonNull(node, "node");
    }
  }

  /** raft.tla Restart(i): the server crashes and recovers from its durable state. */
  record Crash(NodeId node) implements Event {
    public Crash {
      Objects.requireNonNull(node, "node");
    }
  }

  /**
   * {@code node}'s storage completes its oldest pending write, and the server learns of it
   * ({@link io.refraft.spec.Input.Persisted}). Not in raft.tla, where persistence is atomic with each step.
   */
  record Persist(NodeId node) implements Event {
    public Persist {
      Objects.requireNonNull(node, "node");
    }
  }

  /**
   * {@code node} compacts its log through everything it has applied (thesis §5.1; not in raft.tla):
   * {@link io.refraft.spec.Input.TakeSnapshot} at {@link io.refraft.spec.NodeState#applied()}.
   */
  record TakeSnapshot(NodeId node) implements Event {
    public TakeSnapshot {
      Objects.requireNonNull(node, "node");
    }
  }

  /** An operator asks {@code node} to append configuration {@code next} ({@link io.refraft.spec.Input.ChangeMembership}). */
  record ChangeMembership(NodeId node, io.refraft.spec.Membership next) implements Event {
    public ChangeMembership {
      Objects.requireNonNull(node, "node");
      Objects.requireNonNull(next, "next");
    }
  }

  /** An operator asks {@code node} to hand leadership to {@code target} ({@link io.refraft.spec.Input.TransferLeadership}). */
  record Transfer(NodeId node, NodeId target) implements Event {
    public Transfer {
      Objects.requireNonNull(node, "node");
      Objects.requireNonNull(target, "target");
    }
  }

  /** raft.tla Receive(m): one copy of {@code message} reaches its addressee. */
  record Deliver(Message message) implements Event {
    public Deliver {
      Objects.requireNonNull(message, "message");
    }
  }

  /** raft.tla DropMessage(m). */
  record Drop(Message message) implements Event {
    public Drop {
      Objects.requireNonNull(message, "message");
    }
  }

  /** raft.tla DuplicateMessage(m). */
  record Duplicate(Message message) implements Event {
    public Duplicate {
      Objects.requireNonNull(message, "message");
    }
  }
}
