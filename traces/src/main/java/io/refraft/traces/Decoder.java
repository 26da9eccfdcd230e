package io.refraft.traces;

import io.refraft.spec.Action;
import io.refraft.spec.Config;
import io.refraft.spec.Entry;
import io.refraft.spec.NodeId;
import io.refraft.spec.Output;
import io.refraft.spec.Payload;
import io.refraft.traces.LineParser.Bad;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/** Decodes one header or step line (FORMAT.md §3–§6) with the checks the JSON Schema states. */
final class Decoder {
  private Decoder() {}

  static TraceHeader header(LineParser p) throws IOException {
    p.startObject("the header");
    String format = null;
    long version = -1;
    List<NodeId> nodes = null;
    List<NodeId> joining = List.of();
    Optional<NodeId> node = Optional.empty();
    Config config = null;
    TraceHeader.NetworkModel network = TraceHeader.NetworkModel.NO_DUPLICATES;
    TraceHeader.Persistence persistence = TraceHeader.Persistence.explicit;
    TraceHeader.Source source = null;
    for (String f = p.field(); f != null; f = p.field()) {
      switch (f) {
        case "format" -> format = p.string(f);
        case "version" -> version = p.integer(f);
        case "nodes" -> nodes = nodeList(p, "nodes");
        case "joining" -> joining = nodeList(p, "joining");
        case "node" -> node = Optional.of(p.nodeId(f));
        case "config" -> config = config(p, nodes);
        case "network" -> network = network(p);
        case "persistence" -> persistence = persistence(p.string(f));
        case "source" -> source = source(p);
        case "seq", "input", "state", "sent" -> throw new Bad(
            "missing header: the first line is a step; it must be the header {\"format\":\"refraft-trace\",...}");
        default -> p.unknown(f, "the header");
      }
    }
    if (!TraceHeader.FORMAT.equals(format)) {
      throw new Bad(format == null ? "missing header: the first line has no 'format'"
          : "format '" + TraceFormatException.excerpt(format) + "' is not " + TraceHeader.FORMAT);
    }
    if (version != TraceHeader.VERSION) {
      throw new Bad(version < 0 ? "the header has no 'version'"
          : "unknown version " + version + " (this reader knows version " + TraceHeader.VERSION + ")");
    }
    if (config == null) {
      throw new Bad("the header needs 'nodes' and then 'config'");
    }
    if (source == null) {
      throw new Bad("the header needs 'source'");
    }
    try {
      return new TraceHeader((int) version, config, node, network, persistence, source, joining);
    } catch (IllegalArgumentException e) {
      throw new Bad(e.getMessage());
    }
  }

  private static List<NodeId> nodeList(LineParser p, String field) throws IOException {
    p.startArray(field);
    List<NodeId> ids = new ArrayList<>();
    while (p.nextStringInArray(field)) {
      try {
        ids.add(p.id(p.text()));
      } catch (IllegalArgumentException e) {
        throw new Bad("'" + field + "': " + e.getMessage());
      }
    }
    return ids;
  }

  private static Config config(LineParser p, List<NodeId> nodes) throws IOException {
    if (nodes == null) {
      throw new Bad("'nodes' must come before 'config'");
    }
    p.startObject("'config'");
    Boolean preVote = null;
    Boolean checkQuorum = null;
    Boolean leaderNoop = null;
    Boolean eagerSend = null;
    boolean confOnApply = false;
    long maxBatch = -1;
    for (String f = p.field(); f != null; f = p.field()) {
      switch (f) {
        case "preVote" -> preVote = p.bool(f);
        case "checkQuorum" -> checkQuorum = p.bool(f);
        case "leaderNoop" -> leaderNoop = p.bool(f);
        case "eagerSend" -> eagerSend = p.bool(f);
        case "maxBatch" -> maxBatch = p.integer(f);
        case "confOnApply" -> confOnApply = p.bool(f);
        default -> p.unknown(f, "'config'");
      }
    }
    if (preVote == null || checkQuorum == null || leaderNoop == null || eagerSend == null || maxBatch < 0) {
      throw new Bad("'config' needs preVote, checkQuorum, maxBatch, leaderNoop and eagerSend");
    }
    if (maxBatch < 1 || maxBatch > Integer.MAX_VALUE) {
      throw new Bad("'config.maxBatch' must be >= 1, got " + maxBatch);
    }
    try {
      return new Config(nodes, preVote, checkQuorum, (int) maxBatch, leaderNoop, eagerSend, confOnApply);
    } catch (IllegalArgumentException e) {
      throw new Bad("'nodes': " + e.getMessage());
    }
  }

  private static TraceHeader.NetworkModel network(LineParser p) throws IOException {
    p.startObject("'network'");
    boolean dup = false;
    for (String f = p.field(); f != null; f = p.field()) {
      if (f.equals("duplicates")) {
        dup = p.bool(f);
      } else {
        p.unknown(f, "'network'");
      }
    }
    return new TraceHeader.NetworkModel(dup);
  }

  private static TraceHeader.Persistence persistence(String s) {
    return switch (s) {
      case "explicit" -> TraceHeader.Persistence.explicit;
      case "implicit" -> TraceHeader.Persistence.implicit;
      case "async" -> TraceHeader.Persistence.async;
      default -> throw new Bad("'persistence' must be explicit, implicit or async, got '" + s + "'");
    };
  }

  private static TraceHeader.Source source(LineParser p) throws IOException {
    p.startObject("'source'");
    String impl = null;
    String desc = "";
    for (String f = p.field(); f != null; f = p.field()) {
      switch (f) {
        case "implementation" -> impl = p.string(f);
        case "description" -> desc = p.string(f);
        default -> p.unknown(f, "'source'");
      }
    }
    if (impl == null) {
      throw new Bad("'source' needs 'implementation'");
    }
    return new TraceHeader.Source(impl, desc);
  }

  static TraceStep step(LineParser p, TraceHeader.Persistence persistence) throws IOException {
    p.startObject("a step");
    NodeId node = null;
    long seq = -1;
    OptionalLong time = OptionalLong.empty();
    TraceInput input = null;
    Optional<List<Action>> actions = Optional.empty();
    StateSummary state = null;
    Optional<Persisted> persisted = persistence != TraceHeader.Persistence.implicit
        ? Optional.of(Persisted.NOTHING) : Optional.empty();
    List<TracedMessage> sent = null;
    List<ReadAnswer> reads = List.of();
    OptionalLong applied = OptionalLong.empty();
    for (String f = p.field(); f != null; f = p.field()) {
      switch (f) {
        case "node" -> node = p.nodeId(f);
        case "seq" -> seq = p.integer(f);
        case "time" -> time = OptionalLong.of(p.nonNegative(f));
        case "input" -> input = input(p);
        case "actions" -> actions = Optional.of(actions(p));
        case "state" -> state = state(p);
        case "persisted" -> {
          if (persistence == TraceHeader.Persistence.implicit) {
            throw new Bad("'persisted' is not allowed when the header says persistence is implicit");
          }
          persisted = Optional.of(persisted(p));
        }
        case "sent" -> sent = sent(p);
        case "reads" -> reads = reads(p);
        case "applied" -> applied = OptionalLong.of(p.integer(f));
        case "format" -> throw new Bad("a second header (only the first line is a header)");
        default -> p.unknown(f, "a step");
      }
    }
    if (node == null || seq < 0 || input == null || state == null || sent == null) {
      throw new Bad("a step needs node, seq, input, state and sent (missing: " + missing(node, seq, input, state, sent)
          + ")");
    }
    if (input instanceof TraceInput.Persisted && persistence != TraceHeader.Persistence.async) {
      throw new Bad("a Persisted input needs \"persistence\":\"async\" in the header");
    }
    try {
      return new TraceStep(node, seq, time, input, actions, state, persisted, sent, reads, applied);
    } catch (IllegalArgumentException e) {
      throw new Bad(e.getMessage());
    }
  }

  private static String missing(NodeId node, long seq, TraceInput input, StateSummary state, List<?> sent) {
    List<String> m = new ArrayList<>();
    if (node == null) {
      m.add("node");
    }
    if (seq < 0) {
      m.add("seq");
    }
    if (input == null) {
      m.add("input");
    }
    if (state == null) {
      m.add("state");
    }
    if (sent == null) {
      m.add("sent");
    }
    return String.join(", ", m);
  }

  private static TraceInput input(LineParser p) throws IOException {
    p.startObject("'input'");
    String type = null;
    TracedMessage message = null;
    Optional<NodeId> peer = Optional.empty();
    List<Payload> payloads = null;
    Long requestId = null;
    long index = -1;
    long[] durable = {-1, -1, -1}; // a Persisted input's term, lastIndex and lastTerm
    Optional<NodeId> vote = null;
    NodeId target = null;
    ConfigurationFields conf = new ConfigurationFields();
    for (String f = p.field(); f != null; f = p.field()) {
      if (conf.read(p, f, "input")) {
        continue;
      }
      switch (f) {
        case "type" -> type = p.tag(f);
        case "term" -> durable[0] = p.nonNegative("input.term");
        case "vote" -> vote = p.nullableNodeId("input.vote");
        case "lastIndex" -> durable[1] = p.nonNegative("input.lastIndex");
        case "lastTerm" -> durable[2] = p.nonNegative("input.lastTerm");
        case "message" -> message = p.keepsSent() ? received(p) : message(p, "input.message");
        case "peer" -> peer = Optional.of(p.nodeId(f));
        case "payloads" -> payloads = payloads(p);
        case "requestId" -> requestId = p.integer("input.requestId");
        case "index" -> index = p.integer("input.index");
        case "target" -> target = p.nodeId("input.target");
        default -> p.unknown(f, "'input'");
      }
    }
    if (type == null) {
      throw new Bad("'input' needs 'type'");
    }
    TraceInput in = switch (type) {
      case "MessageReceived" -> {
        if (message == null) {
          throw new Bad("a MessageReceived input needs 'message'");
        }
        yield new TraceInput.MessageReceived(message);
      }
      case "ElectionTimeout" -> new TraceInput.ElectionTimeout();
      case "HeartbeatTimeout" -> new TraceInput.HeartbeatTimeout(peer);
      case "ClientPropose" -> {
        if (payloads == null || payloads.isEmpty()) {
          throw new Bad("a ClientPropose input needs a non-empty 'payloads'");
        }
        for (int k = 0; k < payloads.size(); k++) {
          if (payloads.get(k) instanceof Payload.Configuration) {
            throw new Bad("payload " + (k + 1) + ": a ClientPropose input carries no Configuration payload (a "
                + "configuration is asked for with a ChangeMembership input)");
          }
        }
        yield new TraceInput.ClientPropose(payloads);
      }
      case "ReadIndexRequest" -> {
        if (requestId == null) {
          throw new Bad("a ReadIndexRequest input needs 'requestId'");
        }
        yield new TraceInput.ReadIndexRequest(requestId);
      }
      case "Restart" -> new TraceInput.Restart();
      case "Persisted" -> persistedInput(durable, vote);
      case "TakeSnapshot" -> {
        if (index < 1) {
          throw new Bad("a TakeSnapshot input needs 'index' >= 1");
        }
        yield new TraceInput.TakeSnapshot(index);
      }
      case "ChangeMembership" -> new TraceInput.ChangeMembership(conf.build("'input'"));
      case "TransferLeadership" -> {
        if (target == null) {
          throw new Bad("a TransferLeadership input needs 'target'");
        }
        yield new TraceInput.TransferLeadership(target);
      }
      default -> throw new Bad("unknown input type '" + TraceFormatException.excerpt(type)
          + "' (MessageReceived, ElectionTimeout, HeartbeatTimeout, ClientPropose, ReadIndexRequest, Restart, "
          + "Persisted, TakeSnapshot, ChangeMembership, TransferLeadership)");
    };
    boolean durableFields = durable[0] >= 0 || durable[1] >= 0 || durable[2] >= 0 || vote != null;
    if ((durableFields && !(in instanceof TraceInput.Persisted))
        || (message != null && !(in instanceof TraceInput.MessageReceived))
        || (peer.isPresent() && !(in instanceof TraceInput.HeartbeatTimeout))
        || (payloads != null && !(in instanceof TraceInput.ClientPropose))
        || (requestId != null && !(in instanceof TraceInput.ReadIndexRequest))
        || (index >= 0 && !(in instanceof TraceInput.TakeSnapshot))
        || (conf.any() && !(in instanceof TraceInput.ChangeMembership))
        || (target != null && !(in instanceof TraceInput.TransferLeadership))) {
      throw new Bad("'input' of type " + type + " has a field that belongs to another input type");
    }
    return in;
  }

  private static TraceInput.Persisted persistedInput(long[] durable, Optional<NodeId> vote) {
    if (durable[0] < 0 || durable[1] < 0 || durable[2] < 0 || vote == null) {
      throw new Bad("a Persisted input needs 'term', 'vote', 'lastIndex' and 'lastTerm'");
    }
    try {
      return new TraceInput.Persisted(durable[0], vote, durable[1], durable[2]);
    } catch (IllegalArgumentException e) {
      throw new Bad(e.getMessage());
    }
  }

  private static List<Payload> payloads(LineParser p) throws IOException {
    p.startArray("payloads");
    List<Payload> out = new ArrayList<>();
    while (p.nextObjectInArray("payloads")) {
      out.add(p.payloadBody("payload " + (out.size() + 1)));
    }
    return out;
  }

  private static List<Action> actions(LineParser p) throws IOException {
    p.startArray("actions");
    List<Action> again = p.repeated(p.actions());
    if (again != null) {
      return again;
    }
    int start = p.tokenStart();
    List<Action> out = actionList(p);
    p.remember(p.actions(), start, out);
    return out;
  }

  private static List<Action> actionList(LineParser p) throws IOException {
    List<Action> out = new ArrayList<>(4);
    while (p.nextStringInArray("actions")) {
      String a = p.currentTag();
      try {
        out.add(Action.valueOf(a));
      } catch (IllegalArgumentException e) {
        throw new Bad("unknown action '" + TraceFormatException.excerpt(a) + "' (see FORMAT.md §5.3)");
      }
    }
    return List.copyOf(out);
  }

  private static StateSummary state(LineParser p) throws IOException {
    p.startObject("'state'");
    StateSummary again = p.repeated(p.states());
    if (again != null) {
      return again;
    }
    int start = p.tokenStart();
    StateSummary s = stateFields(p);
    p.remember(p.states(), start, s);
    return s;
  }

  private static StateSummary stateFields(LineParser p) throws IOException {
    long term = -1;
    long commit = -1;
    long lastIndex = -1;
    long lastTerm = -1;
    Optional<NodeId> vote = null;
    Optional<NodeId> leader = Optional.empty();
    boolean leaderReported = false;
    Map<NodeId, Long> match = Map.of();
    StateSummary.RoleName role = null;
    for (String f = p.field(); f != null; f = p.field()) {
      switch (f) {
        case "term" -> term = p.nonNegative(f);
        case "vote" -> vote = p.nullableNodeId(f);
        case "role" -> role = role(p.tag(f));
        case "commitIndex" -> commit = p.nonNegative(f);
        case "lastLogIndex" -> lastIndex = p.nonNegative(f);
        case "lastLogTerm" -> lastTerm = p.nonNegative(f);
        case "leader" -> {
          leader = p.nullableNodeId(f);
          leaderReported = true;
        }
        case "match" -> match = match(p);
        default -> p.unknown(f, "'state'");
      }
    }
    if (term < 0 || vote == null || role == null || commit < 0 || lastIndex < 0 || lastTerm < 0) {
      throw new Bad("'state' needs term, vote, role, commitIndex, lastLogIndex and lastLogTerm");
    }
    try {
      return new StateSummary(term, vote, role, commit, lastIndex, lastTerm, leader, leaderReported, match);
    } catch (IllegalArgumentException e) {
      throw new Bad("'state': " + e.getMessage());
    }
  }

  /** {@code state.match}: peer name to matchIndex. */
  private static Map<NodeId, Long> match(LineParser p) throws IOException {
    p.startObject("'state.match'");
    Map<NodeId, Long> m = new HashMap<>();
    for (String f = p.field(); f != null; f = p.field()) {
      NodeId peer;
      try {
        peer = p.id(f);
      } catch (IllegalArgumentException e) {
        throw new Bad("'state.match': " + e.getMessage());
      }
      if (m.put(peer, p.nonNegative("state.match." + f)) != null) {
        throw new Bad("'state.match' names " + f + " twice");
      }
    }
    return m;
  }

  private static StateSummary.RoleName role(String s) {
    try {
      return StateSummary.RoleName.valueOf(s);
    } catch (IllegalArgumentException e) {
      throw new Bad("unknown role '" + TraceFormatException.excerpt(s) + "' (Follower, PreCandidate, Candidate, Leader)");
    }
  }

  private static Persisted persisted(LineParser p) throws IOException {
    p.startObject("'persisted'");
    Persisted again = p.repeated(p.persisted());
    if (again != null) {
      return again;
    }
    int start = p.tokenStart();
    Persisted v = persistedFields(p);
    p.remember(p.persisted(), start, v);
    return v;
  }

  private static Persisted persistedFields(LineParser p) throws IOException {
    Optional<Output.HardState> hard = Optional.empty();
    Optional<Output.SaveSnapshot> snap = Optional.empty();
    Optional<Output.LogSuffix> log = Optional.empty();
    for (String f = p.field(); f != null; f = p.field()) {
      switch (f) {
        case "snapshot" -> {
          io.refraft.spec.Snapshot s = snapshot(p, "persisted.snapshot");
          if (s.index() == 0) {
            throw new Bad("'persisted.snapshot' needs 'index' >= 1");
          }
          snap = Optional.of(new Output.SaveSnapshot(s));
        }
        case "hardState" -> {
          p.startObject("'persisted.hardState'");
          long term = -1;
          Optional<NodeId> vote = null;
          for (String g = p.field(); g != null; g = p.field()) {
            switch (g) {
              case "term" -> term = p.nonNegative(g);
              case "vote" -> vote = p.nullableNodeId(g);
              default -> p.unknown(g, "'persisted.hardState'");
            }
          }
          if (term < 0 || vote == null) {
            throw new Bad("'persisted.hardState' needs term and vote");
          }
          hard = Optional.of(new Output.HardState(term, vote));
        }
        case "log" -> {
          p.startObject("'persisted.log'");
          long from = -1;
          List<Entry> entries = null;
          for (String g = p.field(); g != null; g = p.field()) {
            switch (g) {
              case "from" -> from = p.integer(g);
              case "entries" -> entries = p.entries("persisted.log", ".entries");
              default -> p.unknown(g, "'persisted.log'");
            }
          }
          if (from < 1 || entries == null) {
            throw new Bad("'persisted.log' needs 'from' >= 1 and 'entries'");
          }
          log = Optional.of(new Output.LogSuffix(from, entries));
        }
        default -> p.unknown(f, "'persisted'");
      }
    }
    return new Persisted(hard, snap, log);
  }

  /**
   * A snapshot's metadata (FORMAT.md §6): {@code {"index": i, "term": t, "digest": "16 hex digits"}},
   * the digest as {@link io.refraft.spec.Snapshot} defines it.
   */
  static io.refraft.spec.Snapshot snapshot(LineParser p, String where) throws IOException {
    p.startObject("'" + where + "'");
    long index = -1;
    long term = -1;
    String digest = null;
    Optional<io.refraft.spec.Membership> membership = Optional.empty();
    for (String g = p.field(); g != null; g = p.field()) {
      switch (g) {
        case "index" -> index = p.nonNegative(where + ".index");
        case "term" -> term = p.nonNegative(where + ".term");
        case "digest" -> digest = p.string(where + ".digest");
        case "configuration" -> membership = Optional.of(configuration(p, where + ".configuration"));
        default -> p.unknown(g, "'" + where + "'");
      }
    }
    if (index < 0 || term < 0 || digest == null) {
      throw new Bad("'" + where + "' needs index, term and digest");
    }
    if (digest.length() != 16 || !digest.chars().allMatch(c -> (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
      throw new Bad("'" + where + ".digest' must be 16 lowercase hex digits, got '" + TraceFormatException.excerpt(digest)
          + "'");
    }
    try {
      return new io.refraft.spec.Snapshot(index, term, Long.parseUnsignedLong(digest, 16), membership);
    } catch (IllegalArgumentException e) {
      throw new Bad("'" + where + "': " + e.getMessage());
    }
  }

  /** A configuration as an object of its own (a snapshot's): the fields of {@link ConfigurationFields}. */
  private static io.refraft.spec.Membership configuration(LineParser p, String where) throws IOException {
    p.startObject("'" + where + "'");
    ConfigurationFields conf = new ConfigurationFields();
    for (String g = p.field(); g != null; g = p.field()) {
      if (!conf.read(p, g, where)) {
        p.unknown(g, "'" + where + "'");
      }
    }
    return conf.build("'" + where + "'");
  }

  private static List<ReadAnswer> reads(LineParser p) throws IOException {
    p.startArray("reads");
    List<ReadAnswer> out = new ArrayList<>(1);
    while (p.nextObjectInArray("reads")) {
      out.add(read(p, "reads[" + out.size() + "]"));
    }
    return out;
  }

  /** One answer of {@code reads}, its opening brace already read. */
  private static ReadAnswer read(LineParser p, String where) throws IOException {
    Long requestId = null;
    String result = null;
    long readIndex = -1;
    Optional<NodeId> leader = Optional.empty();
    boolean leaderReported = false;
    for (String f = p.field(); f != null; f = p.field()) {
      switch (f) {
        case "requestId" -> requestId = p.integer(where + ".requestId");
        case "result" -> result = p.tag(where + ".result");
        case "readIndex" -> readIndex = p.integer(where + ".readIndex");
        case "leader" -> {
          leader = p.nullableNodeId(where + ".leader");
          leaderReported = true;
        }
        default -> p.unknown(f, "'" + where + "'");
      }
    }
    if (requestId == null || result == null) {
      throw new Bad("'" + where + "' needs requestId and result");
    }
    return switch (result) {
      case "Served" -> {
        if (leaderReported || readIndex < 1) {
          throw new Bad("'" + where + "': a Served read needs 'readIndex' >= 1 and no 'leader'");
        }
        yield new ReadAnswer.Served(requestId, readIndex);
      }
      case "Rejected" -> {
        if (readIndex != -1) {
          throw new Bad("'" + where + "': field 'readIndex' does not belong to a Rejected read");
        }
        yield new ReadAnswer.Rejected(requestId, leader, leaderReported);
      }
      default -> throw new Bad("'" + where + "': unknown result '" + result + "' (Served, Rejected)");
    };
  }

  private static List<TracedMessage> sent(LineParser p) throws IOException {
    p.startArray("sent");
    List<TracedMessage> out = new ArrayList<>(4);
    while (p.nextObjectInArray("sent")) {
      int from = p.keepsSent() ? p.tokenStart() : 0;
      TracedMessage m = messageBody(p, "sent[" + out.size() + "]");
      if (p.keepsSent()) {
        p.keepSent(from, p.position(), m);
      }
      out.add(m);
    }
    return out;
  }

  /**
   * A received message: the message sent earlier with the same bytes when there is one (most
   * receives: a writer prints a message the same way at its send and its receive), else decoded.
   */
  private static TracedMessage received(LineParser p) throws IOException {
    p.startObject("'input.message'");
    TracedMessage m = p.sentRepeated();
    return m != null ? m : messageBody(p, "input.message");
  }

  private static TracedMessage message(LineParser p, String where) throws IOException {
    p.startObject("'" + where + "'");
    return messageBody(p, where);
  }

  /** A message's fields, its opening brace already read. */
  private static TracedMessage messageBody(LineParser p, String where) throws IOException {
    MessageFields m = new MessageFields();
    for (String f = p.field(); f != null; f = p.field()) {
      m.read(p, f, where);
    }
    return m.build(p, where);
  }
}
