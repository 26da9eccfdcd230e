package io.refraft.verification.trace;

import io.refraft.spec.Entry;
import io.refraft.spec.Input;
import io.refraft.spec.Log;
import io.refraft.spec.Message;
import io.refraft.spec.NodeId;
import io.refraft.spec.NodeState;
import io.refraft.spec.Output;
import io.refraft.spec.Role;
import io.refraft.spec.Snapshot;
import io.refraft.traces.Persisted;
import io.refraft.traces.ReadAnswer;
import io.refraft.traces.StateSummary;
import io.refraft.traces.TraceStep;
import io.refraft.traces.TracedMessage;
import io.refraft.traces.TraceWriter;
import io.refraft.verification.trace.Divergence.FieldDiff;
import io.refraft.verification.trace.Divergence.Kind;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.Optional;

/**
 * Compares what the spec did (a {@link Composite}) with one observed step: post-state, durable
 * state, sent messages (as a multiset: implementations may send in another order), the reads
 * answered (in order) and, when the trace names them, actions. Lists every difference; the first
 * kind in the order state, persisted, sent, reads, actions names the divergence.
 */
final class Comparison {
  private Comparison() {}

  /**
   * The outcome: no diffs, and for each observed sent message (in order) the spec's own message
   * object it matched; or the differences.
   */
  record Outcome(List<FieldDiff> diffs, Kind kind, List<Message> matchedSends) {
    boolean matches() {
      return diffs.isEmpty();
    }
  }

  static Outcome compare(Composite c, TraceStep s) {
    List<FieldDiff> diffs = new ArrayList<>();
    Kind kind = null;
    if (!sameState(c.next(), s.state())) {
      state(StateSummary.of(c.next()), s.state(), diffs);
    }
    if (!diffs.isEmpty()) {
      kind = Kind.STATE;
    }
    if (s.persisted().isPresent()) {
      int n = diffs.size();
      // a restart writes nothing: what it recovered is on disk already (with asynchronous
      // persistence that may be less than the node had written before the crash)
      NodeState from = c.inputs().get(0) instanceof Input.Restart ? c.next() : c.before();
      persisted(from, c.next(), s.persisted().get(), diffs);
      kind = kind == null && diffs.size() > n ? Kind.PERSISTED : kind;
    }
    List<Message> matched = new ArrayList<>(s.sent().size());
    int n = diffs.size();
    sent(c.sends(), s.sent(), matched, diffs);
    kind = kind == null && diffs.size() > n ? Kind.SENT : kind;
    n = diffs.size();
    reads(c.reads(), s.reads(), diffs);
    kind = kind == null && diffs.size() > n ? Kind.READS : kind;
    if (s.applied().isPresent()) {
      long spec = c.appliedThrough();
      if (spec != s.applied().getAsLong()) {
        diffs.add(new FieldDiff("applied", spec == 0 ? "nothing applied" : String.valueOf(spec),
            String.valueOf(s.applied().getAsLong())));
        kind = kind == null ? Kind.APPLIED : kind;
      }
    }
    if (s.actions().isPresent() && !s.actions().get().equals(c.actions())) {
      diffs.add(new FieldDiff("actions", c.actions().toString(), s.actions().get().toString()));
      kind = kind == null ? Kind.ACTIONS : kind;
    }
    return new Outcome(diffs, kind, matched);
  }

  /** True when {@link #state} finds no difference (checked without building the spec's summary). */
  private static boolean sameState(NodeState e, StateSummary o) {
    return e.term() == o.term() && e.commitIndex() == o.commitIndex() && e.log().lastIndex() == o.lastLogIndex()
        && e.log().lastTerm() == o.lastLogTerm() && StateSummary.roleName(e.role()) == o.role()
        && same(e.votedFor(), o.vote()) && (!o.leaderReported() || same(e.leader(), o.leader()))
        && (o.match().isEmpty() || sameMatch(e.role(), o.match()));
  }

  /** Whether a leader's progress has exactly the reported peers, each with the reported matchIndex. */
  private static boolean sameMatch(Role r, Map<NodeId, Long> match) {
    if (!(r instanceof Role.Leader l) || l.progress().size() != match.size()) {
      return false;
    }
    for (Map.Entry<NodeId, Long> m : match.entrySet()) {
      Role.Progress p = l.progress().get(m.getKey());
      if (p == null || p.match() != m.getValue()) {
        return false;
      }
    }
    return true;
  }

  /** Optional equality, first by identity: the spec's ids are mostly the very objects the reader decoded. */
  private static boolean same(Optional<NodeId> a, Optional<NodeId> b) {
    if (a.isEmpty() || b.isEmpty()) {
      return a.isEmpty() == b.isEmpty();
    }
    return a.get() == b.get() || a.get().equals(b.get());
  }

  private static void state(StateSummary e, StateSummary o, List<FieldDiff> diffs) {
    field("state.term", e.term(), o.term(), diffs);
    field("state.vote", name(e.vote()), name(o.vote()), diffs);
    field("state.role", e.role(), o.role(), diffs);
    field("state.commitIndex", e.commitIndex(), o.commitIndex(), diffs);
    field("state.lastLogIndex", e.lastLogIndex(), o.lastLogIndex(), diffs);
    field("state.lastLogTerm", e.lastLogTerm(), o.lastLogTerm(), diffs);
    if (o.leaderReported()) {
      field("state.leader", name(e.leader()), name(o.leader()), diffs);
    }
    if (!o.match().isEmpty()) {
      for (NodeId peer : new TreeSet<>(o.match().keySet())) {
        Long want = e.match().get(peer);
        field("state.match." + peer.name(), want == null ? "none" : String.valueOf(want),
            String.valueOf(o.match().get(peer)), diffs);
      }
      for (NodeId peer : new TreeSet<>(e.match().keySet())) {
        if (!o.match().containsKey(peer)) {
          field("state.match." + peer.name(), String.valueOf(e.match().get(peer)), "none", diffs);
        }
      }
    }
  }

  /**
   * The durable state after the step, as the trace reports it (the state before, with the step's
   * persisted hard state and log suffix applied), must be the spec's next durable state: the spec
   * makes it durable before any message of the step leaves (Figure 2; Output's ordering rule).
   * Only the log from the first index either side changed is compared: below it both are the
   * durable log before the step.
   */
  private static void persisted(NodeState before, NodeState next, Persisted p, List<FieldDiff> diffs) {
    long term = p.hardState().map(Output.HardState::term).orElse(before.term());
    Optional<NodeId> vote = p.hardState().isPresent() ? p.hardState().get().votedFor() : before.votedFor();
    field("durable.term", next.term(), term, diffs);
    field("durable.vote", name(next.votedFor()), name(vote), diffs);
    Log was = before.log();
    Log want = next.log();
    Snapshot snap = want.snapshot();
    boolean snapshotWritten = !snap.equals(was.snapshot());
    if (snapshotWritten || p.snapshot().isPresent()) {
      String expected = snapshotWritten ? describe(snap) : "none";
      String observed = p.snapshot().map(w -> describe(w.snapshot())).orElse("none");
      if (!expected.equals(observed)) {
        diffs.add(new FieldDiff("persisted.snapshot", expected, observed));
        return;
      }
      // The durable log the suffix applies to: the snapshot in place of what it replaces (all of
      // it when it did not match), as storage holds it.
      was = was.matches(snap.index(), snap.term()) ? was.compactTo(snap) : Log.restored(snap, List.of());
    }
    long from = GlobalChecks.firstDifference(was, want);
    Output.LogSuffix suffix = p.log().orElse(null);
    if (suffix != null) {
      from = Math.min(from, suffix.firstIndex());
      if (suffix.firstIndex() > was.lastIndex() + 1) {
        diffs.add(new FieldDiff("persisted.log.from", "<= " + (was.lastIndex() + 1), String.valueOf(suffix.firstIndex())));
        return;
      }
    }
    long observedLast = suffix == null ? was.lastIndex() : suffix.firstIndex() - 1 + suffix.entries().size();
    if (observedLast != want.lastIndex()) {
      diffs.add(new FieldDiff("durable.lastLogIndex", String.valueOf(want.lastIndex()), String.valueOf(observedLast)));
      return;
    }
    for (long i = from; i <= want.lastIndex(); i++) {
      Entry o = suffix != null && i >= suffix.firstIndex() ? suffix.entries().get((int) (i - suffix.firstIndex()))
          : was.entry(i);
      if (!o.equals(want.entry(i))) {
        diffs.add(new FieldDiff("durable.log[" + i + "]", want.entry(i).toString(), o.toString()));
        return;
      }
    }
  }

  /** A snapshot as the trace writes it: index/term, the digest and, when it holds one, its configuration. */
  private static String describe(Snapshot s) {
    return s.index() + "/" + s.term() + " digest " + String.format("%016x", s.digest())
        + s.membership().map(m -> " configuration " + m).orElse("");
  }

  private static void sent(List<Message> expected, List<TracedMessage> observed, List<Message> matched,
      List<FieldDiff> diffs) {
    if (inOrder(expected, observed)) {
      matched.addAll(expected); // what the search below pairs when each observed message is the expected one
      return;
    }
    List<Message> left = new ArrayList<>(expected);
    List<TracedMessage> extra = new ArrayList<>();
    for (TracedMessage tm : observed) {
      int k = left.indexOf(tm.message());
      if (k < 0) {
        extra.add(tm);
        matched.add(null);
      } else {
        matched.add(left.remove(k));
      }
    }
    if (left.isEmpty() && extra.isEmpty()) {
      return;
    }
    // Pair a missing and an extra message to the same peer of the same type, to show field diffs.
    for (TracedMessage tm : extra) {
      Message peer = null;
      for (Message m : left) {
        if (m.to().equals(tm.message().to()) && m.getClass() == tm.message().getClass()) {
          peer = m;
          break;
        }
      }
      if (peer != null) {
        left.remove(peer);
        diffs.add(new FieldDiff("sent " + tm.id(), json(peer), TraceWriter.toJson(tm)));
      } else {
        diffs.add(new FieldDiff("sent " + tm.id(), "no such message", TraceWriter.toJson(tm)));
      }
    }
    for (Message m : left) {
      diffs.add(new FieldDiff("sent to " + m.to(), json(m), "nothing"));
    }
  }

  private static boolean inOrder(List<Message> expected, List<TracedMessage> observed) {
    if (expected.size() != observed.size()) {
      return false;
    }
    for (int k = 0; k < expected.size(); k++) {
      if (!expected.get(k).equals(observed.get(k).message())) {
        return false;
      }
    }
    return true;
  }

  /**
   * The reads answered, in order: a served read's id and readIndex, a rejected read's id and, when
   * the trace reports it, the leader it named.
   */
  private static void reads(List<Output> expected, List<ReadAnswer> observed, List<FieldDiff> diffs) {
    int n = Math.max(expected.size(), observed.size());
    for (int k = 0; k < n; k++) {
      String e = k < expected.size() ? describe(expected.get(k), k < observed.size() ? observed.get(k) : null)
          : "nothing";
      String o = k < observed.size() ? describe(observed.get(k)) : "nothing";
      if (!e.equals(o)) {
        diffs.add(new FieldDiff("reads[" + k + "]", e, o));
      }
    }
  }

  /** The spec's answer in the words of {@link #describe(ReadAnswer)}, omitting a leader the trace omits. */
  private static String describe(Output spec, ReadAnswer seen) {
    boolean leader = !(seen instanceof ReadAnswer.Rejected r) || r.leaderReported();
    return switch (spec) {
      case Output.ReadReady r -> describe(new ReadAnswer.Served(r.requestId(), r.readIndex()));
      case Output.ReadRejected r -> describe(new ReadAnswer.Rejected(r.requestId(),
          leader ? r.leader() : Optional.empty(), leader));
      default -> throw new IllegalArgumentException("not a read answer: " + spec);
    };
  }

  private static String describe(ReadAnswer a) {
    return switch (a) {
      case ReadAnswer.Served s -> "read " + s.requestId() + " served at readIndex " + s.readIndex();
      case ReadAnswer.Rejected r -> "read " + r.requestId() + " rejected"
          + (r.leaderReported() ? ", leader " + name(r.leader()) : "");
    };
  }

  private static String json(Message m) {
    String s = TraceWriter.toJson(new TracedMessage(new io.refraft.traces.MessageId(m.from(), m.to(), 1), m));
    return s.replace("\"id\":\"" + m.from() + "/" + m.to() + "/1\",", "");
  }

  private static void field(String name, Object expected, Object observed, List<FieldDiff> diffs) {
    if (!expected.equals(observed)) {
      diffs.add(new FieldDiff(name, String.valueOf(expected), String.valueOf(observed)));
    }
  }

  private static String name(Optional<NodeId> id) {
    return id.map(NodeId::name).orElse("null");
  }
}
