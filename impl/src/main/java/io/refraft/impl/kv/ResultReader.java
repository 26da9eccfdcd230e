package io.refraft.impl.kv;

import static io.refraft.impl.kv.SnapshotReader.join;
import static io.refraft.impl.kv.SnapshotReader.number;
import static io.refraft.impl.kv.SnapshotReader.object;
import static io.refraft.impl.kv.SnapshotReader.optionalString;
import static io.refraft.impl.kv.SnapshotReader.string;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Decodes a {@link Result} as {@link ResultCodec} writes it: what a session's last answer is in a
 * snapshot, replayed to a retry after the snapshot is restored (thesis §6.3).
 */
final class ResultReader {
  private ResultReader() {}

  static Result result(JsonNode r, String at) throws MalformedSnapshotException {
    if (r == null || !r.isObject() || !r.path("type").isTextual()) {
      throw new MalformedSnapshotException(at, "a result is an object with a string \"type\"");
    }
    String type = r.get("type").asText();
    return switch (type) {
      case "ok" -> fields(r, at, new Result.Done());
      case "value" -> fields(r, at, new Result.RegisterValue(optionalString(r.get("value"), join(at, "value"))), "value");
      case "list" -> fields(r, at, new Result.ListValue(strings(r.get("value"), join(at, "value"))), "value");
      case "cas-failed" -> fields(r, at, new Result.CasFailed(optionalString(r.get("actual"), join(at, "actual"))),
          "actual");
      case "txn" -> fields(r, at, new Result.TxnCommitted(completed(r.get("value"), join(at, "value"))), "value");
      case "txn-aborted" -> fields(r, at, new Result.TxnAborted(Math.toIntExact(Math.min(Integer.MAX_VALUE,
          number(r, at, "op", 0))), string(r.get("reason"), join(at, "reason"))), "op", "reason");
      case "type-mismatch" -> fields(r, at, new Result.TypeMismatch(string(r.get("key"), join(at, "key")),
          string(r.get("message"), join(at, "message"))), "key", "message");
      case "session" -> fields(r, at, new Result.SessionOpened(number(r, at, "client", 1)), "client");
      case "session-expired" -> fields(r, at, new Result.SessionExpired(number(r, at, "client", 1)), "client");
      case "stale-request" -> fields(r, at, new Result.StaleRequest(number(r, at, "client", 1),
          number(r, at, "seq", 0), number(r, at, "last", 0)), "client", "seq", "last");
      case "invalid" -> fields(r, at, new Result.Invalid(string(r.get("reason"), join(at, "reason"))), "reason");
      default -> throw new MalformedSnapshotException(join(at, "type"), "unknown result type '" + type + "'");
    };
  }

  /**
   * {@code decoded}, once {@code r} has exactly "type" and {@code fields}. A field read while
   * decoding may be missing: the read reports it first ("must be a string, got nothing").
   */
  private static Result fields(JsonNode r, String at, Result decoded, String... fields) throws MalformedSnapshotException {
    Set<String> expected = new java.util.HashSet<>(List.of(fields));
    expected.add("type");
    object(r, at, expected);
    return decoded;
  }

  private static List<String> strings(JsonNode a, String at) throws MalformedSnapshotException {
    if (a == null || !a.isArray()) {
      throw new MalformedSnapshotException(at, "must be an array of strings");
    }
    List<String> out = new ArrayList<>(a.size());
    for (int i = 0; i < a.size(); i++) {
      out.add(string(a.get(i), at + "[" + i + "]"));
    }
    return out;
  }

  /** A committed transaction's micro-ops with reads filled in: {@code [["append",k,v],["r",k,read],…]}. */
  private static List<Result.Completed> completed(JsonNode a, String at) throws MalformedSnapshotException {
    if (a == null || !a.isArray() || a.isEmpty()) {
      throw new MalformedSnapshotException(at, "must be a non-empty array of micro-ops");
    }
    List<Result.Completed> out = new ArrayList<>(a.size());
    for (int i = 0; i < a.size(); i++) {
      out.add(micro(a.get(i), at + "[" + i + "]"));
    }
    return out;
  }

  private static Result.Completed micro(JsonNode m, String at) throws MalformedSnapshotException {
    if (!m.isArray() || m.size() < 3 || !m.get(0).isTextual()) {
      throw new MalformedSnapshotException(at, "a micro-op is [f, key, value...]");
    }
    String f = m.get(0).asText();
    int arity = f.equals("cas") ? 4 : 3;
    if (m.size() != arity) {
      throw new MalformedSnapshotException(at, "'" + f + "' has " + arity + " elements, got " + m.size());
    }
    String key = string(m.get(1), at + "[1]");
    return switch (f) {
      case "append" -> new Result.Completed(new MicroOp.Append(key, string(m.get(2), at + "[2]")), Optional.empty());
      case "w" -> new Result.Completed(new MicroOp.W(key, string(m.get(2), at + "[2]")), Optional.empty());
      case "cas" -> new Result.Completed(new MicroOp.Cas(key, optionalString(m.get(2), at + "[2]"),
          string(m.get(3), at + "[3]")), Optional.empty());
      case "r" -> new Result.Completed(new MicroOp.R(key),
          m.get(2).isNull() ? Optional.empty() : Optional.of(SnapshotReader.value(m.get(2), at + "[2]")));
      default -> throw new MalformedSnapshotException(at + "[0]", "unknown micro-op '" + f + "' (append, r, w, cas)");
    };
  }
}
