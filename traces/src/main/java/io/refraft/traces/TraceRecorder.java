package io.refraft.traces;

import io.refraft.spec.Config;
import io.refraft.spec.DurableState;
import io.refraft.spec.Entry;
import io.refraft.spec.Input;
import io.refraft.spec.Log;
import io.refraft.spec.Message;
import io.refraft.spec.NodeId;
import io.refraft.spec.NodeState;
import io.refraft.spec.Output;
import io.refraft.spec.Transition;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Turns steps of the spec into trace steps, the one place that does ({@link #step}, which a node's
 * trace sink calls with the ids it numbered itself, and {@link #record}, which numbers them here):
 * numbers each node's steps, gives every sent message an id {@code from/to/n} (one counter per
 * sender) and remembers the ids of messages in flight so that a later delivery of the same message
 * names the id it was sent with.
 *
 * <p>What a step persisted is derived from the durable state before and after it, not from the
 * transition's outputs, so a deliberately broken step function (a mutant that replaces the next
 * state) is recorded as what it did. A restart persists nothing: it starts from what was durable.
 *
 * <p>Not thread-safe. Messages dropped by the network stay remembered until {@link #drop}.
 */
public final class TraceRecorder {
  private final Map<NodeId, Long> stepSeq = new HashMap<>();
  private final Map<NodeId, Long> sendSeq = new HashMap<>();
  private final Map<Message, ArrayDeque<MessageId>> inFlight = new HashMap<>();

  public TraceRecorder(Config config) {
    for (NodeId id : config.members()) {
      stepSeq.put(id, 0L);
      sendSeq.put(id, 0L);
    }
  }

  /**
   * Records one step: {@code before} took {@code input} and made transition {@code t}. A received
   * message gets the id of the oldest copy of it in flight.
   */
  public TraceStep record(NodeState before, Input input, Transition t, OptionalLong time) {
    MessageId id = input instanceof Input.MessageReceived(Message m) ? take(m) : null;
    return record(before, input, id, t, time);
  }

  /**
   * Records one step whose received message (if any) carries {@code receivedId}, as a node that
   * learns ids from its transport does.
   */
  public TraceStep record(NodeState before, Input input, MessageId receivedId, Transition t, OptionalLong time) {
    NodeId self = before.self();
    long firstSent = sendSeq.getOrDefault(self, 0L) + 1;
    TraceStep step = build(stepSeq.merge(self, 1L, Long::sum), time, before, input, receivedId, t, firstSent);
    for (TracedMessage m : step.sent()) {
      inFlight.computeIfAbsent(m.message(), k -> new ArrayDeque<>(1)).add(m.id());
    }
    sendSeq.put(self, firstSent - 1 + step.sent().size());
    return step;
  }

  /**
   * The trace step of a node that numbers its steps and messages itself, as a node's trace sink
   * does: its step number {@code seq}, in which {@code before} took {@code input} and made
   * {@code t}. A received message was number {@code receivedSeq} of its sender (its id is
   * {@code from/to/receivedSeq}; ignored for other inputs), and the step's sends are numbered
   * consecutively from {@code firstSentSeq}.
   */
  public static TraceStep step(long seq, OptionalLong time, NodeState before, Input input, long receivedSeq,
      Transition t, long firstSentSeq) {
    MessageId received = input instanceof Input.MessageReceived(Message m)
        ? new MessageId(m.from(), m.to(), receivedSeq) : null;
    return build(seq, time, before, input, received, t, firstSentSeq);
  }

  private static TraceStep build(long seq, OptionalLong time, NodeState before, Input input, MessageId receivedId,
      Transition t, long firstSentSeq) {
    NodeId self = before.self();
    TracedMessage received = null;
    if (input instanceof Input.MessageReceived(Message m)) {
      received = new TracedMessage(receivedId, m);
    }
    List<TracedMessage> sent = new ArrayList<>(4);
    List<ReadAnswer> reads = new ArrayList<>(0);
    long sentSeq = firstSentSeq;
    long applied = 0;
    for (Output o : t.outputs()) {
      if (o instanceof Output.Send(Message m)) {
        sent.add(new TracedMessage(new MessageId(self, m.to(), sentSeq++), m));
      } else if (o instanceof Output.Apply a && !a.entries().isEmpty()) {
        applied = Math.max(applied, a.firstIndex() + a.entries().size() - 1);
      } else if (o instanceof Output.RestoreSnapshot r) {
        applied = Math.max(applied, r.snapshot().index());
      }
      ReadAnswer.of(o).ifPresent(reads::add);
    }
    Persisted persisted = input instanceof Input.Restart ? Persisted.NOTHING
        : Persisted.of(before.durable().writesTo(t.next().durable()));
    return new TraceStep(self, seq, time, TraceInput.of(input, received), Optional.of(t.actions()),
        StateSummary.of(t.next()), Optional.of(persisted), sent, reads,
        applied > 0 ? OptionalLong.of(applied) : OptionalLong.empty());
  }

  /** The network delivers one more copy of {@code m} later: it keeps the id it was sent with. */
  public void duplicate(Message m) {
    ArrayDeque<MessageId> ids = inFlight.get(m);
    if (ids == null || ids.isEmpty()) {
      throw new IllegalArgumentException("not in flight: " + m);
    }
    ids.add(ids.peekFirst());
  }

  /** The network loses one copy of {@code m}. */
  public void drop(Message m) {
    take(m);
  }

  private MessageId take(Message m) {
    ArrayDeque<MessageId> ids = inFlight.get(m);
    if (ids == null || ids.isEmpty()) {
      throw new IllegalArgumentException("delivered a message never sent: " + m);
    }
    MessageId id = ids.pollFirst();
    if (ids.isEmpty()) {
      inFlight.remove(m);
    }
    return id;
  }
}
