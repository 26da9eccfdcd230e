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
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * A step's fields as traces/FORMAT.md names them, for the page's step panel, without what the page
 * holds elsewhere: node, seq and time are in the step's data array, the post-state too once the
 * spec explained the step, and a received message the page holds as sent is a reference to it
 * ({@code "ref"}: its number). Halves the page against the trace's own lines, which the browser
 * has to read before it can draw.
 */
final class StepJson {
  private StepJson() {}

  /**
   * Appends the step; {@code input} is its input as {@link #input} wrote it,
   * {@code withState} whether to write the post-state (a step the spec did not explain), {@code spec}
   * the spec's actions for the step (null: none), which the trace's, when equal, refer to.
   */
  static void append(StringBuilder sb, TraceStep s, CharSequence input, boolean withState, List<Action> spec) {
    sb.append("{\"input\":").append(input);
    if (s.actions().isPresent() && s.actions().get().equals(spec)) {
      sb.append(",\"actions\":1"); // the trace names the spec's actions
    } else {
      s.actions().ifPresent(as -> {
      sb.append(",\"actions\":[");
      for (int k = 0; k < as.size(); k++) {
        sb.append(k > 0 ? ",\"" : "\"").append(as.get(k).name()).append('"');
        }
        sb.append(']');
      });
    }
    if (withState) {
      state(sb, s.state());
    }
    if (s.persisted().isPresent() && !s.persisted().get().isEmpty()) {
      persisted(sb, s.persisted().get());
    }
    sb.append(",\"sent\":[");
    for (int k = 0; k < s.sent().size(); k++) {
      sb.append(k > 0 ? "," : "");
      message(sb, s.sent().get(k));
    }
    sb.append(']');
    if (!s.reads().isEmpty()) {
      sb.append(",\"reads\":[");
      for (int k = 0; k < s.reads().size(); k++) {
        sb.append(k > 0 ? "," : "");
        switch (s.reads().get(k)) {
          case ReadAnswer.Served r -> sb.append("{\"requestId\":").append(r.requestId())
              .append(",\"result\":\"Served\",\"readIndex\":").append(r.readIndex()).append('}');
          case ReadAnswer.Rejected r -> {
            sb.append("{\"requestId\":").append(r.requestId()).append(",\"result\":\"Rejected\"");
            if (r.leaderReported()) {
              sb.append(",\"leader\":");
              id(sb, r.leader());
            }
            sb.append('}');
          }
        }
      }
      sb.append(']');
    }
    sb.append('}');
  }

  /**
   * Appends the input's fields and returns what the diagram writes beside the step: the one place
   * that knows the input kinds, so a new kind is one more case here (and, if it wants a color of its
   * own, one entry in view.js's KINDS; the page shows any other kind by its name). {@code ref} is the
   * received message's number when the page holds its send, else -1.
   */
  static String input(StringBuilder sb, TraceInput in, int ref) {
    sb.append("{\"type\":\"").append(in.type()).append('"');
    String label = switch (in) {
      case TraceInput.MessageReceived r -> {
        if (ref >= 0) {
          sb.append(",\"ref\":").append(ref);
        } else {
          sb.append(",\"message\":");
          message(sb, r.message());
        }
        yield ""; // the page writes sender and type, which it holds anyway
      }
      case TraceInput.ElectionTimeout t -> "election timeout";
      case TraceInput.HeartbeatTimeout h -> {
        h.peer().ifPresent(p -> {
          sb.append(",\"peer\":");
          PageText.jsonString(sb, p.name());
        });
        yield "heartbeat" + h.peer().map(p -> " to " + p.name()).orElse("");
      }
      case TraceInput.ClientPropose p -> {
        sb.append(",\"payloads\":[");
        for (int k = 0; k < p.payloads().size(); k++) {
          sb.append(k > 0 ? ",{" : "{");
          payload(sb, p.payloads().get(k));
          sb.append('}');
        }
        sb.append(']');
        yield p.payloads().size() + (p.payloads().size() == 1 ? " command" : " commands");
      }
      case TraceInput.ReadIndexRequest r -> {
        sb.append(",\"requestId\":").append(r.requestId());
        yield "read " + r.requestId();
      }
      case TraceInput.Restart r -> "restart";
      case TraceInput.Persisted p -> {
        sb.append(",\"term\":").append(p.term()).append(",\"lastIndex\":").append(p.lastIndex())
            .append(",\"lastTerm\":").append(p.lastTerm());
        yield "durable through " + p.lastIndex();
      }
    };
    sb.append('}');
    return label;
  }

  private static void state(StringBuilder sb, StateSummary st) {
    sb.append(",\"state\":{\"term\":").append(st.term()).append(",\"vote\":");
    id(sb, st.vote());
    sb.append(",\"role\":\"").append(st.role().name()).append("\",\"commitIndex\":").append(st.commitIndex())
        .append(",\"lastLogIndex\":").append(st.lastLogIndex()).append(",\"lastLogTerm\":").append(st.lastLogTerm());
    if (st.leaderReported()) {
      sb.append(",\"leader\":");
      id(sb, st.leader());
    }
    sb.append('}');
  }

  private static void persisted(StringBuilder sb, Persisted p) {
    sb.append(",\"persisted\":{");
    Optional<Output.HardState> hs = p.hardState();
    if (hs.isPresent()) {
      sb.append("\"hardState\":{\"term\":").append(hs.get().term()).append(",\"vote\":");
      id(sb, hs.get().votedFor());
      sb.append('}');
    }
    p.log().ifPresent(l -> {
      sb.append(hs.isPresent() ? "," : "").append("\"log\":{\"from\":").append(l.firstIndex()).append(',');
      entries(sb, l.entries());
      sb.append('}');
    });
    sb.append('}');
  }

  private static void message(StringBuilder sb, TracedMessage tm) {
    Message m = tm.message();
    sb.append("{\"id\":");
    PageText.jsonString(sb, tm.id().from().name() + "/" + tm.id().to().name() + "/" + tm.id().seq());
    sb.append(",\"type\":\"").append(m.getClass().getSimpleName()).append("\",\"from\":");
    PageText.jsonString(sb, m.from().name());
    sb.append(",\"to\":");
    PageText.jsonString(sb, m.to().name());
    sb.append(",\"term\":").append(m.term());
    switch (m) {
      case Message.RequestVoteRequest r -> sb.append(",\"lastLogIndex\":").append(r.lastLogIndex())
          .append(",\"lastLogTerm\":").append(r.lastLogTerm()).append(",\"preVote\":").append(r.preVote());
      case Message.RequestVoteResponse r -> sb.append(",\"voteGranted\":").append(r.voteGranted())
          .append(",\"preVote\":").append(r.preVote());
      case Message.AppendEntriesRequest a -> {
        sb.append(",\"prevLogIndex\":").append(a.prevLogIndex()).append(",\"prevLogTerm\":").append(a.prevLogTerm())
            .append(',');
        entries(sb, a.entries());
        sb.append(",\"leaderCommit\":").append(a.leaderCommit());
        if (a.round() != 0) {
          sb.append(",\"round\":").append(a.round());
        }
      }
      case Message.AppendEntriesResponse a -> {
        sb.append(",\"success\":").append(a.success()).append(",\"matchIndex\":").append(a.matchIndex())
            .append(",\"conflictIndex\":").append(a.conflictIndex()).append(",\"conflictTerm\":")
            .append(a.conflictTerm());
        if (a.round() != 0) {
          sb.append(",\"round\":").append(a.round());
        }
      }
    }
    sb.append('}');
  }

  private static void entries(StringBuilder sb, java.util.List<Entry> es) {
    sb.append("\"entries\":[");
    for (int k = 0; k < es.size(); k++) {
      sb.append(k > 0 ? "," : "").append("{\"term\":").append(es.get(k).term()).append(',');
      payload(sb, es.get(k).payload());
      sb.append('}');
    }
    sb.append(']');
  }

  /** A payload's fields, without the closing brace of the object they are in (an entry adds its term first). */
  private static void payload(StringBuilder sb, Payload p) {
    switch (p) {
      case Payload.NoOp n -> sb.append("\"type\":\"NoOp\"");
      case Payload.Data d -> sb.append("\"type\":\"Data\",\"data\":\"")
          .append(Base64.getEncoder().encodeToString(d.toByteArray())).append('"');
    }
  }

  private static void id(StringBuilder sb, Optional<NodeId> id) {
    if (id.isPresent()) {
      PageText.jsonString(sb, id.get().name());
    } else {
      sb.append("null");
    }
  }
}
