package io.refraft.impl.kv;

import java.util.Objects;
import java.util.Optional;

/**
 * One log entry of the KV service: an operation, the proposer's logical time, and optionally the
 * client session it belongs to.
 *
 * <p>Invariants: (1) {@code time >= 0}; (2) a session tag has {@code clientId >= 1} and
 * {@code seq >= 1}; (3) {@link KvOp.OpenSession} carries no session tag.
 *
 * @param time    milliseconds stamped by the leader that proposes the entry (thesis §6.3); the
 *     state machine's clock is the maximum seen so far, so it never runs backwards even when
 *     leaders' clocks disagree. Sessions expire by this clock only — never by a local one.
 * @param session the client session and sequence number, for exactly-once retries
 * @param op      what to do
 */
public record Command(long time, Optional<SessionTag> session, KvOp op) {
  public Command {
    Objects.requireNonNull(session, "session");
    Objects.requireNonNull(op, "op");
    if (time < 0) {
      throw new IllegalArgumentException("time must be >= 0, got " + time);
    }
    if (op instanceof KvOp.OpenSession && session.isPresent()) {
      throw new IllegalArgumentException("opening a session carries no session tag");
    }
  }

  /** A command outside any session (applied every time it is committed). */
  public static Command of(long time, KvOp op) {
    return new Command(time, Optional.empty(), op);
  }

  /** A command of session {@code clientId}, its {@code seq}-th request. */
  public static Command of(long time, long clientId, long seq, KvOp op) {
    return new Command(time, Optional.of(new SessionTag(clientId, seq)), op);
  }

  /** Client {@code clientId}'s request number {@code seq} (increasing, gaps allowed). */
  public record SessionTag(long clientId, long seq) {
    public SessionTag {
      if (clientId < 1 || seq < 1) {
        throw new IllegalArgumentException("clientId and seq must be >= 1, got " + clientId + " and " + seq);
      }
    }
  }
}
