package io.refraft.verification.trace;

import io.refraft.spec.DurableState;
import io.refraft.spec.Input;
import io.refraft.spec.Message;
import io.refraft.spec.NodeId;
import io.refraft.spec.NodeState;
import io.refraft.spec.check.Invariant;
import io.refraft.traces.MessageId;
import io.refraft.traces.Persisted;
import io.refraft.traces.StateSummary;
import io.refraft.traces.TraceHeader;
import io.refraft.traces.TraceInput;
import io.refraft.traces.TraceStep;
import io.refraft.traces.TraceWriter;
import io.refraft.traces.TracedMessage;
import io.refraft.verification.trace.Comparison.Outcome;
import io.refraft.verification.trace.Divergence.FieldDiff;
import io.refraft.verification.trace.Divergence.Kind;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Validates steps one at a time, in an order where every receive follows its send: per node the
 * spec state (every node starts as {@code NodeState.initial}), the messages in flight, the
 * reconstructed cluster for the invariants, and the last few steps for the report. Memory holds
 * the nodes' states and a bounded window of messages, never the trace.
 */
final class Replayer {
  /** Ids of lost steps' messages remembered for the report; forgotten all at once beyond this. */
  private static final int LOST_IDS = 1 << 12;
  private final TraceHeader header;
  private final TraceValidator.Options options;
  private final Map<NodeId, Integer> index = new HashMap<>();
  private final NodeId[] nodes;
  private final Composer[] composers;
  private final GlobalChecks global;
  private final InFlight inFlight;
  private final ArrayDeque<Seen> context = new ArrayDeque<>();
  /** The nodes' last steps for a restart that lost some (null when none may be lost). */
  private final RecentSteps recent;
  /** How the spec replays the steps: synchronous persistence, or asynchronous with Persisted steps. */
  private final Composite.Stepping stepping;
  /** With asynchronous persistence, each node's storage: confirmed and pending writes (else null). */
  private final Disk[] disks;
  /** Ids of messages sent by lost steps, for the report of a later receive (bounded). */
  private final Set<MessageId> lostIds = new HashSet<>();
  private long events;
  private long compositions;
  private long witnessed;
  private long lostSteps;
  private StepObserver observer;

  Replayer(TraceHeader header, TraceValidator.Options options) {
    this.header = header;
    this.options = options;
    // every server of the trace: the initial members, then those that join later (revision 6)
    List<NodeId> members = header.servers();
    this.nodes = members.toArray(NodeId[]::new);
    this.composers = new Composer[members.size()];
    boolean async = header.persistence() == TraceHeader.Persistence.async;
    this.stepping = async ? Composite.Stepping.ASYNC : Composite.Stepping.SYNC;
    this.disks = async ? new Disk[members.size()] : null;
    for (int i = 0; i < members.size(); i++) {
      index.put(members.get(i), i);
      composers[i] = new Composer(members, members.get(i), options.maxCompose(), stepping);
      if (async) {
        disks[i] = new Disk(DurableState.EMPTY);
      }
    }
    this.global = new GlobalChecks(header.config(), members);
    this.inFlight = new InFlight(options.retention(), header.network().duplicates(), members);
    NodeState[] initial = new NodeState[members.size()];
    for (int i = 0; i < initial.length; i++) {
      initial[i] = global.node(i);
    }
    // what a crash loses is explicit with asynchronous persistence: no step is ever lost whole
    this.recent = options.maxLostSteps() == 0 || async ? null : new RecentSteps(initial, options.maxLostSteps());
  }

  /** The position of {@code n} among the members: the decoded ids are mostly the header's own objects. */
  private int index(NodeId n) {
    for (int k = 0; k < nodes.length; k++) {
      if (nodes[k] == n) {
        return k;
      }
    }
    return index.get(n);
  }

  /** Shows every accepted step to {@code o} (null: none). */
  void observe(StepObserver o) {
    this.observer = o;
  }

  /** Tells the observer, if any, that step {@code s} diverged. */
  void diverged(String file, long line, TraceStep s) {
    if (observer != null) {
      observer.diverged(file, line, s, global.node(index(s.node())));
    }
  }

  long fullChecks() {
    return global.fullChecks();
  }

  long lostSteps() {
    return lostSteps;
  }

  /** How many steps took the producer's transition instead of stepping the spec again. */
  long witnessed() {
    return witnessed;
  }

  /** True when a receive of {@code id} could be validated now (it was sent and is still in flight). */
  boolean inFlight(MessageId id) {
    return inFlight.contains(id);
  }

  /** Validates one step; the divergence it shows, if any. */
  Optional<Divergence> step(String file, long line, TraceStep s) {
    return step(file, line, s, null);
  }

  /** Validates one step, taking the producer's spec step when it started from this very state (see StepValidator). */
  Optional<Divergence> step(String file, long line, TraceStep s, StepValidator.Witness w) {
    events++;
    int i = index(s.node());
    NodeState st = global.node(i);
    Input in;
    MessageId received = null;
    if (s.input() instanceof TraceInput.MessageReceived r) {
      TracedMessage tm = r.message();
      Message m = inFlight.get(tm.id());
      if (m == null) {
        return Optional.of(unsent(file, line, s, tm));
      }
      // A receive decoded to the very object decoded for its send is equal to it, and the send was
      // checked equal to m when it was replayed.
      if (inFlight.traced(tm.id()) != tm && !m.equals(tm.message())) {
        return Optional.of(divergence(file, line, s, Kind.ALTERED_MESSAGE, "received message " + tm.id()
            + " differs from the message sent with that id",
            List.of(new FieldDiff("input.message", sentJson(tm.id(), m), TraceWriter.toJson(tm)))));
      }
      in = new Input.MessageReceived(m);
      received = tm.id();
    } else if (disks != null && s.input() instanceof TraceInput.Persisted p) {
      Optional<String> wrong = disks[i].confirm(p);
      if (wrong.isPresent()) {
        return Optional.of(divergence(file, line, s, Kind.PERSISTED, wrong.get(), List.of(new FieldDiff("input",
            disks[i].crashStates(), "term " + p.term() + " vote " + p.vote().map(NodeId::name).orElse("null")
            + " last " + p.lastIndex() + "/" + p.lastTerm()))));
      }
      in = p.toInput();
    } else if (disks != null && s.input() instanceof TraceInput.Restart) {
      StateSummary after = s.state();
      Optional<DurableState> d = disks[i].afterCrash(after.term(), after.vote(), after.lastLogIndex(),
          after.lastLogTerm());
      if (d.isEmpty()) {
        return Optional.of(divergence(file, line, s, Kind.STATE, "the restart recovers a term, vote or log that is "
            + "neither durable nor written before the crash", List.of(new FieldDiff("state", disks[i].crashStates(),
            "term " + after.term() + " vote " + after.vote().map(NodeId::name).orElse("null") + " last "
            + after.lastLogIndex() + "/" + after.lastLogTerm()))));
      }
      in = new Input.Restart(d.get());
    } else {
      in = input(s.input(), st);
    }
    boolean witnessed = w != null && w.before() == st && sameInput(w.input(), in, s);
    Composite c = witnessed ? Composite.of(stepping, st, in, w.transition()) : Composite.single(stepping, st, in);
    this.witnessed += witnessed ? 1 : 0;
    Outcome o = Comparison.compare(c, s);
    if (!witnessed && w != null && o.matches() && c.parts().get(0).equals(w.transition())) {
      // after a restart the producer's state is its own object: once equal, hold that object, so
      // that the producer's next steps start from the very state held here again
      c = Composite.of(stepping, st, in, w.transition());
    }
    if (!o.matches() && options.maxCompose() > 1) {
      Optional<Composite> alt = composers[i].explain(st, in, s);
      if (alt.isPresent()) {
        c = alt.get();
        o = Comparison.compare(c, s);
        compositions++;
      }
    }
    if (!o.matches() && in instanceof Input.Restart && recent != null) {
      Lost lost = lostBefore(i, s);
      if (lost != null) {
        Optional<Divergence> d = rollBack(file, line, s, i, lost);
        if (d.isPresent()) {
          return d;
        }
        c = restartFrom(global.node(i), w);
        o = Comparison.compare(c, s);
      }
    }
    if (!o.matches()) {
      return Optional.of(divergence(file, line, s, o.kind(), reason(o.kind(), s), o.diffs()));
    }
    return accept(file, line, s, i, c, o, received);
  }

  /**
   * Takes step {@code s} of node {@code i}, explained by {@code c} with outcome {@code o}: its
   * receive and sends into the messages in flight, its spec steps into the reconstructed cluster.
   */
  private Optional<Divergence> accept(String file, long line, TraceStep s, int i, Composite c, Outcome o,
      MessageId received) {
    if (received != null) {
      inFlight.deliver(received);
    }
    for (int k = 0; k < s.sent().size(); k++) {
      MessageId id = s.sent().get(k).id();
      if (inFlight.known(id)) {
        return Optional.of(divergence(file, line, s, Kind.REUSED_MESSAGE_ID, "sends message id " + id
            + " a second time (ids are unique within a run)", List.of()));
      }
      inFlight.send(id, o.matchedSends().get(k), s.sent().get(k));
    }
    for (int k = 0; k < c.parts().size(); k++) {
      Optional<Invariant.Violation> v = global.step(i, c.inputs().get(k), c.parts().get(k));
      if (v.isPresent()) {
        return Optional.of(divergence(file, line, s, Kind.INVARIANT, "the reconstructed cluster violates "
            + v.get().invariant() + ": " + v.get().detail(), List.of()));
      }
    }
    if (recent != null) {
      recent.record(i, global.node(i), s);
    }
    if (disks != null) {
      if (c.inputs().get(0) instanceof Input.Restart(DurableState d)) {
        disks[i].restarted(d);
      } else {
        disks[i].wrote(s.persisted().orElse(Persisted.NOTHING));
      }
    }
    remember(file, line, s, c);
    if (observer != null) {
      observer.accepted(file, line, s, c.before(), c.next(), c.actions(), c.parts().size() > 1 ? c.describe() : "");
    }
    return Optional.empty();
  }

  /** The last {@code back} steps of a node were lost; it is back in state {@code state}. */
  private record Lost(int back, NodeState state) {}

  /**
   * For a restart of node {@code i} that does not recover the durable state of its last step: the
   * fewest of its last steps a crash lost, and the state it is back in, such that the restart's
   * observed state is the spec's restart from that state's durable part, among the steps nothing
   * observed (none of their messages received, no read answered: traces/FORMAT.md §5.4); null when
   * there is none. Before the state preceding the lost steps, a state torn inside the first lost
   * step's writes is tried (see {@link TornWrite}).
   */
  private Lost lostBefore(int i, TraceStep s) {
    int most = recent.unobserved(i, inFlight);
    for (int back = 1; back <= most; back++) {
      NodeState earlier = recent.before(i, back);
      long lastIndex = s.state().lastLogIndex();
      NodeState partial = recent.step(i, back).persisted().map(p -> TornWrite.state(earlier, p, lastIndex)).orElse(null);
      if (partial != null && restartMatches(partial, s)) {
        return new Lost(back, partial);
      }
      if (restartMatches(earlier, s)) {
        return new Lost(back, earlier);
      }
    }
    return null;
  }

  private static boolean restartMatches(NodeState st, TraceStep s) {
    return Comparison.compare(Composite.single(Composite.Stepping.SYNC, st, new Input.Restart(st.durable())), s)
        .matches();
  }

  /**
   * The spec's restart from {@code st}'s durable state; the producer's transition when equal, so
   * that, as after any step, the validator holds the producer's own state object from here.
   */
  private static Composite restartFrom(NodeState st, StepValidator.Witness w) {
    Input in = new Input.Restart(st.durable());
    Composite c = Composite.single(Composite.Stepping.SYNC, st, in);
    return w != null && c.parts().get(0).equals(w.transition())
        ? Composite.of(Composite.Stepping.SYNC, st, in, w.transition()) : c;
  }

  /**
   * Node {@code i}'s last {@code back} steps were lost in a crash: the run is the one where the
   * node crashed before them. Their messages never left (a receive of one is now of a message never
   * sent); what they received stays consumed, as if the network had lost it; the node is back in
   * its state before them (see {@link GlobalChecks#rollback} for the cluster's history).
   */
  private Optional<Divergence> rollBack(String file, long line, TraceStep s, int i, Lost lost) {
    int back = lost.back();
    for (int k = 1; k <= back; k++) {
      for (TracedMessage tm : recent.step(i, k).sent()) {
        inFlight.forget(tm.id());
        if (lostIds.size() >= LOST_IDS) {
          lostIds.clear();
        }
        lostIds.add(tm.id());
      }
    }
    lostSteps += back;
    Optional<Invariant.Violation> v = global.rollback(i, lost.state());
    return v.map(x -> divergence(file, line, s, Kind.INVARIANT, "after rolling back the " + back
        + " lost steps before this restart, the reconstructed cluster violates " + x.invariant() + ": " + x.detail(),
        List.of()));
  }

  /**
   * Whether the producer's input is the one this step was validated with: a receive is the message
   * the trace shows received (checked above against the message sent with its id), anything else
   * an equal input.
   */
  private static boolean sameInput(Input produced, Input in, TraceStep s) {
    if (produced instanceof Input.MessageReceived(Message m)) {
      return s.input() instanceof TraceInput.MessageReceived r && r.message().message() == m;
    }
    return produced.equals(in);
  }

  /**
   * The spec input for a traced input other than a receive. A restart recovers exactly what the
   * trace showed durable: the validated steps' durable state, which each step's persisted record
   * was checked to reproduce.
   */
  private static Input input(TraceInput in, NodeState st) {
    return switch (in) {
      case TraceInput.MessageReceived r -> throw new IllegalArgumentException("receives are resolved by id");
      case TraceInput.ElectionTimeout t -> new Input.ElectionTimeout();
      case TraceInput.HeartbeatTimeout h -> new Input.HeartbeatTimeout(h.peer());
      case TraceInput.ClientPropose p -> new Input.ClientPropose(p.payloads());
      case TraceInput.ReadIndexRequest r -> new Input.ReadIndexRequest(r.requestId());
      case TraceInput.Restart r -> new Input.Restart(st.durable());
      case TraceInput.TakeSnapshot t -> new Input.TakeSnapshot(t.index());
      case TraceInput.ChangeMembership c -> new Input.ChangeMembership(c.next());
      case TraceInput.TransferLeadership t -> new Input.TransferLeadership(t.target());
      case TraceInput.Persisted p -> throw new IllegalArgumentException(
          "a Persisted step needs the header's persistence 'async' (checked by the reader)");
    };
  }

  /** Runs the spec's state invariants on the whole cluster once more at the end of the trace. */
  Optional<Divergence> finish(String file, long line, NodeId lastNode, long lastSeq) {
    Optional<Invariant.Violation> v = global.full();
    return v.map(x -> new Divergence(file, line, lastNode, lastSeq, Kind.INVARIANT,
        "at the end of the trace the reconstructed cluster violates " + x.invariant() + ": " + x.detail(),
        List.of(), context()));
  }

  ValidationResult result(Optional<Divergence> d) {
    return new ValidationResult(events, header.servers().size(), compositions, global.fullChecks(),
        lostSteps, d);
  }

  private Divergence unsent(String file, long line, TraceStep s, TracedMessage tm) {
    if (inFlight.wasDelivered(tm.id())) {
      return divergence(file, line, s, Kind.DUPLICATE_DELIVERY, "receives message " + tm.id()
          + " a second time, and the header's network model does not duplicate messages", List.of());
    }
    String why = "receives message " + tm.id() + ", which no earlier step sent";
    if (lostIds.contains(tm.id())) {
      why = "receives message " + tm.id() + ", which only a step lost in a crash sent (the restart of "
          + tm.id().from() + " rolled it back: nothing had observed it then)";
    }
    if (inFlight.evicted() > 0) {
      why += " (or which was sent before the last " + inFlight.retention()
          + " messages and is no longer retained: raise the retention)";
    }
    return divergence(file, line, s, Kind.UNSENT_MESSAGE, why,
        List.of(new FieldDiff("input.message", "a message sent earlier", TraceWriter.toJson(tm))));
  }

  private static String reason(Kind kind, TraceStep s) {
    String input = s.input().type();
    return switch (kind) {
      case STATE -> "the state after " + input + " is not the spec's";
      case PERSISTED -> "what the step made durable before sending is not what the spec makes durable on "
          + input;
      case SENT -> "the messages sent on " + input + " are not the spec's";
      case ACTIONS -> "the actions named for " + input + " are not the spec's";
      case READS -> "the reads answered on " + input + " are not the spec's";
      case APPLIED -> "what the step applied on " + input + " is not what the spec applies (committed and durable)";
      default -> kind.name();
    };
  }

  private Divergence divergence(String file, long line, TraceStep s, Kind kind, String reason, List<FieldDiff> diffs) {
    return new Divergence(file, line, s.node(), s.seq(), kind, reason, diffs, context());
  }

  /** A validated step, kept (a few) for the report; formatted only when one is needed. */
  private record Seen(String file, long line, TraceStep step, Composite composite) {
    String describe() {
      StateSummary st = step.state();
      return file + ":" + line + " " + step.node() + "#" + step.seq() + " " + composite.describe() + " -> "
          + st.role() + " term=" + st.term() + " vote=" + st.vote().map(NodeId::name).orElse("-") + " commit="
          + st.commitIndex() + " last=" + st.lastLogIndex() + "/" + st.lastLogTerm() + " sent=" + step.sent().size();
    }
  }

  private List<String> context() {
    return context.stream().map(Seen::describe).toList();
  }

  private void remember(String file, long line, TraceStep s, Composite c) {
    if (options.context() == 0) {
      return;
    }
    if (context.size() == options.context()) {
      context.removeFirst();
    }
    context.addLast(new Seen(file, line, s, c));
  }

  private static String sentJson(MessageId id, Message m) {
    return TraceWriter.toJson(new TracedMessage(id, m));
  }
}
