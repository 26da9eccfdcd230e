package io.refraft.traces;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.refraft.spec.Action;
import io.refraft.spec.Config;
import io.refraft.spec.Entry;
import io.refraft.spec.Membership;
import io.refraft.spec.Message;
import io.refraft.spec.NodeId;
import io.refraft.spec.Output;
import io.refraft.spec.Payload;
import java.io.IOException;
import java.io.StringWriter;
import java.io.Writer;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Writes a trace as NDJSON, one line per {@link #header} or {@link #step} call, fields in the order
 * FORMAT.md lists them. Not thread-safe; the caller owns the writer and closes it.
 */
public final class TraceWriter implements AutoCloseable {
  static final JsonFactory JSON = JsonFactory.builder().build();

  private final Writer out;
  private final JsonGenerator g;

  public TraceWriter(Writer out) throws IOException {
    this.out = out;
    this.g = JSON.createGenerator(out);
    g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
    g.setRootValueSeparator(null); // one object per line, nothing between them but the newline
  }

  /** The header line. */
  public void header(TraceHeader h) throws IOException {
    g.writeStartObject();
    g.writeStringField("format", TraceHeader.FORMAT);
    g.writeNumberField("version", h.version());
    g.writeArrayFieldStart("nodes");
    for (NodeId id : h.config().members()) {
      g.writeString(id.name());
    }
    g.writeEndArray();
    if (!h.joining().isEmpty()) {
      ids("joining", h.joining());
    }
    if (h.node().isPresent()) {
      g.writeStringField("node", h.node().get().name());
    }
    Config c = h.config();
    g.writeObjectFieldStart("config");
    g.writeBooleanField("preVote", c.preVote());
    g.writeBooleanField("checkQuorum", c.checkQuorum());
    g.writeNumberField("maxBatch", c.maxBatch());
    g.writeBooleanField("leaderNoop", c.leaderNoop());
    g.writeBooleanField("eagerSend", c.eagerSend());
    if (c.confOnApply()) {
      g.writeBooleanField("confOnApply", true);
    }
    g.writeEndObject();
    g.writeObjectFieldStart("network");
    g.writeBooleanField("duplicates", h.network().duplicates());
    g.writeEndObject();
    g.writeStringField("persistence", h.persistence().name());
    g.writeObjectFieldStart("source");
    g.writeStringField("implementation", h.source().implementation());
    g.writeStringField("description", h.source().description());
    g.writeEndObject();
    g.writeEndObject();
    endLine();
  }

  /** One step line. */
  public void step(TraceStep s) throws IOException {
    g.writeStartObject();
    g.writeStringField("node", s.node().name());
    g.writeNumberField("seq", s.seq());
    if (s.time().isPresent()) {
      g.writeNumberField("time", s.time().getAsLong());
    }
    g.writeFieldName("input");
    input(s.input());
    if (s.actions().isPresent()) {
      g.writeArrayFieldStart("actions");
      for (Action a : s.actions().get()) {
        g.writeString(a.name());
      }
      g.writeEndArray();
    }
    g.writeFieldName("state");
    state(s.state());
    if (s.persisted().isPresent() && !s.persisted().get().isEmpty()) {
      g.writeFieldName("persisted");
      persisted(s.persisted().get());
    }
    g.writeArrayFieldStart("sent");
    for (TracedMessage m : s.sent()) {
      message(m);
    }
    g.writeEndArray();
    if (!s.reads().isEmpty()) {
      g.writeArrayFieldStart("reads");
      for (ReadAnswer a : s.reads()) {
        read(a);
      }
      g.writeEndArray();
    }
    if (s.applied().isPresent()) {
      g.writeNumberField("applied", s.applied().getAsLong());
    }
    g.writeEndObject();
    endLine();
  }

  private void endLine() throws IOException {
    g.flush();
    out.write('\n');
  }

  @Override
  public void close() throws IOException {
    g.close();
    out.flush();
  }

  /** One message as a JSON object on its own, e.g. for error messages and reports. */
  public static String toJson(TracedMessage m) {
    StringWriter sw = new StringWriter();
    try (TraceWriter w = new TraceWriter(sw)) {
      w.message(m);
      w.g.flush();
    } catch (IOException e) {
      throw new IllegalStateException("writing to a string failed", e);
    }
    return sw.toString();
  }

  private void input(TraceInput in) throws IOException {
    g.writeStartObject();
    g.writeStringField("type", in.type());
    switch (in) {
      case TraceInput.MessageReceived r -> {
        g.writeFieldName("message");
        message(r.message());
      }
      case TraceInput.ElectionTimeout t -> { }
      case TraceInput.HeartbeatTimeout h -> {
        if (h.peer().isPresent()) {
          g.writeStringField("peer", h.peer().get().name());
        }
      }
      case TraceInput.ClientPropose p -> {
        g.writeArrayFieldStart("payloads");
        for (Payload payload : p.payloads()) {
          g.writeStartObject();
          payload(payload);
          g.writeEndObject();
        }
        g.writeEndArray();
      }
      case TraceInput.ReadIndexRequest r -> g.writeNumberField("requestId", r.requestId());
      case TraceInput.Restart r -> { }
      case TraceInput.TakeSnapshot t -> g.writeNumberField("index", t.index());
      case TraceInput.ChangeMembership c -> configuration(c.next());
      case TraceInput.TransferLeadership t -> g.writeStringField("target", t.target().name());
      case TraceInput.Persisted p -> {
        g.writeNumberField("term", p.term());
        g.writeFieldName("vote");
        if (p.vote().isPresent()) {
          g.writeString(p.vote().get().name());
        } else {
          g.writeNull();
        }
        g.writeNumberField("lastIndex", p.lastIndex());
        g.writeNumberField("lastTerm", p.lastTerm());
      }
    }
    g.writeEndObject();
  }

  private void read(ReadAnswer a) throws IOException {
    g.writeStartObject();
    g.writeNumberField("requestId", a.requestId());
    g.writeStringField("result", a.result());
    switch (a) {
      case ReadAnswer.Served r -> g.writeNumberField("readIndex", r.readIndex());
      case ReadAnswer.Rejected r -> {
        if (r.leaderReported()) {
          nullableId("leader", r.leader());
        }
      }
    }
    g.writeEndObject();
  }

  private void state(StateSummary s) throws IOException {
    g.writeStartObject();
    g.writeNumberField("term", s.term());
    nullableId("vote", s.vote());
    g.writeStringField("role", s.role().name());
    g.writeNumberField("commitIndex", s.commitIndex());
    g.writeNumberField("lastLogIndex", s.lastLogIndex());
    g.writeNumberField("lastLogTerm", s.lastLogTerm());
    if (s.leaderReported()) {
      nullableId("leader", s.leader());
    }
    if (!s.match().isEmpty()) {
      g.writeObjectFieldStart("match");
      for (Map.Entry<NodeId, Long> e : new TreeMap<>(s.match()).entrySet()) {
        g.writeNumberField(e.getKey().name(), e.getValue());
      }
      g.writeEndObject();
    }
    g.writeEndObject();
  }

  private void persisted(Persisted p) throws IOException {
    g.writeStartObject();
    if (p.hardState().isPresent()) {
      Output.HardState h = p.hardState().get();
      g.writeObjectFieldStart("hardState");
      g.writeNumberField("term", h.term());
      nullableId("vote", h.votedFor());
      g.writeEndObject();
    }
    if (p.snapshot().isPresent()) {
      snapshot(p.snapshot().get().snapshot());
    }
    if (p.log().isPresent()) {
      Output.LogSuffix l = p.log().get();
      g.writeObjectFieldStart("log");
      g.writeNumberField("from", l.firstIndex());
      entries(l.entries());
      g.writeEndObject();
    }
    g.writeEndObject();
  }

  private void message(TracedMessage tm) throws IOException {
    Message m = tm.message();
    g.writeStartObject();
    g.writeStringField("id", tm.id().toString());
    g.writeStringField("type", MessageTypes.name(m));
    g.writeStringField("from", m.from().name());
    g.writeStringField("to", m.to().name());
    g.writeNumberField("term", m.term());
    switch (m) {
      case Message.RequestVoteRequest r -> {
        g.writeNumberField("lastLogIndex", r.lastLogIndex());
        g.writeNumberField("lastLogTerm", r.lastLogTerm());
        g.writeBooleanField("preVote", r.preVote());
        if (r.transfer()) {
          g.writeBooleanField("transfer", true);
        }
      }
      case Message.RequestVoteResponse r -> {
        g.writeBooleanField("voteGranted", r.voteGranted());
        g.writeBooleanField("preVote", r.preVote());
      }
      case Message.AppendEntriesRequest r -> {
        g.writeNumberField("prevLogIndex", r.prevLogIndex());
        g.writeNumberField("prevLogTerm", r.prevLogTerm());
        entries(r.entries());
        g.writeNumberField("leaderCommit", r.leaderCommit());
        if (r.round() != 0) {
          g.writeNumberField("round", r.round());
        }
      }
      case Message.AppendEntriesResponse r -> {
        g.writeBooleanField("success", r.success());
        g.writeNumberField("matchIndex", r.matchIndex());
        g.writeNumberField("conflictIndex", r.conflictIndex());
        g.writeNumberField("conflictTerm", r.conflictTerm());
        if (r.round() != 0) {
          g.writeNumberField("round", r.round());
        }
      }
      case Message.InstallSnapshotRequest r -> snapshot(r.snapshot());
      case Message.InstallSnapshotResponse r -> g.writeNumberField("matchIndex", r.matchIndex());
      case Message.TimeoutNow r -> { }
    }
    g.writeEndObject();
  }

  /**
   * {@code "snapshot": {"index", "term", "digest"}}, the digest as 16 lowercase hex digits, and the
   * snapshot's {@code configuration} when it holds one (revision 6).
   */
  private void snapshot(io.refraft.spec.Snapshot s) throws IOException {
    g.writeObjectFieldStart("snapshot");
    g.writeNumberField("index", s.index());
    g.writeNumberField("term", s.term());
    g.writeStringField("digest", String.format("%016x", s.digest()));
    if (s.membership().isPresent()) {
      g.writeObjectFieldStart("configuration");
      configuration(s.membership().get());
      g.writeEndObject();
    }
    g.writeEndObject();
  }

  /** The four fields of a configuration (FORMAT.md §7), into the object being written. */
  private void configuration(Membership m) throws IOException {
    ids("voters", m.voters());
    ids("outgoing", m.outgoing());
    ids("learners", m.learners());
    g.writeBooleanField("autoLeave", m.autoLeave());
  }

  private void ids(String field, List<NodeId> ids) throws IOException {
    g.writeArrayFieldStart(field);
    for (NodeId id : ids) {
      g.writeString(id.name());
    }
    g.writeEndArray();
  }

  private void entries(List<Entry> es) throws IOException {
    g.writeArrayFieldStart("entries");
    for (Entry e : es) {
      g.writeStartObject();
      g.writeNumberField("term", e.term());
      payload(e.payload());
      g.writeEndObject();
    }
    g.writeEndArray();
  }

  private void payload(Payload p) throws IOException {
    switch (p) {
      case Payload.NoOp n -> g.writeStringField("type", "NoOp");
      case Payload.Data d -> {
        g.writeStringField("type", "Data");
        g.writeStringField("data", Base64.getEncoder().encodeToString(d.toByteArray()));
      }
      case Payload.Configuration c -> {
        g.writeStringField("type", "Configuration");
        configuration(c.membership());
      }
    }
  }

  private void nullableId(String field, Optional<NodeId> id) throws IOException {
    if (id.isPresent()) {
      g.writeStringField(field, id.get().name());
    } else {
      g.writeNullField(field);
    }
  }
}
