package io.refraft.verification.trace;

import io.refraft.spec.Action;
import io.refraft.spec.Input;
import io.refraft.spec.Message;
import io.refraft.spec.NodeState;
import io.refraft.spec.Output;
import io.refraft.spec.Raft;
import io.refraft.spec.Transition;
import java.util.ArrayList;
import java.util.List;

/**
 * One or more consecutive spec steps of one node taken as one implementation step: their inputs
 * and transitions, in order. Its actions and sends are the concatenation of the parts'; its next
 * state is the last part's. {@code stepping} is how the spec is stepped: with synchronous
 * persistence ({@code Raft.step}) or asynchronous ({@code Raft.stepAsync}, traces whose steps say
 * what storage confirmed).
 */
record Composite(Stepping stepping, NodeState before, List<Input> inputs, List<Transition> parts) {

  /** How a trace's steps map onto the spec's: which step function replays them. */
  enum Stepping {
    /** {@code Raft.step}: every step's writes are durable before its sends leave. */
    SYNC,
    /** {@code Raft.stepAsync}: storage confirms writes later, with {@code Persisted} steps. */
    ASYNC;

    Transition step(NodeState s, Input in) {
      return this == SYNC ? Raft.step(s, in) : Raft.stepAsync(s, in);
    }
  }

  Composite {
    inputs = List.copyOf(inputs);
    parts = List.copyOf(parts);
    if (inputs.isEmpty() || inputs.size() != parts.size()) {
      throw new IllegalArgumentException("a composite needs one transition per input");
    }
  }

  static Composite single(Stepping stepping, NodeState before, Input in) {
    return of(stepping, before, in, stepping.step(before, in));
  }

  /** The single step from {@code before} on {@code in} that is known to be {@code t}. */
  static Composite of(Stepping stepping, NodeState before, Input in, Transition t) {
    return new Composite(stepping, before, List.of(in), List.of(t));
  }

  NodeState next() {
    return parts.get(parts.size() - 1).next();
  }

  /** The state before part {@code i}. */
  NodeState before(int i) {
    return i == 0 ? before : parts.get(i - 1).next();
  }

  List<Action> actions() {
    if (parts.size() == 1) {
      return parts.get(0).actions();
    }
    List<Action> out = new ArrayList<>();
    for (Transition t : parts) {
      out.addAll(t.actions());
    }
    return out;
  }

  List<Message> sends() {
    List<Message> out = new ArrayList<>(4);
    for (Transition t : parts) {
      for (Output o : t.outputs()) {
        if (o instanceof Output.Send(Message m)) {
          out.add(m);
        }
      }
    }
    return out;
  }

  /** The highest log index the parts applied to the state machine, 0 when none. */
  long appliedThrough() {
    long through = 0;
    for (Transition t : parts) {
      through = Math.max(through, t.appliedThrough());
    }
    return through;
  }

  /** The read answers of every part, in order. */
  List<Output> reads() {
    List<Output> out = new ArrayList<>(0);
    for (Transition t : parts) {
      for (Output o : t.outputs()) {
        if (o instanceof Output.ReadReady || o instanceof Output.ReadRejected) {
          out.add(o);
        }
      }
    }
    return out;
  }

  Composite then(Input in) {
    List<Input> is = new ArrayList<>(inputs);
    is.add(in);
    List<Transition> ts = new ArrayList<>(parts);
    ts.add(stepping.step(next(), in));
    return new Composite(stepping, before, is, ts);
  }

  /** The inputs in words, e.g. {@code ElectionTimeout + MessageReceived(AppendEntriesRequest)}. */
  String describe() {
    StringBuilder sb = new StringBuilder();
    for (Input in : inputs) {
      if (!sb.isEmpty()) {
        sb.append(" + ");
      }
      sb.append(switch (in) {
        case Input.MessageReceived r -> "MessageReceived(" + r.message().getClass().getSimpleName() + ")";
        case Input.HeartbeatTimeout h -> "HeartbeatTimeout" + h.peer().map(p -> "(" + p + ")").orElse("");
        default -> in.getClass().getSimpleName();
      });
    }
    return sb.toString();
  }
}
