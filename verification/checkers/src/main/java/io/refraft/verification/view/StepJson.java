package io.refraft.verification.view;

import io.refraft.spec.Action;
import io.refraft.spec.Entry;
import io.refraft.spec.Message;
import io.refraft.spec.NodeId;
import io.refraft.spec.Output;
import io.refraft.spec.Payload;
import io.refraft.traces.Persisted;
import io.refraft.traces.ReadAnswer;
import io.refraft.traces.StateSummary;
import io.refraft.traces.TraceInput;
import io.refraft.traces.TraceStep;
import io.refraft.traces.TracedMessage;
import java.util.List;
import java.util.Optional;
import java.util.function.ToIntFunction;

/**
 * A step's fields for the page's step panel, positionally (view.js's {@code expand} turns them back
 * into the fields traces/FORMAT.md names), without what the page holds elsewhere: node, seq, time
 * and the input's type are in the step's data array, the post-state too once the spec explained
 * the step, and a received message the page holds as sent is a reference to it ({@code "ref"}:
 * its number). The array: [input fields, actions, state, persisted, sent, reads, applied], where
 * <ul>
 *   <li>actions: 1 the trace names the spec's actions, 0 it names none, else the names;
 *   <li>state: 0, or the trace's state summary for a step the spec did not explain;
 *   <li>persisted: 0, or [hard state: 0 | [term, vote], log: 0 | [from, entries]] and, when a snapshot was
 *       written, a third element [index, term, digest as 16 hex digits];
 *   <li>a message: [code, from, to, id seq, term, fields by type (see {@link #message})], nodes
 *       by index; one whose id and fields name different ends is written with its field names;
 *   <li>entries, payloads: flat, a term then the payload (base64, or 0 for a no-op).
 * </ul>
 * The trace's own lines are 1.5 times as long and writing them kept generation slower than validation.
 */
final class StepJson {
  private StepJson() {}

  /**
   * Ends the detail array that {@link #input} began; {@code withState} whether to write the trace's
   * post-state, {@code spec} the spec's actions (null: none).
   */
  static void append(PageBytes b, TraceStep s, boolean withState, List<Action> spec, ToIntFunction<NodeId> index) {
    b.ch(',');
    if (s.actions().isEmpty()) {
      b.ch('0');
    } else if (same(s.actions().get(), spec)) {
      b.ch('1');
    } else {
      List<Action> as = s.actions().get();
      b.ch('[');
      for (int k = 0; k < as.size(); k++) {
        (k > 0 ? b.ch(',') : b).ch('"').ascii(as.get(k).name()).ch('"');
      }
      b.ch(']');
    }
    b.ch(',');
    if (withState) {
      state(b, s.state());
    } else {
      b.ch('0');
    }
    b.ch(',');
    if (s.persisted().isPresent() && !s.persisted().get().isEmpty()) {
      persisted(b, s.persisted().get());
    } else {
      b.ch('0');
    }
    b.ch(',').ch('[');
    for (int k = 0; k < s.sent().size(); k++) {
      if (k > 0) {
        b.ch(',');
      }
      message(b, s.sent().get(k), index);
    }
    b.ch(']').ch(',');
    if (s.reads().isEmpty()) {
      b.ch('0');
    } else {
      reads(b, s.reads());
    }
    b.ch(',');
    if (s.applied().isPresent()) {
      b.num(s.applied().getAsLong());
    } else {
      b.ch('0');
    }
    b.ch(']');
  }

  /** List equality without an iterator per step. */
  private static boolean same(List<Action> a, List<Action> b) {
    if (b == null || a.size() != b.size()) {
      return false;
    }
    for (int k = 0; k < a.size(); k++) {
      if (a.get(k) != b.get(k)) {
        return false;
      }
    }
    return true;
  }

  private static void reads(PageBytes b, List<ReadAnswer> reads) {
    b.ch('[');
    for (int k = 0; k < reads.size(); k++) {
      b.ascii(k > 0 ? "," : "");
      switch (reads.get(k)) {
        case ReadAnswer.Served r -> b.ascii("{\"requestId\":").num(r.requestId())
            .ascii(",\"result\":\"Served\",\"readIndex\":").num(r.readIndex()).ch('}');
        case ReadAnswer.Rejected r -> {
          b.ascii("{\"requestId\":").num(r.requestId()).ascii(",\"result\":\"Rejected\"");
          if (r.leaderReported()) {
            b.ascii(",\"leader\":");
            id(b, r.leader());
          }
          b.ch('}');
        }
      }
    }
    b.ch(']');
  }

  /**
   * Begins the detail array with the input's fields (its type is in the data array) and returns
   * what the diagram writes beside the step: the one place that knows the input kinds, so a new kind
   * is one more case here (and, if it wants a color of its own, one entry in view.js's KINDS; the
   * page shows any other kind by its name). {@code ref} is the received message's number when the
   * page holds its send, else -1.
   */
  static String input(PageBytes b, TraceInput in, int ref, ToIntFunction<NodeId> index) {
    b.ascii("[{");
    String label = switch (in) {
      case TraceInput.MessageReceived r -> {
        if (ref >= 0) {
          b.ascii("\"ref\":").num(ref);
        } else {
          b.ascii("\"message\":");
          message(b, r.message(), index);
        }
        yield ""; // the page writes sender and type, which it holds anyway
      }
      case TraceInput.ElectionTimeout t -> "election timeout";
      case TraceInput.HeartbeatTimeout h -> {
        h.peer().ifPresent(p -> b.ascii("\"peer\":").str(p.name()));
        yield "heartbeat" + h.peer().map(p -> " to " + p.name()).orElse("");
      }
      case TraceInput.ClientPropose p -> {
        b.ascii("\"payloads\":[");
        for (int k = 0; k < p.payloads().size(); k++) {
          (k > 0 ? b.ch(',') : b).payload(p.payloads().get(k));
        }
        b.ch(']');
        yield p.payloads().size() + (p.payloads().size() == 1 ? " command" : " commands");
      }
      case TraceInput.ReadIndexRequest r -> {
        b.ascii("\"requestId\":").num(r.requestId());
        yield "read " + r.requestId();
      }
      case TraceInput.Restart r -> "restart";
      case TraceInput.TakeSnapshot t -> {
        b.ascii("\"index\":").num(t.index());
        yield "snapshot through " + t.index();
      }
      case TraceInput.ChangeMembership c -> {
        b.configurationFields(c.next());
        yield "configuration " + c.next();
      }
      case TraceInput.TransferLeadership t -> {
        b.ascii("\"target\":").str(t.target().name());
        yield "transfer to " + t.target().name();
      }
      case TraceInput.Persisted p -> {
        b.ascii("\"term\":").num(p.term()).ascii(",\"vote\":");
        id(b, p.vote());
        b.ascii(",\"lastIndex\":").num(p.lastIndex()).ascii(",\"lastTerm\":").num(p.lastTerm());
        yield "durable through " + p.lastIndex();
      }
    };
    b.ch('}');
    return label;
  }

  private static void state(PageBytes b, StateSummary st) {
    b.ascii("{\"term\":").num(st.term()).ascii(",\"vote\":");
    id(b, st.vote());
    b.ascii(",\"role\":\"").ascii(st.role().name()).ascii("\",\"commitIndex\":").num(st.commitIndex())
        .ascii(",\"lastLogIndex\":").num(st.lastLogIndex()).ascii(",\"lastLogTerm\":").num(st.lastLogTerm());
    if (st.leaderReported()) {
      b.ascii(",\"leader\":");
      id(b, st.leader());
    }
    b.ch('}');
  }

  private static void persisted(PageBytes b, Persisted p) {
    b.ch('[');
    Optional<Output.HardState> hs = p.hardState();
    if (hs.isPresent()) {
      b.ch('[').num(hs.get().term()).ch(',');
      id(b, hs.get().votedFor());
      b.ch(']');
    } else {
      b.ch('0');
    }
    b.ch(',');
    if (p.log().isPresent()) {
      b.ch('[').num(p.log().get().firstIndex()).ch(',');
      entries(b, p.log().get().entries());
      b.ch(']');
    } else {
      b.ch('0');
    }
    if (p.snapshot().isPresent()) {
      io.refraft.spec.Snapshot s = p.snapshot().get().snapshot();
      b.ch(',').ch('[').num(s.index()).ch(',').num(s.term()).ch(',').str(String.format("%016x", s.digest()));
      s.membership().ifPresent(m -> b.ch(',').ch('{').configurationFields(m).ch('}'));
      b.ch(']');
    }
    b.ch(']');
  }

  /**
   * [code, from, to, seq, term, ...]: RequestVoteRequest lastLogIndex, lastLogTerm;
   * RequestVoteResponse voteGranted; AppendEntriesRequest prevLogIndex, prevLogTerm, entries,
   * leaderCommit, round; AppendEntriesResponse success, matchIndex, conflictIndex, conflictTerm, round.
   */
  static void message(PageBytes b, TracedMessage tm, ToIntFunction<NodeId> index) {
    Message m = tm.message();
    int from = index.applyAsInt(tm.id().from());
    int to = index.applyAsInt(tm.id().to());
    if (from < 0 || to < 0 || !m.from().equals(tm.id().from()) || !m.to().equals(tm.id().to())
        || m instanceof Message.InstallSnapshotRequest || m instanceof Message.InstallSnapshotResponse
        || m instanceof Message.TimeoutNow || (m instanceof Message.RequestVoteRequest r && r.transfer())) {
      named(b, tm);
      return;
    }
    b.ascii("[\"").ascii(StepEncoder.code(m)).ascii("\",").num(from).ch(',').num(to).ch(',').exact(tm.id().seq())
        .ch(',').num(m.term()).ch(',');
    switch (m) {
      case Message.RequestVoteRequest r -> b.num(r.lastLogIndex()).ch(',').num(r.lastLogTerm());
      case Message.RequestVoteResponse r -> b.bool(r.voteGranted());
      case Message.AppendEntriesRequest a -> {
        b.num(a.prevLogIndex()).ch(',').num(a.prevLogTerm()).ch(',');
        entries(b, a.entries());
        b.ch(',').num(a.leaderCommit()).ch(',').num(a.round());
      }
      case Message.AppendEntriesResponse a -> b.bool(a.success()).ch(',').num(a.matchIndex()).ch(',')
          .num(a.conflictIndex()).ch(',').num(a.conflictTerm()).ch(',').num(a.round());
      case Message.InstallSnapshotRequest s -> throw new IllegalStateException("written named");
      case Message.InstallSnapshotResponse s -> throw new IllegalStateException("written named");
      case Message.TimeoutNow s -> throw new IllegalStateException("written named");
    }
    b.ch(']');
  }

  /** A message with its fields named as traces/FORMAT.md names them (the rare one the compact form cannot hold). */
  private static void named(PageBytes b, TracedMessage tm) {
    Message m = tm.message();
    b.ascii("{\"id\":").str(tm.id().from().name() + "/" + tm.id().to().name() + "/" + tm.id().seq())
        .ascii(",\"type\":\"").ascii(m.getClass().getSimpleName()).ascii("\",\"from\":").str(m.from().name())
        .ascii(",\"to\":").str(m.to().name()).ascii(",\"term\":").num(m.term());
    switch (m) {
      case Message.RequestVoteRequest r -> b.ascii(",\"lastLogIndex\":").num(r.lastLogIndex())
          .ascii(",\"lastLogTerm\":").num(r.lastLogTerm()).ascii(",\"preVote\":").ascii(String.valueOf(r.preVote()))
          .ascii(r.transfer() ? ",\"transfer\":true" : "");
      case Message.RequestVoteResponse r -> b.ascii(",\"voteGranted\":").ascii(String.valueOf(r.voteGranted()))
          .ascii(",\"preVote\":").ascii(String.valueOf(r.preVote()));
      case Message.AppendEntriesRequest a -> {
        b.ascii(",\"prevLogIndex\":").num(a.prevLogIndex()).ascii(",\"prevLogTerm\":").num(a.prevLogTerm())
            .ascii(",\"entries\":[");
        for (int k = 0; k < a.entries().size(); k++) {
          Entry e = a.entries().get(k);
          b.ascii(k > 0 ? ",{\"term\":" : "{\"term\":").num(e.term()).ascii(",\"type\":\"");
          switch (e.payload()) {
            case Payload.NoOp n -> b.ascii("NoOp\"}");
            case Payload.Data d -> b.ascii("Data\",\"data\":").payload(d).ch('}');
            case Payload.Configuration c -> b.ascii("Configuration\",").configurationFields(c.membership()).ch('}');
          }
        }
        b.ascii("],\"leaderCommit\":").num(a.leaderCommit());
        round(b, a.round());
      }
      case Message.AppendEntriesResponse a -> {
        b.ascii(",\"success\":").ascii(String.valueOf(a.success()))
            .ascii(",\"matchIndex\":").num(a.matchIndex()).ascii(",\"conflictIndex\":").num(a.conflictIndex())
            .ascii(",\"conflictTerm\":").num(a.conflictTerm());
        round(b, a.round());
      }
      case Message.InstallSnapshotRequest s -> b.ascii(",\"snapshot\":{\"index\":").num(s.snapshot().index())
          .ascii(",\"term\":").num(s.snapshot().term()).ascii(",\"digest\":")
          .str(String.format("%016x", s.snapshot().digest()))
          .ascii(s.snapshot().membership().isPresent() ? ",\"configuration\":{" : "")
          .configurationFieldsIfPresent(s.snapshot().membership()).ch('}');
      case Message.InstallSnapshotResponse s -> b.ascii(",\"matchIndex\":").num(s.matchIndex());
      case Message.TimeoutNow s -> { }
    }
    b.ch('}');
  }

  /** A round is written only when not 0, as traces/FORMAT.md writes it. */
  private static void round(PageBytes b, long round) {
    if (round != 0) {
      b.ascii(",\"round\":").num(round);
    }
  }

  /** Flat: term, payload, term, payload, ... */
  private static void entries(PageBytes b, List<Entry> es) {
    b.ch('[');
    for (int k = 0; k < es.size(); k++) {
      Entry e = es.get(k);
      (k > 0 ? b.ch(',') : b).num(e.term()).ch(',').payload(e.payload());
    }
    b.ch(']');
  }

  private static void id(PageBytes b, Optional<NodeId> id) {
    if (id.isPresent()) {
      b.str(id.get().name());
    } else {
      b.ascii("null");
    }
  }
}
