package io.refraft.spec;

import io.refraft.spec.Input.ChangeMembership;
import io.refraft.spec.Input.ClientPropose;
import io.refraft.spec.Input.ElectionTimeout;
import io.refraft.spec.Input.HeartbeatTimeout;
import io.refraft.spec.Input.MessageReceived;
import io.refraft.spec.Input.Persisted;
import io.refraft.spec.Input.ReadIndexRequest;
import io.refraft.spec.Input.Restart;
import io.refraft.spec.Input.TakeSnapshot;
import io.refraft.spec.Input.TransferLeadership;
import io.refraft.spec.Message.AppendEntriesRequest;
import io.refraft.spec.Message.AppendEntriesResponse;
import io.refraft.spec.Message.InstallSnapshotRequest;
import io.refraft.spec.Message.InstallSnapshotResponse;
import io.refraft.spec.Message.RequestVoteRequest;
import io.refraft.spec.Message.RequestVoteResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.BiFunction;

/**
 * The Raft protocol as one pure function: {@code step(state, input) -> (next, outputs, actions)}.
 *
 * <p>Dispatch only: the rules live in {@link Election} (terms, votes, roles),
 * {@link Replication} (log replication and commitment), {@link Compaction} (snapshots and
 * InstallSnapshot), {@link ReadIndex} (linearizable reads,
 * settled at the end of every step) and {@link Effects} (what must be written, what may be sent
 * now and what waits for the disk; see {@link Sync}). Every switch is exhaustive over sealed
 * types with no default, so a new input or message fails compilation until it is handled.
 *
 * <p>Two granularities, one protocol. {@link #stepAsync} is the step with asynchronous
 * persistence: its outputs say what to write, storage reports what reached the disk with
 * {@link Persisted}, and replies wait for that. {@link #step} is synchronous persistence, the special
 * case where {@code Persisted} follows each step at once: the step and the {@code Persisted} steps it
 * needs, as one transition.
 */
public final class Raft {
  private Raft() {}

  /** Most {@code Persisted} steps one synchronous step takes (a candidate that wins alone needs two). */
  private static final int MAX_PERSIST_ROUNDS = 8;

  /**
   * One step of one server with synchronous persistence: {@link #stepAsync}, then, while the server
   * has writes not confirmed or replies held, {@code Persisted} of everything it wrote. Outputs in
   * the order of {@link Output}: every write, then every send, then what was newly applied, then
   * the rest. Never mutates its arguments; never performs I/O.
   */
  public static Transition step(NodeState state, Input input) {
    return synchronously(Raft::stepAsync, state, input);
  }

  /**
   * {@code stepFunction} (the spec's {@link #stepAsync}, or a deliberately broken variant of it)
   * with synchronous persistence, as {@link #step} describes.
   */
  public static Transition synchronously(BiFunction<NodeState, Input, Transition> stepFunction, NodeState state,
      Input input) {
    Transition t = stepFunction.apply(state, input);
    if (t.next().isSynced()) {
      return t;
    }
    List<Transition> parts = new ArrayList<>(3);
    parts.add(t);
    NodeState at = t.next();
    while (!at.isSynced()) {
      if (parts.size() > MAX_PERSIST_ROUNDS) {
        throw new IllegalStateException(state.self() + " is still not synced after " + MAX_PERSIST_ROUNDS
            + " Persisted steps: " + at.sync());
      }
      Transition p = stepFunction.apply(at, Persisted.of(at.durable()));
      parts.add(p);
      at = p.next();
    }
    return Effects.merge(parts);
  }

  /** One step of one server with asynchronous persistence. Never mutates its arguments; never performs I/O. */
  public static Transition stepAsync(NodeState state, Input input) {
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(input, "input");
    Effects fx = new Effects();
    NodeState next = switch (input) {
      case MessageReceived(Message m) -> receive(state, m, fx);
      case ElectionTimeout t -> Election.electionTimeout(state, fx);
      case HeartbeatTimeout(var peer) -> Replication.heartbeat(state, peer, fx);
      case ClientPropose(var payloads) -> Replication.propose(state, payloads, fx);
      case ReadIndexRequest(long requestId) -> ReadIndex.request(state, requestId, fx);
      case Restart(DurableState recovered) -> Election.restart(state, recovered, fx);
      case Persisted p -> persisted(state, p, fx);
      case TakeSnapshot(long index) -> Compaction.takeSnapshot(state, index, fx);
      case ChangeMembership(Membership m) -> Reconfiguration.change(state, m, fx);
      case TransferLeadership(NodeId target) -> Reconfiguration.transfer(state, target, fx);
    };
    next = Reconfiguration.settle(next, fx);
    if (!(input instanceof Restart)) {
      // Reads pending at a crash died with the process that held them: nobody is left to answer.
      next = ReadIndex.settle(state, next, fx);
    }
    return fx.finish(state, next, input instanceof Restart);
  }

  /**
   * Storage confirmed writes: record what is durable; then a candidate may count its own vote and
   * a leader its own log (thesis §10.2.1). {@link Effects#finish} releases the replies that waited.
   */
  private static NodeState persisted(NodeState s, Persisted p, Effects fx) {
    Sync sync = s.sync();
    if (p.term() > s.term() || (p.term() == s.term() && p.votedFor().isPresent() && !p.votedFor().equals(s.votedFor()))) {
      throw new IllegalArgumentException(s.self() + ": storage reports term " + p.term() + " and vote "
          + p.votedFor() + " durable, beyond its term " + s.term() + " and vote " + s.votedFor());
    }
    if (!sync.hardStateCovers(p.term(), p.votedFor())) {
      sync = sync.withHardState(p.term(), p.votedFor());
    }
    // A write of a log since replaced (a conflicting suffix truncated after it was written) proves
    // nothing about the current one; the write that replaced it is confirmed later, in order.
    // A write that ended below the snapshot proves nothing about the snapshot, which is written later.
    if (p.lastIndex() > sync.lastIndex() && s.log().matches(p.lastIndex(), p.lastTerm())) {
      sync = sync.withLastIndex(p.lastIndex());
    }
    NodeState next = s.withSync(sync);
    return switch (next.role()) {
      case Role.Candidate c -> Election.maybeWin(next, fx);
      case Role.Leader l -> Replication.advanceCommitIndex(next, fx);
      case Role.Follower f -> next;
      case Role.PreCandidate pc -> next;
    };
  }

  /**
   * All servers: a message of a higher term first makes the receiver a follower in that term (§5.1,
   * raft.tla UpdateTerm), except pre-vote traffic, which never changes terms (thesis §9.6), and a
   * vote request that arrives while a live leader is known (leader stickiness, thesis §4.2.3).
   */
  private static NodeState receive(NodeState s, Message m, Effects fx) {
    if (!m.to().equals(s.self())) {
      throw new IllegalArgumentException(s.self() + " received a message addressed to " + m.to());
    }
    if (m.term() > s.term()) {
      // Servers answer whoever asks, member or not (thesis §4.1); the lease keeps a removed one from
      // disrupting (§4.2.3), but not a leader's chosen successor (canonical/raft #203).
      if (m instanceof RequestVoteRequest r && !r.transfer() && Election.inLease(s)) {
        fx.action(Action.IgnoreVoteRequestInLease);
        return s;
      }
      if (!Election.isPreVoteTraffic(m)) {
        s = Election.updateTerm(s, m.term(), fx);
      }
    }
    return switch (m) {
      case RequestVoteRequest r -> Election.handleRequestVoteRequest(s, r, fx);
      case RequestVoteResponse r -> Election.handleRequestVoteResponse(s, r, fx);
      case AppendEntriesRequest r -> Replication.handleAppendEntriesRequest(s, r, fx);
      case AppendEntriesResponse r -> Replication.handleAppendEntriesResponse(s, r, fx);
      case InstallSnapshotRequest r -> Compaction.handleInstallSnapshotRequest(s, r, fx);
      case InstallSnapshotResponse r -> Compaction.handleInstallSnapshotResponse(s, r, fx);
      case Message.TimeoutNow r -> Reconfiguration.handleTimeoutNow(s, r, fx);
    };
  }
}
