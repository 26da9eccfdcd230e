package io.refraft.traces;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.refraft.spec.Config;
import io.refraft.spec.Input;
import io.refraft.spec.NodeState;
import io.refraft.spec.Payload;
import io.refraft.spec.Raft;
import io.refraft.spec.Transition;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class TraceReaderTest {
  private static final String HEADER = "{\"format\":\"refraft-trace\",\"version\":1,\"nodes\":[\"n1\",\"n2\",\"n3\"],"
      + "\"config\":{\"preVote\":true,\"checkQuorum\":true,\"maxBatch\":1024,\"leaderNoop\":true,\"eagerSend\":true},"
      + "\"source\":{\"implementation\":\"test\"}}";
  private static final String STEP = "{\"node\":\"n1\",\"seq\":1,\"input\":{\"type\":\"ElectionTimeout\"},"
      + "\"state\":{\"term\":0,\"vote\":null,\"role\":\"PreCandidate\",\"commitIndex\":0,\"lastLogIndex\":0,"
      + "\"lastLogTerm\":0},\"sent\":[]}";

  private static List<TraceStep> read(String text) throws IOException, TraceFormatException {
    try (TraceReader r = new TraceReader("t.ndjson", new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)))) {
      List<TraceStep> out = new ArrayList<>();
      for (TraceStep s = r.next(); s != null; s = r.next()) {
        out.add(s);
      }
      return out;
    }
  }

  private static TraceFormatException malformed(String text) {
    return assertThrows(TraceFormatException.class, () -> read(text));
  }

  /** A few spec steps of a 3-node cluster, written and read back: the records come back equal. */
  @Test
  void what_the_writer_writes_reads_back_equal() throws Exception {
    Config config = Config.ofSize(3);
    TraceRecorder rec = new TraceRecorder(config);
    NodeState n1 = NodeState.initial(config.members().get(0), config);
    NodeState n2 = NodeState.initial(config.members().get(1), config);
    List<TraceStep> steps = new ArrayList<>();
    Transition t1 = Raft.step(n1, new Input.ElectionTimeout());
    steps.add(rec.record(n1, new Input.ElectionTimeout(), t1, OptionalLong.of(5)));
    var m = ((io.refraft.spec.Output.Send) t1.outputs().stream().filter(o -> o instanceof io.refraft.spec.Output.Send)
        .findFirst().orElseThrow()).message();
    Input in = new Input.MessageReceived(m);
    steps.add(rec.record(n2, in, Raft.step(n2, in), OptionalLong.empty()));
    Input propose = Input.ClientPropose.of(Payload.Data.of((byte) 0, (byte) -1, (byte) 7));
    NodeState after = t1.next();
    steps.add(rec.record(after, propose, Raft.step(after, propose), OptionalLong.of(9)));
    StringWriter sw = new StringWriter();
    try (TraceWriter w = new TraceWriter(sw)) {
      w.header(TraceHeader.of(config, TraceHeader.NetworkModel.NO_DUPLICATES, TraceHeader.Persistence.explicit,
          new TraceHeader.Source("test", "round trip")));
      for (TraceStep s : steps) {
        w.step(s);
      }
    }
    assertEquals(steps, read(sw.toString()));
    assertEquals(4, sw.toString().lines().count());
  }

  @Test
  void a_header_only_trace_has_no_steps_and_defaults() throws Exception {
    try (TraceReader r = new TraceReader("t", new ByteArrayInputStream((HEADER + "\n").getBytes(StandardCharsets.UTF_8)))) {
      assertEquals(TraceHeader.Persistence.explicit, r.header().persistence());
      assertEquals(false, r.header().network().duplicates());
      assertNull(r.next());
    }
  }

  @Test
  void extension_fields_are_ignored_and_blank_lines_skipped() throws Exception {
    String step = STEP.replace("\"seq\":1,", "\"seq\":1,\"x-loop\":{\"iteration\":[1,2]},");
    assertEquals(1, read(HEADER + "\n\n" + step + "\r\n").size());
  }

  @Test
  void match_is_read_for_a_leader_and_refused_otherwise() throws Exception {
    String leader = STEP.replace("\"role\":\"PreCandidate\",\"commitIndex\":0,\"lastLogIndex\":0,\"lastLogTerm\":0",
        "\"role\":\"Leader\",\"commitIndex\":0,\"lastLogIndex\":2,\"lastLogTerm\":1,\"match\":{\"n2\":2,\"n3\":0}");
    assertEquals(java.util.Map.of(io.refraft.spec.NodeId.of("n2"), 2L, io.refraft.spec.NodeId.of("n3"), 0L),
        read(HEADER + "\n" + leader + "\n").get(0).state().match());
    TraceFormatException follower = malformed(HEADER + "\n" + STEP.replace("\"lastLogTerm\":0}",
        "\"lastLogTerm\":0,\"match\":{\"n2\":0}}") + "\n");
    assertEquals(2, follower.line());
    assertTrue(follower.reason().contains("only a leader reports match"), follower.getMessage());
    TraceFormatException beyond = malformed(HEADER + "\n" + leader.replace("\"n2\":2", "\"n2\":3") + "\n");
    assertTrue(beyond.reason().contains("match of n2 is 3, outside 0..2"), beyond.getMessage());
    TraceFormatException negative = malformed(HEADER + "\n" + leader.replace("\"n2\":2", "\"n2\":-1") + "\n");
    assertTrue(negative.reason().contains("state.match.n2"), negative.getMessage());
  }

  @Test
  void missing_header_names_line_1() {
    TraceFormatException e = malformed(STEP + "\n");
    assertEquals(1, e.line());
    assertTrue(e.reason().startsWith("missing header"), e.getMessage());
  }

  @Test
  void empty_file_is_a_missing_header() {
    assertTrue(malformed("").getMessage().startsWith("t.ndjson:1: empty file"));
  }

  @Test
  void unknown_version_is_rejected() {
    TraceFormatException e = malformed(HEADER.replace("\"version\":1", "\"version\":2") + "\n");
    assertEquals("t.ndjson:1: unknown version 2 (this reader knows version 1)", e.getMessage());
  }

  @Test
  void truncated_last_line_names_its_line() {
    String text = HEADER + "\n" + STEP + "\n" + STEP.replace("\"seq\":1", "\"seq\":2").substring(0, 60);
    TraceFormatException e = malformed(text);
    assertEquals(3, e.line());
    assertTrue(e.reason().startsWith("truncated last line"), e.getMessage());
  }

  @Test
  void seq_must_count_up_by_one_per_node() {
    TraceFormatException e = malformed(HEADER + "\n" + STEP + "\n" + STEP + "\n");
    assertEquals(3, e.line());
    assertTrue(e.reason().contains("seq 1 of n1 where 2 was due"), e.getMessage());
    assertEquals(2, malformed(HEADER + "\n" + STEP.replace("\"seq\":1", "\"seq\":3") + "\n").line());
  }

  @Test
  void unknown_input_type_is_rejected() {
    TraceFormatException e = malformed(HEADER + "\n" + STEP.replace("ElectionTimeout", "Tick") + "\n");
    assertEquals(2, e.line());
    assertTrue(e.reason().startsWith("unknown input type 'Tick'"), e.getMessage());
  }

  @Test
  void unknown_message_type_and_misplaced_fields_are_rejected() {
    String msg = "{\"id\":\"n1/n2/1\",\"type\":\"Snapshot\",\"from\":\"n1\",\"to\":\"n2\",\"term\":1}";
    TraceFormatException e = malformed(HEADER + "\n" + STEP.replace("\"sent\":[]", "\"sent\":[" + msg + "]") + "\n");
    assertTrue(e.reason().contains("unknown message type 'Snapshot'"), e.getMessage());
    String wrong = "{\"id\":\"n1/n2/1\",\"type\":\"RequestVoteResponse\",\"from\":\"n1\",\"to\":\"n2\",\"term\":1,"
        + "\"voteGranted\":true,\"preVote\":false,\"success\":true}";
    e = malformed(HEADER + "\n" + STEP.replace("\"sent\":[]", "\"sent\":[" + wrong + "]") + "\n");
    assertTrue(e.reason().contains("field 'success' does not belong to a RequestVoteResponse"), e.getMessage());
  }

  /** Revision 5: snapshots in messages, persisted records and the TakeSnapshot input read back; a bad digest names its field. */
  @Test
  void snapshots_read_back_and_a_malformed_one_names_the_field() throws Exception {
    String snap = "{\"index\":2,\"term\":1,\"digest\":\"00000000000000ff\"}";
    String msg = "{\"id\":\"n1/n2/1\",\"type\":\"InstallSnapshotRequest\",\"from\":\"n1\",\"to\":\"n2\",\"term\":1,"
        + "\"snapshot\":" + snap + "}";
    List<TraceStep> steps = read(HEADER + "\n" + STEP.replace("\"sent\":[]", "\"persisted\":{\"snapshot\":" + snap
        + "},\"sent\":[" + msg + "]") + "\n");
    io.refraft.spec.Snapshot expected = new io.refraft.spec.Snapshot(2, 1, 0xff);
    assertEquals(Optional.of(new io.refraft.spec.Output.SaveSnapshot(expected)), steps.get(0).persisted().orElseThrow()
        .snapshot());
    assertEquals(expected, ((io.refraft.spec.Message.InstallSnapshotRequest) steps.get(0).sent().get(0).message())
        .snapshot());
    assertEquals(new TraceInput.TakeSnapshot(3), read(HEADER + "\n" + STEP.replace("{\"type\":\"ElectionTimeout\"}",
        "{\"type\":\"TakeSnapshot\",\"index\":3}") + "\n").get(0).input());
    TraceFormatException e = malformed(HEADER + "\n" + STEP.replace("\"sent\":[]",
        "\"persisted\":{\"snapshot\":" + snap.replace("00000000000000ff", "xyz") + "},\"sent\":[]") + "\n");
    assertTrue(e.reason().contains("persisted.snapshot.digest' must be 16 lowercase hex digits"), e.getMessage());
    e = malformed(HEADER + "\n" + STEP.replace("{\"type\":\"ElectionTimeout\"}", "{\"type\":\"TakeSnapshot\"}") + "\n");
    assertTrue(e.reason().contains("a TakeSnapshot input needs 'index' >= 1"), e.getMessage());
  }

  @Test
  void unknown_fields_actions_and_roles_are_rejected() {
    assertTrue(malformed(HEADER + "\n" + STEP.replace("\"seq\":1,", "\"seq\":1,\"sqe\":1,") + "\n").reason()
        .contains("unknown field 'sqe'"));
    assertTrue(malformed(HEADER + "\n" + STEP.replace("\"sent\":[]", "\"actions\":[\"Elect\"],\"sent\":[]") + "\n")
        .reason().contains("unknown action 'Elect'"));
    assertTrue(malformed(HEADER + "\n" + STEP.replace("PreCandidate", "Observer") + "\n").reason()
        .contains("unknown role 'Observer'"));
  }

  @Test
  void wrong_types_and_bad_ids_name_the_field() {
    assertTrue(malformed(HEADER + "\n" + STEP.replace("\"term\":0", "\"term\":\"0\"") + "\n").reason()
        .contains("'term' must be an integer"));
    String msg = "{\"id\":\"n1-n2-1\",\"type\":\"RequestVoteResponse\",\"from\":\"n1\",\"to\":\"n2\",\"term\":1,"
        + "\"voteGranted\":true,\"preVote\":false}";
    assertTrue(malformed(HEADER + "\n" + STEP.replace("\"sent\":[]", "\"sent\":[" + msg + "]") + "\n").reason()
        .contains("is not from/to/seq"));
    String other = msg.replace("n1-n2-1", "n1/n3/1");
    assertTrue(malformed(HEADER + "\n" + STEP.replace("\"sent\":[]", "\"sent\":[" + other + "]") + "\n").reason()
        .contains("does not match"));
  }

  /** Found by RepeatsTest's seed 285111507621: a RequestVote to its own sender was an unchecked exception. */
  @Test
  void a_message_to_its_sender_names_the_field() {
    String common = "{\"id\":\"n1/n1/1\",\"from\":\"n1\",\"to\":\"n1\",\"term\":1,\"preVote\":false,";
    for (String msg : new String[] {common + "\"type\":\"RequestVoteRequest\",\"lastLogIndex\":0,\"lastLogTerm\":0}",
        common + "\"type\":\"RequestVoteResponse\",\"voteGranted\":true}"}) {
      TraceFormatException e = malformed(HEADER + "\n" + STEP.replace("\"sent\":[]", "\"sent\":[" + msg + "]") + "\n");
      assertTrue(e.reason().contains("to itself") && e.getMessage().contains("sent"), e.getMessage());
    }
  }

  @Test
  void nodes_outside_the_header_are_rejected() {
    TraceFormatException e = malformed(HEADER + "\n" + STEP.replace("\"node\":\"n1\"", "\"node\":\"n9\"") + "\n");
    assertTrue(e.reason().contains("n9 is not one of the header's nodes"), e.getMessage());
  }

  @Test
  void not_json_is_reported_with_its_line() {
    TraceFormatException e = malformed(HEADER + "\n" + STEP + "\n{nope}\n");
    assertEquals(3, e.line());
    assertTrue(e.reason().startsWith("not valid JSON"), e.getMessage());
  }

  private static final String READ_STEP = "{\"node\":\"n1\",\"seq\":1,\"input\":{\"type\":\"ReadIndexRequest\","
      + "\"requestId\":7},\"state\":{\"term\":0,\"vote\":null,\"role\":\"Follower\",\"commitIndex\":0,"
      + "\"lastLogIndex\":0,\"lastLogTerm\":0},\"sent\":[],\"reads\":[{\"requestId\":7,\"result\":\"Rejected\"}]}";

  /** A leader's read round trip: request, heartbeats carrying the round, echoes, the read served. */
  @Test
  void reads_and_rounds_write_and_read_back_equal() throws Exception {
    Config config = Config.ofSize(1);
    TraceRecorder rec = new TraceRecorder(config);
    NodeState n1 = NodeState.initial(config.members().get(0), config);
    List<TraceStep> steps = new ArrayList<>();
    for (Input in : List.<Input>of(new Input.ElectionTimeout(), new Input.ElectionTimeout(),
        new Input.ReadIndexRequest(42))) {
      Transition t = Raft.step(n1, in);
      steps.add(rec.record(n1, in, t, OptionalLong.empty()));
      n1 = t.next();
    }
    TraceStep last = steps.get(steps.size() - 1);
    assertEquals(List.of(new ReadAnswer.Served(42, n1.commitIndex())), last.reads(),
        "a single-node leader with its no-op committed serves a read in the step it arrives");
    StringWriter sw = new StringWriter();
    try (TraceWriter w = new TraceWriter(sw)) {
      w.header(TraceHeader.of(config, TraceHeader.NetworkModel.NO_DUPLICATES, TraceHeader.Persistence.explicit,
          new TraceHeader.Source("test", "reads")));
      for (TraceStep st : steps) {
        w.step(st);
      }
    }
    assertEquals(steps, read(sw.toString()));
  }

  @Test
  void a_rejected_read_without_leader_is_read_as_not_reported() throws Exception {
    TraceStep s = read(HEADER + "\n" + READ_STEP + "\n").get(0);
    assertEquals(new TraceInput.ReadIndexRequest(7), s.input());
    assertEquals(List.of(new ReadAnswer.Rejected(7, java.util.Optional.empty(), false)), s.reads());
  }

  /** round is optional on AppendEntries (absent = 0) and belongs to no other message. */
  @Test
  void round_defaults_to_zero_and_is_only_for_append_entries() throws Exception {
    String ae = "{\"id\":\"n1/n2/1\",\"type\":\"AppendEntriesRequest\",\"from\":\"n1\",\"to\":\"n2\",\"term\":0,"
        + "\"prevLogIndex\":0,\"prevLogTerm\":0,\"entries\":[],\"leaderCommit\":0}";
    TraceStep s = read(HEADER + "\n" + STEP.replace("\"sent\":[]", "\"sent\":[" + ae + "]") + "\n").get(0);
    assertEquals(0, ((io.refraft.spec.Message.AppendEntriesRequest) s.sent().get(0).message()).round());
    String withRound = ae.replace("}", ",\"round\":3}");
    s = read(HEADER + "\n" + STEP.replace("\"sent\":[]", "\"sent\":[" + withRound + "]") + "\n").get(0);
    assertEquals(3, ((io.refraft.spec.Message.AppendEntriesRequest) s.sent().get(0).message()).round());
    String rv = "{\"id\":\"n1/n2/1\",\"type\":\"RequestVoteRequest\",\"from\":\"n1\",\"to\":\"n2\",\"term\":1,"
        + "\"lastLogIndex\":0,\"lastLogTerm\":0,\"preVote\":true,\"round\":1}";
    assertTrue(malformed(HEADER + "\n" + STEP.replace("\"sent\":[]", "\"sent\":[" + rv + "]") + "\n").reason()
        .contains("field 'round' does not belong to a RequestVoteRequest"));
    assertTrue(malformed(HEADER + "\n" + STEP.replace("\"sent\":[]", "\"sent\":[" + ae.replace("}", ",\"round\":-1}")
        + "]") + "\n").reason().contains("'round' must be >= 0"));
  }

  @Test
  void malformed_reads_name_the_field() {
    assertTrue(malformed(HEADER + "\n" + READ_STEP.replace(",\"requestId\":7}", "}") + "\n").reason()
        .contains("a ReadIndexRequest input needs 'requestId'"));
    assertTrue(malformed(HEADER + "\n" + READ_STEP.replace("\"Rejected\"}", "\"Served\"}") + "\n").reason()
        .contains("reads[0]': a Served read needs 'readIndex' >= 1"));
    assertTrue(malformed(HEADER + "\n" + READ_STEP.replace("\"Rejected\"}", "\"Rejected\",\"readIndex\":3}") + "\n")
        .reason().contains("field 'readIndex' does not belong to a Rejected read"));
    assertTrue(malformed(HEADER + "\n" + READ_STEP.replace("\"Rejected\"}", "\"Maybe\"}") + "\n").reason()
        .contains("unknown result 'Maybe'"));
    assertTrue(malformed(HEADER + "\n" + READ_STEP.replace("\"Rejected\"}", "\"Rejected\",\"leader\":\"n9\"}") + "\n")
        .reason().contains("reads[0].leader: n9 is not one of the header's nodes"));
  }
}
