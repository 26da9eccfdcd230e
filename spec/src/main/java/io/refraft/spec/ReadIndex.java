package io.refraft.spec;

import io.refraft.spec.Role.Leader;
import io.refraft.spec.Role.PendingRead;
import io.refraft.spec.Role.Reads;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Linearizable reads without writing to the log: the ReadIndex protocol of thesis §6.4.
 *
 * <ol>
 *   <li>The leader must have committed an entry of its own term, so that its commitIndex is at
 *       least that of every earlier leader (Leader Completeness, §5.4.3). Until it has (its no-op
 *       commits), reads wait; their readIndex is fixed when they are served.</li>
 *   <li>It records readIndex = commitIndex.</li>
 *   <li>It starts a new round; every AppendEntries sent from now on carries it, and a follower's
 *       response echoes it. Once a quorum (the leader counting itself) has answered the round, no
 *       server with a higher term had a quorum when the read arrived, so no entry committed
 *       before then is missing from 1..readIndex.</li>
 *   <li>The driver serves the read once its state machine has applied readIndex.</li>
 * </ol>
 *
 * <p>A leader that loses its role rejects every pending read: it can no longer confirm them.
 */
final class ReadIndex {
  private ReadIndex() {}

  /** Input.ReadIndexRequest: only a leader takes reads; any other server names the leader it knows. */
  static NodeState request(NodeState s, long requestId, Effects fx) {
    if (!(s.role() instanceof Leader l)) {
      fx.action(Action.RejectRead);
      fx.reply(new Output.ReadRejected(requestId, s.leader()));
      return s;
    }
    fx.action(Action.ReadIndex);
    long readIndex = committedInTerm(s) ? s.commitIndex() : 0;
    NodeState next = s.withRole(l.withReads(l.reads().start(requestId, readIndex)));
    if (s.membership().isQuorum(java.util.Set.of(s.self()))) {
      return next; // confirmed by the leader alone: settle() serves it in this step
    }
    // etcd-io/raft broadcasts a heartbeat with the read's context at once; so does an eager leader.
    return s.config().eagerSend() ? Replication.sendToAll(next, fx) : next;
  }

  /**
   * Runs at the end of every step: a server that led in {@code before} and no longer leads in
   * {@code after} rejects the reads it held; a leader serves every pending read whose round a
   * quorum has acknowledged, provided it has committed an entry of its term.
   */
  static NodeState settle(NodeState before, NodeState after, Effects fx) {
    if (before.role() instanceof Leader was && !was.reads().pending().isEmpty()
        && (!(after.role() instanceof Leader) || after.term() != before.term())) {
      fx.action(Action.RejectRead);
      for (PendingRead p : was.reads().pending()) {
        fx.reply(new Output.ReadRejected(p.requestId(), after.leader()));
      }
      return after;
    }
    if (!(after.role() instanceof Leader l) || l.reads().pending().isEmpty() || !committedInTerm(after)) {
      return after;
    }
    long confirmed = confirmedRound(after, l);
    List<PendingRead> waiting = new ArrayList<>();
    boolean served = false;
    for (PendingRead p : l.reads().pending()) {
      if (p.round() <= confirmed) {
        if (!served) {
          fx.action(Action.ConfirmRead);
          served = true;
        }
        fx.reply(new Output.ReadReady(p.requestId(), p.readIndex() > 0 ? p.readIndex() : after.commitIndex()));
      } else {
        waiting.add(p);
      }
    }
    if (!served) {
      return after;
    }
    Reads r = l.reads();
    return after.withRole(l.withReads(new Reads(r.round(), r.acked(), waiting)));
  }

  /** Step 1 of §6.4: the entry at commitIndex is of the current term (so every earlier one is committed too). */
  static boolean committedInTerm(NodeState s) {
    return s.commitIndex() > 0 && s.log().term(s.commitIndex()) == s.term();
  }

  /** The highest round a quorum has acknowledged, the leader acknowledging every round it started. */
  static long confirmedRound(NodeState s, Leader l) {
    return s.membership().quorumIndex(m -> m.equals(s.self()) ? l.reads().round() : l.reads().acked().getOrDefault(m, 0L));
  }
}
