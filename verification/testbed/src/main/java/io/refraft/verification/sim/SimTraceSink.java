package io.refraft.verification.sim;

import io.refraft.impl.node.Clock;
import io.refraft.impl.node.TraceSink;
import io.refraft.spec.Action;
import io.refraft.spec.Config;
import io.refraft.spec.Input;
import io.refraft.spec.NodeId;
import io.refraft.spec.NodeState;
import io.refraft.spec.Output;
import io.refraft.spec.Payload;
import io.refraft.spec.Transition;
import io.refraft.spec.check.Invariant;
import io.refraft.spec.check.StepInvariant;
import io.refraft.traces.MessageId;
import io.refraft.traces.Persisted;
import io.refraft.traces.ReadAnswer;
import io.refraft.traces.StateSummary;
import io.refraft.traces.TraceHeader;
import io.refraft.traces.TraceInput;
import io.refraft.traces.TraceRecorder;
import io.refraft.traces.TraceStep;
import io.refraft.traces.TraceWriter;
import io.refraft.traces.TracedMessage;
import io.refraft.verification.trace.StepValidator;
import io.refraft.verification.trace.TornWrite;
import io.refraft.verification.trace.TraceValidator;
import io.refraft.verification.trace.ValidationResult;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * One node's trace (traces/FORMAT.md, per-node file, explicit persistence, virtual time), kept
 * across the node's incarnations like the real node's file, and the node's latest {@link NodeState}
 * for the cluster-wide invariants. Every step is checked against {@link StepInvariant}; a restart is
 * checked against the state before the crash (the driver syncs before a turn ends and crashes fall
 * between turns, so that state was durable). Every step is validated against the spec and fed to the
 * run's {@link RunDigest}; its JSON text is written only when asked for (a failing seed's re-run),
 * since writing it took about a sixth of a passing seed's time.
 */
final class SimTraceSink implements TraceSink {
  private final NodeId self;
  private final Clock clock;
  private final StringWriter text;
  /** Null when the text is not written. */
  private final TraceWriter writer;
  private final RunDigest digest;
  private long stepSeq;
  private long nextSendSeq = 1;
  private NodeState last;
  /**
   * The virtual time of the node's latest turn, and its state before the writes a crash could still
   * lose: before that turn's first step, or after its latest {@code Persisted} step.
   */
  private long turnTime = -1;
  private NodeState beforeTurn;
  /** The turn's steps: the state after each, and what each persisted. */
  private final List<NodeState> turnStates = new ArrayList<>();
  private final List<Persisted> turnWrites = new ArrayList<>();
  private Optional<Invariant.Violation> violation = Optional.empty();
  private final StepValidator validator;
  private final String file;
  private RuntimeException validatorError;
  /** Snapshots this node took of its own state machine, and those it installed from a leader. */
  long snapshotsTaken;
  long snapshotsInstalled;
  /** Told the state before each step that saves a snapshot (and so compacts the log). */
  private java.util.function.Consumer<NodeState> compacting = s -> { };

  private static TraceHeader header(Config config, boolean duplicates, String description) {
    return TraceHeader.of(config, duplicates ? TraceHeader.NetworkModel.DUPLICATES
            : TraceHeader.NetworkModel.NO_DUPLICATES, TraceHeader.Persistence.async,
        new TraceHeader.Source("refraft", description));
  }

  /**
   * The validator the sinks of one run share. Steps reach it in the order the simulation takes
   * them, a causal order (a message is delivered by a later event than the turn that sent it), so
   * the per-node traces need not be merged, written out and read back to be validated: that round
   * trip through the text cost more than the replay itself.
   */
  static StepValidator validator(Config config, boolean duplicates, String description) {
    return new StepValidator(header(config, duplicates, description), TraceValidator.Options.defaults());
  }

  /** Whether the run's validator (shared by {@code sinks}) found a divergence or failed: the run has failed. */
  static boolean failed(StepValidator validator, SimTraceSink[] sinks) {
    if (validator.diverged()) {
      return true;
    }
    for (SimTraceSink s : sinks) {
      if (s.validatorError != null) {
        return true;
      }
    }
    return false;
  }

  /** The verdict of the run's validator (shared by {@code sinks}), as FinalChecks reported it. */
  static Optional<String> validation(StepValidator validator, SimTraceSink[] sinks) {
    for (SimTraceSink s : sinks) {
      if (s.validatorError != null) {
        return Optional.of("trace validation: validator error at " + s.file + ": " + s.validatorError);
      }
    }
    ValidationResult r = validator.finish();
    return r.divergence().map(d -> "trace validation: " + d.explain());
  }

  /**
   * @param validator where each step is also validated against the spec as it is taken, shared by
   *     the sinks of one run (see {@link #validator(Config, boolean, String)})
   * @param digest    the run's fingerprint, shared by the sinks of one run
   * @param writeText whether to keep the trace's text ({@link #text()})
   */
  SimTraceSink(NodeId self, Config config, Clock clock, boolean duplicates, String description,
      StepValidator validator, RunDigest digest, boolean writeText) {
    this.self = self;
    this.clock = clock;
    this.last = NodeState.initial(self, config);
    this.validator = validator;
    this.digest = digest;
    this.file = self.name() + ".ndjson";
    if (!writeText) {
      text = null;
      writer = null;
      return;
    }
    text = new StringWriter(1 << 16);
    try {
      writer = new TraceWriter(text);
      writer.header(header(config, duplicates, description).forNode(self));
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a StringWriter does not fail
    }
  }

  @Override
  public void step(NodeState before, Input input, long receivedSeq, Transition t, long firstSentSeq) {
    NodeState prior = input instanceof Input.Restart ? last : before;
    if (violation.isEmpty()) {
      violation = StepInvariant.check(prior, input, t.next());
    }
    if (clock.nanoTime() != turnTime) {
      turnTime = clock.nanoTime();
      beforeTurn = prior;
      turnStates.clear();
      turnWrites.clear();
    }
    if (input instanceof Input.Persisted) {
      // everything the turn wrote so far is durable (a fast fsync): a crash in a later, slow fsync of
      // the same turn can lose or tear only what was written after this step
      beforeTurn = t.next();
      turnStates.clear();
      turnWrites.clear();
    }
    last = t.next();
    countSnapshots(before, input, t);
    TraceStep step = TraceRecorder.step(++stepSeq, OptionalLong.of(clock.nanoTime()), before, input, receivedSeq, t,
        firstSentSeq);
    nextSendSeq = Math.max(nextSendSeq, firstSentSeq + step.sent().size());
    turnStates.add(t.next());
    turnWrites.add(step.persisted().orElseThrow());
    if (validatorError == null) {
      try {
        validator.step(file, stepSeq + 1, step, new StepValidator.Witness(before, input, t)); // line 1 is the header
      } catch (RuntimeException e) { // a sink never throws into the driver (TraceSink's contract)
        validatorError = e;
      }
    }
    feed(step, input, t.actions());
    if (writer != null) {
      try {
        writer.step(step);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  /** {@code c} is told the state before each step that saves a snapshot, which compacts the log. */
  void onCompaction(java.util.function.Consumer<NodeState> c) {
    compacting = c;
  }

  private void countSnapshots(NodeState before, Input input, Transition t) {
    for (int k = 0; k < t.outputs().size(); k++) {
      if (t.outputs().get(k) instanceof Output.SaveSnapshot) {
        compacting.accept(before);
        if (input instanceof Input.TakeSnapshot) {
          snapshotsTaken++;
        } else {
          snapshotsInstalled++;
        }
      }
    }
  }

  /**
   * What the text would show, to the digest, except the sent messages' contents: their encoded
   * bytes are fed as they leave ({@link SimNetwork}), ids and all.
   */
  private void feed(TraceStep step, Input input, List<Action> actions) {
    digest.add(self.name());
    digest.add(step.seq());
    digest.add(clock.nanoTime());
    switch (input) {
      case Input.MessageReceived r -> {
        digest.add(1);
        digest.add(r.message().from().name());
        digest.add(((TraceInput.MessageReceived) step.input()).message().id().seq());
      }
      case Input.ElectionTimeout e -> digest.add(2);
      case Input.HeartbeatTimeout h -> {
        digest.add(3);
        digest.add(name(h.peer()));
      }
      case Input.ClientPropose p -> {
        digest.add(4);
        for (Payload x : p.payloads()) {
          feed(x);
        }
      }
      case Input.ReadIndexRequest r -> {
        digest.add(5);
        digest.add(r.requestId());
      }
      case Input.Restart r -> digest.add(6);
      case Input.Persisted p -> {
        digest.add(7);
        digest.add(p.lastIndex());
      }
      case Input.TakeSnapshot t -> {
        digest.add(8);
        digest.add(t.index());
      }
      case Input.ChangeMembership c -> {
        digest.add(9);
        digest.add(c.next().toString());
      }
      case Input.TransferLeadership t -> {
        digest.add(10);
        digest.add(t.target().name());
      }
    }
    // Plain loops and no Optional chains: this runs on every step of every seed.
    for (int k = 0; k < actions.size(); k++) {
      digest.add(actions.get(k).ordinal());
    }
    StateSummary s = step.state();
    digest.add(s.term());
    digest.add(name(s.vote()));
    digest.add(s.role().ordinal());
    digest.add(s.commitIndex());
    digest.add(s.lastLogIndex());
    digest.add(s.lastLogTerm());
    digest.add(name(s.leader()));
    if (step.persisted().isPresent()) {
      feed(step.persisted().get());
    }
    List<TracedMessage> sent = step.sent();
    for (int k = 0; k < sent.size(); k++) {
      MessageId id = sent.get(k).id();
      digest.add(id.to().name());
      digest.add(id.seq());
    }
    for (ReadAnswer a : step.reads()) {
      switch (a) {
        case ReadAnswer.Served r -> {
          digest.add(r.requestId());
          digest.add(r.readIndex());
        }
        case ReadAnswer.Rejected r -> {
          digest.add(-r.requestId());
          digest.add(name(r.leader()));
        }
      }
    }
  }

  private static String name(Optional<NodeId> id) {
    return id.isPresent() ? id.get().name() : "";
  }

  private void feed(Persisted p) {
    if (p.hardState().isPresent()) {
      Output.HardState h = p.hardState().get();
      digest.add(h.term());
      digest.add(name(h.votedFor()));
    }
    if (p.snapshot().isPresent()) {
      io.refraft.spec.Snapshot snap = p.snapshot().get().snapshot();
      digest.add(snap.index());
      digest.add(snap.term());
      digest.add(snap.digest());
    }
    if (p.log().isPresent()) {
      Output.LogSuffix l = p.log().get();
      digest.add(l.firstIndex());
      digest.add(l.entries().size()); // their payloads were fed as proposals or in messages
      for (int k = 0; k < l.entries().size(); k++) {
        digest.add(l.entries().get(k).term());
      }
    }
  }

  private void feed(Payload p) {
    switch (p) {
      case Payload.Data d -> {
        digest.add(d.length());
        digest.add(d.hashCode()); // Arrays.hashCode of the bytes, without copying them
      }
      case Payload.NoOp n -> digest.add(-1);
      case Payload.Configuration c -> digest.add(c.membership().toString());
    }
  }

  /**
   * The node crashed while the fsync of its turn at virtual time {@code at} was under way, losing
   * that turn's writes: its restart is checked against its state before that turn (the trace
   * validator decides whether losing the turn was allowed: nothing it did may have been observed).
   */
  void lostTurn(long at) {
    if (at == turnTime) {
      last = beforeTurn;
    }
  }

  /**
   * The node lost power while the fsync of its turn at virtual time {@code at} was under way, and
   * its disk kept {@code torn}'s durable state, one of {@link #tears}: its restart is checked
   * against that state.
   */
  void tornTurn(long at, Tear torn) {
    if (at == turnTime) {
      last = torn.state();
    }
  }

  /**
   * A power loss inside the fsync of the node's latest turn that keeps the metadata it saved and
   * only the first {@code records} of the log records it appended ({@code MemoryStorage.crashTearing}),
   * and the node's durable state then.
   */
  record Tear(int records, NodeState state) {}

  /**
   * The torn states of the writes of the turn at virtual time {@code at}, when it is the latest, that
   * a trace validator accepts ({@link TornWrite}): inside one step that appended entries, that step's
   * hard state with a prefix of its entries, when no later step of the turn changed the hard state
   * again (the disk holds the turn's last metadata). The turn truncated nothing (a truncation is
   * durable at once, and the simulation then completes the turn's fsync instead), so its records
   * are its steps' entries in order.
   */
  List<Tear> tears(long at) {
    List<Tear> out = new ArrayList<>(0);
    if (at != turnTime) {
      return out;
    }
    int records = 0;
    for (int q = 0; q < turnStates.size(); q++) {
      NodeState before = q == 0 ? beforeTurn : turnStates.get(q - 1);
      NodeState after = turnStates.get(q);
      Persisted p = turnWrites.get(q);
      int entries = p.log().isPresent() ? p.log().get().entries().size() : 0;
      boolean sameMeta = after.term() == last.term() && after.votedFor().equals(last.votedFor());
      if (entries > 0 && sameMeta && p.log().get().firstIndex() == before.log().lastIndex() + 1) {
        for (int m = 0; m < entries; m++) {
          NodeState torn = TornWrite.state(before, p, before.log().lastIndex() + m);
          if (torn != null) {
            out.add(new Tear(records + m, torn));
          }
        }
      }
      records += entries;
    }
    return out;
  }

  /** The node's state after its latest step (in memory; equal to the durable one between turns). */
  NodeState state() {
    return last;
  }

  /** The first step invariant a step of this node broke. */
  Optional<Invariant.Violation> violation() {
    return violation;
  }

  /** The first message number a restarted incarnation may use: ids never repeat (FORMAT §2.2). */
  long nextSendSeq() {
    return nextSendSeq;
  }

  NodeId node() {
    return self;
  }

  boolean writesText() {
    return writer != null;
  }

  /** The trace's text; empty when it was not written. */
  String text() {
    return text == null ? "" : text.toString();
  }
}
