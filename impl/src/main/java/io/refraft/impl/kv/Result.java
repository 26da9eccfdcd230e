package io.refraft.impl.kv;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** What applying one command answered. Every result is a value: equal logs give equal results. */
public sealed interface Result
    permits Result.Done, Result.RegisterValue, Result.ListValue, Result.CasFailed, Result.TxnCommitted,
        Result.TxnAborted, Result.TypeMismatch, Result.SessionOpened, Result.SessionExpired, Result.StaleRequest,
        Result.Invalid {

  /** A write took effect (put, delete, cas, append). */
  record Done() implements Result {}

  /** A register read: empty when the key is absent. */
  record RegisterValue(Optional<String> value) implements Result {
    public RegisterValue {
      Objects.requireNonNull(value, "value");
    }
  }

  /** A list read: empty when the key is absent. */
  record ListValue(List<String> elements) implements Result {
    public ListValue {
      elements = List.copyOf(elements);
    }
  }

  /** A cas found {@code actual} (empty: absent) instead of what it expected; nothing changed. */
  record CasFailed(Optional<String> actual) implements Result {
    public CasFailed {
      Objects.requireNonNull(actual, "actual");
    }
  }

  /** A transaction took effect; {@code completed} is its micro-ops with every read filled in. */
  record TxnCommitted(List<Completed> completed) implements Result {
    public TxnCommitted {
      completed = List.copyOf(completed);
    }
  }

  /**
   * One completed micro-op as Jepsen records it: for a read, {@code read} holds what it saw
   * (empty: absent key); for the others the value written (or cas target), {@code read} empty.
   */
  record Completed(MicroOp op, Optional<Value> read) {
    public Completed {
      Objects.requireNonNull(op, "op");
      Objects.requireNonNull(read, "read");
    }
  }

  /** A transaction changed nothing: micro-op {@code opIndex} (from 0) failed for {@code reason}. */
  record TxnAborted(int opIndex, String reason) implements Result {
    public TxnAborted {
      Objects.requireNonNull(reason, "reason");
    }
  }

  /** A register operation on a list or the reverse; nothing changed. */
  record TypeMismatch(String key, String message) implements Result {
    public TypeMismatch {
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(message, "message");
    }
  }

  /** A session was opened; {@code clientId} is the log index of the entry that opened it. */
  record SessionOpened(long clientId) implements Result {}

  /**
   * The session is unknown: expired or never opened. Whether an earlier attempt of this request
   * took effect cannot be known, so it is not applied now (thesis §6.3); the client must open a new
   * session and treat the outcome of its outstanding request as indeterminate.
   */
  record SessionExpired(long clientId) implements Result {}

  /**
   * An older request than the session's last: its answer was discarded when a newer request
   * arrived (the client had already moved on), so it is neither applied nor answered.
   */
  record StaleRequest(long clientId, long seq, long lastSeq) implements Result {}

  /** The entry did not decode (a command of an unknown version, or corrupt); nothing changed. */
  record Invalid(String reason) implements Result {
    public Invalid {
      Objects.requireNonNull(reason, "reason");
    }
  }
}
