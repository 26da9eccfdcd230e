package io.refraft.traces;

import io.refraft.spec.Entry;
import io.refraft.spec.Message;
import io.refraft.spec.NodeId;
import io.refraft.traces.LineParser.Bad;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The fields of one message as they are read (in any order), then checked against its type's
 * field list (FORMAT.md §6): every field of the type is required, no field of another type is
 * allowed.
 */
final class MessageFields {
  private String id;
  private MessageId fastId;
  private String type;
  private NodeId from;
  private NodeId to;
  private long term = -1;
  private long lastLogIndex = -1;
  private long lastLogTerm = -1;
  private Boolean preVote;
  private Boolean voteGranted;
  private long prevLogIndex = -1;
  private long prevLogTerm = -1;
  private List<Entry> entries;
  private long leaderCommit = -1;
  private Boolean success;
  private long matchIndex = -1;
  private long conflictIndex = -1;
  private long conflictTerm = -1;
  private io.refraft.spec.Snapshot snapshot;
  /** Optional (FORMAT.md §6): 0 when absent, allowed on AppendEntries only. */
  private long round;
  private boolean roundSeen;
  /** Optional (FORMAT.md §6, revision 6): false when absent, allowed on RequestVoteRequest only. */
  private boolean transfer;
  private boolean transferSeen;
  /** The type-specific fields read, one bit each in the order of {@link #SPECIFIC}. */
  private int seen;

  private static final List<String> SPECIFIC = List.of("lastLogIndex", "lastLogTerm", "preVote", "voteGranted",
      "prevLogIndex", "prevLogTerm", "entries", "leaderCommit", "success", "matchIndex", "conflictIndex",
      "conflictTerm", "snapshot");

  void read(LineParser p, String f, String where) throws IOException {
    switch (f) {
      case "id" -> {
        if (p.next() != com.fasterxml.jackson.core.JsonToken.VALUE_STRING) {
          throw new Bad("'id' must be a string");
        }
        fastId = p.messageId();
        id = fastId == null ? p.text() : "";
      }
      case "type" -> type = p.tag(f);
      case "from" -> from = p.nodeId(f);
      case "to" -> to = p.nodeId(f);
      case "term" -> term = p.nonNegative(f);
      case "lastLogIndex" -> lastLogIndex = p.nonNegative(mark(0, f));
      case "lastLogTerm" -> lastLogTerm = p.nonNegative(mark(1, f));
      case "preVote" -> preVote = p.bool(mark(2, f));
      case "voteGranted" -> voteGranted = p.bool(mark(3, f));
      case "prevLogIndex" -> prevLogIndex = p.nonNegative(mark(4, f));
      case "prevLogTerm" -> prevLogTerm = p.nonNegative(mark(5, f));
      case "entries" -> {
        mark(6, f);
        entries = p.entries(where, ".entries");
      }
      case "leaderCommit" -> leaderCommit = p.nonNegative(mark(7, f));
      case "success" -> success = p.bool(mark(8, f));
      case "matchIndex" -> matchIndex = p.nonNegative(mark(9, f));
      case "conflictIndex" -> conflictIndex = p.nonNegative(mark(10, f));
      case "conflictTerm" -> conflictTerm = p.nonNegative(mark(11, f));
      case "snapshot" -> snapshot = Decoder.snapshot(p, mark(12, where + ".snapshot"));
      case "round" -> {
        round = p.nonNegative(f);
        roundSeen = true;
      }
      case "transfer" -> {
        transfer = p.bool(f);
        transferSeen = true;
      }
      default -> p.unknown(f, "'" + where + "'");
    }
  }

  /** Records that the type-specific field with bit {@code bit} (its index in {@link #SPECIFIC}) was read. */
  private String mark(int bit, String field) {
    seen |= 1 << bit;
    return field;
  }

  TracedMessage build(LineParser p, String where) {
    if (id == null || type == null || from == null || to == null || term < 0) {
      throw new Bad("'" + where + "' needs id, type, from, to and term");
    }
    MessageId mid;
    try {
      mid = fastId != null ? fastId : parseId(p, id);
    } catch (IllegalArgumentException e) {
      throw new Bad("'" + where + "': " + e.getMessage());
    }
    if (roundSeen && !type.startsWith("AppendEntries")) {
      throw new Bad("'" + where + "': field 'round' does not belong to a " + type);
    }
    if (transferSeen && !type.equals("RequestVoteRequest")) {
      throw new Bad("'" + where + "': field 'transfer' does not belong to a " + type);
    }
    Message m = switch (type) {
      case "RequestVoteRequest" -> {
        only(where, type, "lastLogIndex", "lastLogTerm", "preVote");
        yield wrap(where, () -> new Message.RequestVoteRequest(from, to, term, lastLogIndex, lastLogTerm, preVote,
            transfer));
      }
      case "RequestVoteResponse" -> {
        only(where, type, "voteGranted", "preVote");
        yield wrap(where, () -> new Message.RequestVoteResponse(from, to, term, voteGranted, preVote));
      }
      case "AppendEntriesRequest" -> {
        only(where, type, "prevLogIndex", "prevLogTerm", "entries", "leaderCommit");
        yield wrap(where, () -> new Message.AppendEntriesRequest(from, to, term, prevLogIndex, prevLogTerm, entries,
            leaderCommit, round));
      }
      case "AppendEntriesResponse" -> {
        only(where, type, "success", "matchIndex", "conflictIndex", "conflictTerm");
        yield wrap(where, () -> new Message.AppendEntriesResponse(from, to, term, success, matchIndex, conflictIndex,
            conflictTerm, round));
      }
      case "InstallSnapshotRequest" -> {
        only(where, type, "snapshot");
        yield wrap(where, () -> new Message.InstallSnapshotRequest(from, to, term, snapshot));
      }
      case "InstallSnapshotResponse" -> {
        only(where, type, "matchIndex");
        yield wrap(where, () -> new Message.InstallSnapshotResponse(from, to, term, matchIndex));
      }
      case "TimeoutNow" -> {
        only(where, type);
        yield wrap(where, () -> new Message.TimeoutNow(from, to, term));
      }
      default -> throw new Bad("'" + where + "': unknown message type '" + TraceFormatException.excerpt(type)
          + "' (RequestVoteRequest, RequestVoteResponse, AppendEntriesRequest, AppendEntriesResponse, "
          + "InstallSnapshotRequest, InstallSnapshotResponse, TimeoutNow)");
    };
    try {
      return new TracedMessage(mid, m);
    } catch (IllegalArgumentException e) {
      throw new Bad("'" + where + "': " + e.getMessage());
    }
  }

  /** Checks that the type-specific fields read are exactly {@code fields}. */
  private void only(String where, String type, String... fields) {
    if (seen == mask(fields)) {
      return;
    }
    int want = mask(fields);
    for (int bit = 0; bit < SPECIFIC.size(); bit++) {
      if ((seen & ~want & (1 << bit)) != 0) {
        throw new Bad("'" + where + "': field '" + SPECIFIC.get(bit) + "' does not belong to a " + type);
      }
    }
    List<String> missing = new ArrayList<>();
    for (String f : fields) {
      if ((seen & (1 << SPECIFIC.indexOf(f))) == 0) {
        missing.add(f);
      }
    }
    throw new Bad("'" + where + "': a " + type + " needs " + String.join(", ", missing));
  }

  private static final java.util.Map<String, Integer> BIT = bits();

  private static java.util.Map<String, Integer> bits() {
    java.util.Map<String, Integer> m = new java.util.HashMap<>();
    for (int i = 0; i < SPECIFIC.size(); i++) {
      m.put(SPECIFIC.get(i), 1 << i);
    }
    return java.util.Map.copyOf(m);
  }

  private static int mask(String... fields) {
    int want = 0;
    for (String f : fields) {
      want |= BIT.get(f);
    }
    return want;
  }

  /** {@code from/to/seq}, with node ids from the file's cache. */
  private static MessageId parseId(LineParser p, String s) {
    int a = s.indexOf('/');
    int b = a < 0 ? -1 : s.indexOf('/', a + 1);
    if (a <= 0 || b <= a + 1 || b == s.length() - 1 || s.indexOf('/', b + 1) >= 0) {
      return MessageId.parse(s); // throws, naming the problem
    }
    long seq;
    try {
      seq = Long.parseLong(s, b + 1, s.length(), 10);
    } catch (NumberFormatException e) {
      return MessageId.parse(s);
    }
    return new MessageId(p.id(s.substring(0, a)), p.id(s.substring(a + 1, b)), seq);
  }

  private static Message wrap(String where, java.util.function.Supplier<Message> make) {
    try {
      return make.get();
    } catch (IllegalArgumentException e) {
      throw new Bad("'" + where + "': " + e.getMessage());
    }
  }
}
