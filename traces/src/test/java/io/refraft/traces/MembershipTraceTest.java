package io.refraft.traces;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.refraft.spec.Action;
import io.refraft.spec.Config;
import io.refraft.spec.Entry;
import io.refraft.spec.Input;
import io.refraft.spec.Membership;
import io.refraft.spec.Message;
import io.refraft.spec.NodeId;
import io.refraft.spec.NodeState;
import io.refraft.spec.Output;
import io.refraft.spec.Payload;
import io.refraft.spec.Raft;
import io.refraft.spec.Transition;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/**
 * Revision 6 of the format (membership changes and leadership transfer): what the writer writes
 * reads back equal, and malformed configurations, inputs and messages are refused naming line and
 * field.
 */
class MembershipTraceTest {
  private static final NodeId N1 = NodeId.of("n1");
  private static final NodeId N2 = NodeId.of("n2");

  private static final String HEADER = "{\"format\":\"refraft-trace\",\"version\":1,\"nodes\":[\"n1\",\"n2\",\"n3\"],"
      + "\"joining\":[\"n4\"],\"config\":{\"preVote\":true,\"checkQuorum\":true,\"maxBatch\":1024,\"leaderNoop\":true,"
      + "\"eagerSend\":true},\"source\":{\"implementation\":\"test\"}}";
  private static final String STEP = "{\"node\":\"n1\",\"seq\":1,\"input\":INPUT,"
      + "\"state\":{\"term\":0,\"vote\":null,\"role\":\"Follower\",\"commitIndex\":0,\"lastLogIndex\":0,"
      + "\"lastLogTerm\":0},\"sent\":[]}";
  private static final String CONF = "\"voters\":[\"n1\",\"n2\",\"n3\"],\"outgoing\":[],\"learners\":[\"n4\"],"
      + "\"autoLeave\":false";

  private static List<TraceStep> read(String text) throws IOException, TraceFormatException {
    try (TraceReader r = new TraceReader("m.ndjson", new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)))) {
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

  private static String step(String input) {
    return STEP.replace("INPUT", input);
  }

  /** A spec run: n1 alone, n2 joins as a learner, is promoted, and receives the leadership. */
  private static final class Run {
    final Config config = Config.ofSize(1);
    final TraceRecorder rec = new TraceRecorder(config);
    final Map<NodeId, NodeState> nodes = new HashMap<>();
    final ArrayDeque<Message> network = new ArrayDeque<>();
    final List<TraceStep> steps = new ArrayList<>();
    long time;

    Run() {
      nodes.put(N1, NodeState.initial(N1, config));
      nodes.put(N2, NodeState.initial(N2, config));
    }

    Transition step(NodeId id, Input in) {
      NodeState before = nodes.get(id);
      Transition t = Raft.step(before, in);
      steps.add(rec.record(before, in, t, OptionalLong.of(++time)));
      nodes.put(id, t.next());
      for (Output o : t.outputs()) {
        if (o instanceof Output.Send(Message m)) {
          network.add(m);
        }
      }
      return t;
    }

    void deliverAll() {
      while (!network.isEmpty()) {
        Message m = network.poll();
        step(m.to(), new Input.MessageReceived(m));
      }
    }

    String text() throws IOException {
      StringWriter sw = new StringWriter();
      try (TraceWriter w = new TraceWriter(sw)) {
        w.header(TraceHeader.of(config, TraceHeader.NetworkModel.NO_DUPLICATES, TraceHeader.Persistence.explicit,
            new TraceHeader.Source("test", "membership")).withJoining(List.of(N2)));
        for (TraceStep s : steps) {
          w.step(s);
        }
      }
      return sw.toString();
    }
  }

  @Test
  void a_membership_change_and_a_transfer_write_and_read_back_equal() throws Exception {
    Run r = new Run();
    r.step(N1, new Input.ElectionTimeout());
    r.step(N1, new Input.ElectionTimeout());
    assertTrue(r.nodes.get(N1).isLeader(), "a single server elects itself");
    Transition add = r.step(N1, new Input.ChangeMembership(Membership.of(List.of(N1), List.of(N2))));
    assertEquals(List.of(Action.ChangeMembership, Action.AppendEntries), add.actions().subList(0, 2));
    r.deliverAll();
    r.step(N1, new Input.ChangeMembership(Membership.voters(List.of(N1, N2))));
    r.deliverAll();
    assertEquals(Membership.voters(List.of(N1, N2)), r.nodes.get(N2).membership());
    Transition transfer = r.step(N1, new Input.TransferLeadership(N2));
    assertTrue(transfer.actions().contains(Action.SendTimeoutNow), transfer.actions().toString());
    r.deliverAll();
    assertTrue(r.nodes.get(N2).isLeader(), "n2 won the election TimeoutNow started");
    r.step(N2, new Input.TakeSnapshot(r.nodes.get(N2).applied()));
    String text = r.text();
    assertTrue(text.contains("\"joining\":[\"n2\"]"), text);
    assertTrue(text.contains("{\"type\":\"ChangeMembership\",\"voters\":[\"n1\"],\"outgoing\":[],\"learners\":[\"n2\"],"
        + "\"autoLeave\":false}"), text);
    assertTrue(text.contains("{\"term\":1,\"type\":\"Configuration\",\"voters\":[\"n1\"]"), text);
    assertTrue(text.contains("{\"type\":\"TransferLeadership\",\"target\":\"n2\"}"), text);
    assertTrue(text.contains("\"type\":\"TimeoutNow\",\"from\":\"n1\",\"to\":\"n2\",\"term\":1}"), text);
    assertTrue(text.contains("\"preVote\":false,\"transfer\":true}"), text);
    assertTrue(text.contains("\"configuration\":{\"voters\":[\"n1\",\"n2\"],\"outgoing\":[],\"learners\":[],"
        + "\"autoLeave\":false}"), text);
    assertEquals(r.steps, read(text));
  }

  @Test
  void conf_on_apply_and_joining_servers_are_read_from_the_header() throws Exception {
    String h = HEADER.replace("\"eagerSend\":true}", "\"eagerSend\":true,\"confOnApply\":true}");
    try (TraceReader r = new TraceReader("m", new ByteArrayInputStream((h + "\n").getBytes(StandardCharsets.UTF_8)))) {
      assertTrue(r.header().config().confOnApply());
      assertEquals(List.of(NodeId.of("n4")), r.header().joining());
      assertEquals(List.of(N1, N2, NodeId.of("n3"), NodeId.of("n4")), r.header().servers());
    }
    StringWriter sw = new StringWriter();
    try (TraceWriter w = new TraceWriter(sw)) {
      w.header(TraceHeader.of(Config.ofSize(3).withConfOnApply(true), TraceHeader.NetworkModel.NO_DUPLICATES,
          TraceHeader.Persistence.explicit, new TraceHeader.Source("test", "")).withJoining(List.of(NodeId.of("n4"))));
    }
    assertTrue(sw.toString().contains("\"joining\":[\"n4\"]") && sw.toString().contains("\"confOnApply\":true"), sw.toString());
    assertEquals(List.of(), read(sw.toString()));
    // without confOnApply and joining the header is written as before revision 6
    sw = new StringWriter();
    try (TraceWriter w = new TraceWriter(sw)) {
      w.header(TraceHeader.of(Config.ofSize(3), TraceHeader.NetworkModel.NO_DUPLICATES,
          TraceHeader.Persistence.explicit, new TraceHeader.Source("test", "")));
    }
    assertTrue(!sw.toString().contains("joining") && !sw.toString().contains("confOnApply"), sw.toString());
  }

  @Test
  void a_joining_server_may_step_and_be_named() throws Exception {
    String n4 = step("{\"type\":\"TransferLeadership\",\"target\":\"n4\"}").replace("\"node\":\"n1\"", "\"node\":\"n4\"");
    TraceStep s = read(HEADER + "\n" + n4 + "\n").get(0);
    assertEquals(NodeId.of("n4"), s.node());
    assertEquals(new TraceInput.TransferLeadership(NodeId.of("n4")), s.input());
    TraceFormatException e = malformed(HEADER + "\n" + n4.replace("\"node\":\"n4\"", "\"node\":\"n5\"") + "\n");
    assertEquals(2, e.line());
    assertTrue(e.reason().contains("n5 is not one of the header's nodes [n1, n2, n3] or joining servers [n4]"),
        e.getMessage());
    e = malformed(HEADER + "\n" + step("{\"type\":\"TransferLeadership\",\"target\":\"n9\"}") + "\n");
    assertTrue(e.reason().startsWith("input.target: n9 is not one of the header's nodes"), e.getMessage());
    e = malformed(HEADER + "\n" + step("{\"type\":\"ChangeMembership\"," + CONF.replace("\"n4\"", "\"n9\"") + "}") + "\n");
    assertTrue(e.reason().contains("n9 is not one of the header's nodes"), e.getMessage());
  }

  @Test
  void joining_servers_must_be_new_and_distinct() {
    TraceFormatException e = malformed(HEADER.replace("\"joining\":[\"n4\"]", "\"joining\":[\"n3\"]") + "\n");
    assertEquals(1, e.line());
    assertTrue(e.reason().contains("joining server n3 is one of the initial members"), e.getMessage());
    e = malformed(HEADER.replace("\"joining\":[\"n4\"]", "\"joining\":[\"n4\",\"n4\"]") + "\n");
    assertTrue(e.reason().contains("'joining' names a server twice"), e.getMessage());
    e = malformed(HEADER.replace("\"joining\":[\"n4\"]", "\"joining\":\"n4\"") + "\n");
    assertTrue(e.reason().contains("'joining' must be an array"), e.getMessage());
    e = malformed(HEADER.replace("\"eagerSend\":true}", "\"eagerSend\":true,\"confOnApply\":1}") + "\n");
    assertTrue(e.reason().contains("'confOnApply' must be true or false"), e.getMessage());
  }

  @Test
  void a_change_membership_input_reads_its_configuration() throws Exception {
    TraceStep s = read(HEADER + "\n" + step("{\"type\":\"ChangeMembership\"," + CONF + "}") + "\n").get(0);
    assertEquals(new TraceInput.ChangeMembership(Membership.of(List.of(N1, N2, NodeId.of("n3")),
        List.of(NodeId.of("n4")))), s.input());
    String joint = "\"voters\":[\"n2\",\"n4\",\"n1\"],\"outgoing\":[\"n1\",\"n2\",\"n3\"],\"learners\":[],"
        + "\"autoLeave\":true";
    s = read(HEADER + "\n" + step("{\"type\":\"ChangeMembership\"," + joint + "}") + "\n").get(0);
    Membership m = ((TraceInput.ChangeMembership) s.input()).next();
    assertTrue(m.isJoint() && m.autoLeave(), m.toString());
    assertEquals(List.of(N1, N2, NodeId.of("n4")), m.voters(), "the lists are read as sets, in any order");
  }

  @Test
  void an_invalid_configuration_is_refused_naming_the_field() {
    String bad = step("{\"type\":\"ChangeMembership\"," + CONF.replace("\"learners\":[\"n4\"]", "\"learners\":[\"n3\"]")
        + "}");
    TraceFormatException e = malformed(HEADER + "\n" + bad + "\n");
    assertEquals(2, e.line());
    assertEquals("'input': invalid configuration: n3 is both a learner and a voter", e.reason());
    e = malformed(HEADER + "\n" + step("{\"type\":\"ChangeMembership\"," + CONF.replace("[\"n1\",\"n2\",\"n3\"]", "[]")
        + "}") + "\n");
    assertEquals("'input': invalid configuration: a configuration needs at least one voter", e.reason());
    e = malformed(HEADER + "\n" + step("{\"type\":\"ChangeMembership\"," + CONF.replace("\"n2\",\"n3\"", "\"n2\",\"n2\"")
        + "}") + "\n");
    assertTrue(e.reason().contains("duplicate server in voters"), e.getMessage());
    e = malformed(HEADER + "\n" + step("{\"type\":\"ChangeMembership\"," + CONF.replace("\"autoLeave\":false",
        "\"autoLeave\":true") + "}") + "\n");
    assertTrue(e.reason().contains("autoLeave applies to a joint configuration only"), e.getMessage());
    e = malformed(HEADER + "\n" + step("{\"type\":\"ChangeMembership\",\"voters\":[\"n1\"]}") + "\n");
    assertTrue(e.reason().contains("missing: outgoing, learners, autoLeave"), e.getMessage());
    e = malformed(HEADER + "\n" + step("{\"type\":\"ChangeMembership\"," + CONF.replace("[\"n4\"]", "[4]") + "}") + "\n");
    assertTrue(e.reason().contains("'input.learners' must hold strings"), e.getMessage());
    e = malformed(HEADER + "\n" + step("{\"type\":\"ElectionTimeout\"," + CONF + "}") + "\n");
    assertTrue(e.reason().contains("has a field that belongs to another input type"), e.getMessage());
    e = malformed(HEADER + "\n" + step("{\"type\":\"TransferLeadership\"}") + "\n");
    assertTrue(e.reason().contains("a TransferLeadership input needs 'target'"), e.getMessage());
    e = malformed(HEADER + "\n" + step("{\"type\":\"ElectionTimeout\",\"target\":\"n2\"}") + "\n");
    assertTrue(e.reason().contains("has a field that belongs to another input type"), e.getMessage());
  }

  @Test
  void configuration_entries_are_read_and_checked_where_they_stand() throws Exception {
    String entry = "{\"term\":1,\"type\":\"Configuration\"," + CONF + "}";
    String ae = "{\"id\":\"n1/n2/1\",\"type\":\"AppendEntriesRequest\",\"from\":\"n1\",\"to\":\"n2\",\"term\":1,"
        + "\"prevLogIndex\":0,\"prevLogTerm\":0,\"entries\":[" + entry + "],\"leaderCommit\":0}";
    String withAe = step("{\"type\":\"ElectionTimeout\"}").replace("\"term\":0,\"vote\":null,\"role\":\"Follower\"",
        "\"term\":1,\"vote\":\"n1\",\"role\":\"Leader\"").replace("\"lastLogIndex\":0,\"lastLogTerm\":0",
        "\"lastLogIndex\":1,\"lastLogTerm\":1").replace("\"sent\":[]",
        "\"persisted\":{\"log\":{\"from\":1,\"entries\":[" + entry + "]}},\"sent\":[" + ae + "]");
    TraceStep s = read(HEADER + "\n" + withAe + "\n").get(0);
    Entry expected = new Entry(1, new Payload.Configuration(Membership.of(List.of(N1, N2, NodeId.of("n3")),
        List.of(NodeId.of("n4")))));
    assertEquals(List.of(expected), ((Message.AppendEntriesRequest) s.sent().get(0).message()).entries());
    assertEquals(List.of(expected), s.persisted().orElseThrow().log().orElseThrow().entries());
    TraceFormatException e = malformed(HEADER + "\n" + withAe.replace("\"learners\":[\"n4\"]",
        "\"learners\":[\"n1\"]") + "\n");
    assertEquals(2, e.line());
    assertTrue(e.reason().contains("entry 1 of 'persisted.log.entries': invalid configuration: n1 is both a learner"),
        e.getMessage());
    e = malformed(HEADER + "\n" + withAe.replace("\"type\":\"Configuration\",", "\"type\":\"Data\",\"data\":\"eA==\",")
        + "\n");
    assertTrue(e.reason().contains("a Data payload has no configuration fields"), e.getMessage());
    e = malformed(HEADER + "\n" + withAe.replace("\"type\":\"Configuration\"", "\"type\":\"Conf\"") + "\n");
    assertTrue(e.reason().contains("unknown payload type 'Conf' (NoOp, Data or Configuration)"), e.getMessage());
  }

  @Test
  void a_proposal_carries_no_configuration() {
    TraceFormatException e = malformed(HEADER + "\n" + step("{\"type\":\"ClientPropose\",\"payloads\":[{\"type\":"
        + "\"Configuration\"," + CONF + "}]}") + "\n");
    assertEquals(2, e.line());
    assertTrue(e.reason().contains("payload 1: a ClientPropose input carries no Configuration payload"), e.getMessage());
  }

  @Test
  void a_snapshot_reads_its_configuration() throws Exception {
    String snap = "{\"index\":2,\"term\":1,\"digest\":\"00000000000000ff\",\"configuration\":{" + CONF + "}}";
    TraceStep s = read(HEADER + "\n" + step("{\"type\":\"ElectionTimeout\"}").replace("\"sent\":[]",
        "\"persisted\":{\"snapshot\":" + snap + "},\"sent\":[]") + "\n").get(0);
    assertEquals(Optional.of(Membership.of(List.of(N1, N2, NodeId.of("n3")), List.of(NodeId.of("n4")))),
        s.persisted().orElseThrow().snapshot().orElseThrow().snapshot().membership());
    TraceFormatException e = malformed(HEADER + "\n" + step("{\"type\":\"ElectionTimeout\"}").replace("\"sent\":[]",
        "\"persisted\":{\"snapshot\":" + snap.replace("\"voters\":[\"n1\",\"n2\",\"n3\"]", "\"voters\":[]")
        + "},\"sent\":[]") + "\n");
    assertTrue(e.reason().contains("'persisted.snapshot.configuration': invalid configuration: a configuration needs"
        + " at least one voter"), e.getMessage());
    e = malformed(HEADER + "\n" + step("{\"type\":\"ElectionTimeout\"}").replace("\"sent\":[]",
        "\"persisted\":{\"snapshot\":" + snap.replace("\"autoLeave\":false", "\"autoLeave\":false,\"weight\":1")
        + "},\"sent\":[]") + "\n");
    assertTrue(e.reason().contains("unknown field 'weight' in 'persisted.snapshot.configuration'"), e.getMessage());
  }

  @Test
  void timeout_now_and_the_transfer_flag_are_read_and_checked() throws Exception {
    String tn = "{\"id\":\"n1/n2/1\",\"type\":\"TimeoutNow\",\"from\":\"n1\",\"to\":\"n2\",\"term\":3}";
    TraceStep s = read(HEADER + "\n" + step("{\"type\":\"ElectionTimeout\"}").replace("\"sent\":[]",
        "\"sent\":[" + tn + "]") + "\n").get(0);
    assertEquals(new Message.TimeoutNow(N1, N2, 3), s.sent().get(0).message());
    TraceFormatException e = malformed(HEADER + "\n" + step("{\"type\":\"ElectionTimeout\"}").replace("\"sent\":[]",
        "\"sent\":[" + tn.replace("}", ",\"preVote\":false}") + "]") + "\n");
    assertTrue(e.reason().contains("field 'preVote' does not belong to a TimeoutNow"), e.getMessage());
    String rv = "{\"id\":\"n1/n2/1\",\"type\":\"RequestVoteRequest\",\"from\":\"n1\",\"to\":\"n2\",\"term\":1,"
        + "\"lastLogIndex\":0,\"lastLogTerm\":0,\"preVote\":false}";
    s = read(HEADER + "\n" + step("{\"type\":\"ElectionTimeout\"}").replace("\"sent\":[]", "\"sent\":[" + rv + "]")
        + "\n").get(0);
    assertEquals(false, ((Message.RequestVoteRequest) s.sent().get(0).message()).transfer(), "absent means false");
    s = read(HEADER + "\n" + step("{\"type\":\"ElectionTimeout\"}").replace("\"sent\":[]", "\"sent\":["
        + rv.replace("}", ",\"transfer\":true}") + "]") + "\n").get(0);
    assertEquals(true, ((Message.RequestVoteRequest) s.sent().get(0).message()).transfer());
    e = malformed(HEADER + "\n" + step("{\"type\":\"ElectionTimeout\"}").replace("\"sent\":[]", "\"sent\":["
        + rv.replace("\"preVote\":false}", "\"preVote\":true,\"transfer\":true}") + "]") + "\n");
    assertTrue(e.reason().contains("a leadership transfer's election skips pre-vote"), e.getMessage());
    String resp = "{\"id\":\"n1/n2/1\",\"type\":\"RequestVoteResponse\",\"from\":\"n1\",\"to\":\"n2\",\"term\":1,"
        + "\"voteGranted\":true,\"preVote\":false,\"transfer\":false}";
    e = malformed(HEADER + "\n" + step("{\"type\":\"ElectionTimeout\"}").replace("\"sent\":[]", "\"sent\":[" + resp
        + "]") + "\n");
    assertTrue(e.reason().contains("field 'transfer' does not belong to a RequestVoteResponse"), e.getMessage());
  }
}
