package io.refraft.impl.kv;

import java.util.List;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The KV service's replicated state machine: registers, lists, atomic multi-key transactions, and
 * client sessions for exactly-once retries (thesis §6.3).
 *
 * <p>Contract (the node's state-machine interface): {@link #apply} is called with consecutive
 * indexes from 1 (or from a {@link #restore restored} snapshot's index + 1), each exactly once in this object's lifetime, with the committed entry's payload
 * (empty for the leader's no-op). It is deterministic: the same sequence of entries gives the same
 * results and byte-identical {@link #snapshot}s on every node. Not thread-safe: one thread
 * applies; {@link #read} must run on that same thread (the node serves ReadIndex reads there, once
 * {@link #lastApplied} has reached the read's index).
 */
public final class KvStateMachine {
  /** Thesis §6.3 leaves the timeout to the deployment; an hour outlives any client retry loop. */
  public static final long DEFAULT_SESSION_TTL_MILLIS = 60 * 60 * 1000L;
  public static final int DEFAULT_MAX_SESSIONS = 100_000;

  private final TreeMap<String, Value> data = new TreeMap<>();
  private final Sessions sessions;
  private long lastApplied;
  private long clock;

  public KvStateMachine() {
    this(DEFAULT_SESSION_TTL_MILLIS, DEFAULT_MAX_SESSIONS);
  }

  public KvStateMachine(long sessionTtlMillis, int maxSessions) {
    this.sessions = new Sessions(sessionTtlMillis, maxSessions);
  }

  /**
   * Applies the committed entry at {@code index}. A payload that does not decode changes nothing
   * but is still applied (its index consumed), deterministically, as {@link Result.Invalid}.
   *
   * @throws IllegalStateException if {@code index} is not {@code lastApplied() + 1}: applying out
   *     of order or twice would break determinism, so it is a driver bug, not a condition
   */
  public Result apply(long index, byte[] payload) {
    if (index != lastApplied + 1) {
      throw new IllegalStateException("apply(" + index + ") after " + lastApplied + ": entries apply in order, once");
    }
    lastApplied = index;
    if (payload.length == 0) {
      return new Result.Done(); // the leader's no-op (§8)
    }
    Command c;
    try {
      c = CommandCodec.decode(payload);
    } catch (InvalidCommandException e) {
      return new Result.Invalid(e.getMessage());
    }
    return apply(index, c);
  }

  /** Applies a decoded command at {@code index} (see {@link #apply(long, byte[])}). */
  private Result apply(long index, Command c) {
    clock = Math.max(clock, c.time());
    sessions.expire(clock);
    if (c.op() instanceof KvOp.OpenSession) {
      Result opened = new Result.SessionOpened(index);
      sessions.open(index, clock, opened);
      return opened;
    }
    if (c.session().isEmpty()) {
      return execute(c.op());
    }
    Command.SessionTag tag = c.session().get();
    Optional<Sessions.Session> s = sessions.get(tag.clientId());
    if (s.isEmpty()) {
      return new Result.SessionExpired(tag.clientId());
    }
    if (tag.seq() == s.get().lastSeq()) {
      sessions.touch(tag.clientId(), clock);
      return s.get().lastResult(); // a retry: answered, not applied again
    }
    if (tag.seq() < s.get().lastSeq()) {
      return new Result.StaleRequest(tag.clientId(), tag.seq(), s.get().lastSeq());
    }
    Result r = execute(c.op());
    sessions.record(tag.clientId(), tag.seq(), r, clock);
    return r;
  }

  /**
   * Answers a read-only operation from the current state without the log (a ReadIndex read,
   * thesis §6.4: call once {@link #lastApplied} is at least the read's index).
   *
   * @throws IllegalArgumentException if {@code op} would change the state
   */
  public Result read(KvOp op) {
    if (!op.readOnly()) {
      throw new IllegalArgumentException("not a read-only operation: " + op);
    }
    return execute(op);
  }

  /**
   * What applying {@code op} now would answer, without changing anything (outside a session). The
   * one user is a test instrument: the planted {@code ack-before-commit} bug answers with it for an
   * entry it acknowledges before applying it.
   */
  public Result preview(KvOp op) {
    if (op.readOnly()) {
      return execute(op);
    }
    TreeMap<String, Value> saved = new TreeMap<>(data);
    try {
      return execute(op);
    } finally {
      data.clear();
      data.putAll(saved);
    }
  }

  public long lastApplied() {
    return lastApplied;
  }

  /** The largest command time applied so far: the clock sessions expire by. */
  public long clock() {
    return clock;
  }

  /** The canonical encoding of the whole state (see {@link Snapshots}). */
  public byte[] snapshot() {
    return Snapshots.encode(lastApplied, clock, data, sessions.all());
  }

  /**
   * Replaces the whole state with a {@link #snapshot()}'s, sessions included, so a retry of a request
   * the snapshot covers is answered from its session, not applied again (thesis §6.3). The next
   * {@link #apply} continues at the snapshot's applied index + 1. The state is unchanged when the
   * snapshot is refused.
   *
   * @throws MalformedSnapshotException naming the field that does not decode, or the sessions that
   *     exceed this state machine's maximum
   */
  public void restore(byte[] snapshot) throws MalformedSnapshotException {
    SnapshotReader.State s = SnapshotReader.read(snapshot);
    if (s.sessions().size() > sessions.maxSessions()) {
      // replicas configured differently would expire different sessions: the snapshot does not fit
      throw new MalformedSnapshotException("sessions", "holds " + s.sessions().size() + " sessions, more than this "
          + "state machine's maximum of " + sessions.maxSessions());
    }
    sessions.replaceAll(s.sessions());
    data.clear();
    data.putAll(s.data());
    lastApplied = s.applied();
    clock = s.clock();
  }

  private Result execute(KvOp op) {
    return switch (op) {
      case KvOp.Get g -> switch (data.get(g.key())) {
        case null -> new Result.RegisterValue(Optional.empty());
        case Value.Register r -> new Result.RegisterValue(Optional.of(r.value()));
        case Value.Items l -> notRegister(g.key());
      };
      case KvOp.Put p -> {
        if (data.get(p.key()) instanceof Value.Items) {
          yield notRegister(p.key());
        }
        data.put(p.key(), new Value.Register(p.value()));
        yield new Result.Done();
      }
      case KvOp.Delete d -> {
        data.remove(d.key());
        yield new Result.Done();
      }
      case KvOp.Cas c -> cas(c);
      case KvOp.Append a -> switch (data.get(a.key())) {
        case null -> append(a.key(), Value.Items.EMPTY, a.value());
        case Value.Items l -> append(a.key(), l, a.value());
        case Value.Register r -> notList(a.key());
      };
      case KvOp.Read r -> switch (data.get(r.key())) {
        case null -> new Result.ListValue(List.of());
        case Value.Items l -> new Result.ListValue(l.elements());
        case Value.Register reg -> notList(r.key());
      };
      case KvOp.Txn t -> TxnOverlay.run(data, t);
      case KvOp.OpenSession o -> throw new IllegalStateException("open-session is handled before execute");
    };
  }

  private Result cas(KvOp.Cas c) {
    Value v = data.get(c.key());
    if (v instanceof Value.Items) {
      return notRegister(c.key());
    }
    Optional<String> actual = v == null ? Optional.empty() : Optional.of(((Value.Register) v).value());
    if (!actual.equals(c.from())) {
      return new Result.CasFailed(actual);
    }
    data.put(c.key(), new Value.Register(c.to()));
    return new Result.Done();
  }

  private Result append(String key, Value.Items list, String value) {
    data.put(key, list.plus(value));
    return new Result.Done();
  }

  static Result.TypeMismatch notRegister(String key) {
    return new Result.TypeMismatch(key, "key holds a list, not a register");
  }

  static Result.TypeMismatch notList(String key) {
    return new Result.TypeMismatch(key, "key holds a register, not a list");
  }
}
