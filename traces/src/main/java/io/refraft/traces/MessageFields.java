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
  private final List<String> seen = new ArrayList<>(10);

  void read(LineParser p, String f, String where) throws IOException {
    seen.add(f);
    switch (f) {
      case "id" -> id = p.string(f);
      case "type" -> type = p.string(f);
      case "from" -> from = p.nodeId(f);
      case "to" -> to = p.nodeId(f);
      case "term" -> term = p.nonNegative(f);
      case "lastLogIndex" -> lastLogIndex = p.nonNegative(f);
      case "lastLogTerm" -> lastLogTerm = p.nonNegative(f);
      case "preVote" -> preVote = p.bool(f);
      case "voteGranted" -> voteGranted = p.bool(f);
      case "prevLogIndex" -> prevLogIndex = p.nonNegative(f);
      case "prevLogTerm" -> prevLogTerm = p.nonNegative(f);
      case "entries" -> entries = p.entries(where + ".entries");
      case "leaderCommit" -> leaderCommit = p.nonNegative(f);
      case "success" -> success = p.bool(f);
      case "matchIndex" -> matchIndex = p.nonNegative(f);
      case "conflictIndex" -> conflictIndex = p.nonNegative(f);
      case "conflictTerm" -> conflictTerm = p.nonNegative(f);
      default -> {
        seen.remove(seen.size() - 1);
        p.unknown(f, "'" + where + "'");
      }
    }
  }

  TracedMessage build(String where) {
    if (id == null || type == null || from == null || to == null || term < 0) {
      throw new Bad("'" + where + "' needs id, type, from, to and term");
    }
    MessageId mid;
    try {
      mid = MessageId.parse(id);
    } catch (IllegalArgumentException e) {
      throw new Bad("'" + where + "': " + e.getMessage());
    }
    Message m = switch (type) {
      case "RequestVoteRequest" -> {
        only(where, type, "lastLogIndex", "lastLogTerm", "preVote");
        yield new Message.RequestVoteRequest(from, to, term, lastLogIndex, lastLogTerm, preVote);
      }
      case "RequestVoteResponse" -> {
        only(where, type, "voteGranted", "preVote");
        yield new Message.RequestVoteResponse(from, to, term, voteGranted, preVote);
      }
      case "AppendEntriesRequest" -> {
        only(where, type, "prevLogIndex", "prevLogTerm", "entries", "leaderCommit");
        yield wrap(where, () -> new Message.AppendEntriesRequest(from, to, term, prevLogIndex, prevLogTerm, entries,
            leaderCommit));
      }
      case "AppendEntriesResponse" -> {
        only(where, type, "success", "matchIndex", "conflictIndex", "conflictTerm");
        yield wrap(where, () -> new Message.AppendEntriesResponse(from, to, term, success, matchIndex, conflictIndex,
            conflictTerm));
      }
      default -> throw new Bad("'" + where + "': unknown message type '" + type
          + "' (RequestVoteRequest, RequestVoteResponse, AppendEntriesRequest, AppendEntriesResponse)");
    };
    try {
      return new TracedMessage(mid, m);
    } catch (IllegalArgumentException e) {
      throw new Bad("'" + where + "': " + e.getMessage());
    }
  }

  /** Checks that the fields read beyond the common five are exactly {@code fields}. */
  private void only(String where, String type, String... fields) {
    int specific = 0;
    for (String f : seen) {
      switch (f) {
        case "id", "type", "from", "to", "term" -> { }
        default -> {
          if (!List.of(fields).contains(f)) {
            throw new Bad("'" + where + "': field '" + f + "' does not belong to a " + type);
          }
          specific++;
        }
      }
    }
    if (specific != fields.length) {
      List<String> missing = new ArrayList<>(List.of(fields));
      missing.removeAll(seen);
      throw new Bad("'" + where + "': a " + type + " needs " + String.join(", ", missing.isEmpty()
          ? List.of("each field once") : missing));
    }
  }

  private static Message wrap(String where, java.util.function.Supplier<Message> make) {
    try {
      return make.get();
    } catch (IllegalArgumentException e) {
      throw new Bad("'" + where + "': " + e.getMessage());
    }
  }
}
