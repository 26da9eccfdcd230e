package io.refraft.spec;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What a server knows its storage has made durable, and the messages that wait for it.
 *
 * <p>Storage completes writes in the order the steps asked for them ({@link Output.Persist}) and
 * reports each with {@link Input.Persisted}. Until a write is durable the server may not act on it
 * towards others: a vote, an acknowledgement or any other reply is held here and leaves only once
 * everything written before it is durable (Figure 2: respond to RPCs only after updating stable
 * storage), and a leader counts its own log toward commitment only up to {@link #lastIndex}
 * (thesis §10.2.1). Only a leader's AppendEntries requests leave at once, so it can write its log
 * in parallel with replicating it. etcd-io/raft's asynchronous storage writes work the same way
 * (its {@code msgsAfterAppend}, and the leader's acknowledgement of its own append).
 *
 * <p>Invariants: (1) {@code term >= 0}, {@code lastIndex >= 0}; (2) every held message's
 * requirement is of a term and index the server has reached (checked by {@link NodeState}).
 *
 * @param term      the durable currentTerm
 * @param votedFor  the durable votedFor
 * @param lastIndex the log is durable through this index: entries 1..lastIndex of the server's
 *     current log are on disk as they are in memory
 * @param held      replies waiting for durability, oldest first
 */
public record Sync(long term, Optional<NodeId> votedFor, long lastIndex, List<Held> held) {

  public Sync {
    Objects.requireNonNull(votedFor, "votedFor");
    held = List.copyOf(held);
    if (term < 0 || lastIndex < 0) {
      throw new IllegalArgumentException("sync needs term >= 0 and lastIndex >= 0, got " + term + " and " + lastIndex);
    }
  }

  /** Everything of {@code d} durable, nothing held: a server that just recovered or never ran. */
  public static Sync of(DurableState d) {
    return new Sync(d.term(), d.votedFor(), d.log().lastIndex(), List.of());
  }

  /**
   * A message waiting until the server's durable state has caught up with what it was when the
   * message was produced: hard state ({@code term}, {@code votedFor}) and the log through
   * {@code index}, whose entry there is of {@code logTerm}.
   */
  public record Held(Message message, long term, Optional<NodeId> votedFor, long index, long logTerm) {
    public Held {
      Objects.requireNonNull(message, "message");
      Objects.requireNonNull(votedFor, "votedFor");
    }
  }

  /** Whether the durable hard state is at least ({@code t}, {@code vote}): terms only grow, a vote is cast once. */
  boolean hardStateCovers(long t, Optional<NodeId> vote) {
    return term > t || (term == t && (vote.isEmpty() || votedFor.equals(vote)));
  }

  Sync withHardState(long t, Optional<NodeId> vote) {
    return new Sync(t, vote, lastIndex, held);
  }

  Sync withLastIndex(long index) {
    return new Sync(term, votedFor, index, held);
  }

  Sync withHeld(List<Held> h) {
    return new Sync(term, votedFor, lastIndex, h);
  }
}
