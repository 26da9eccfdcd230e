package io.refraft.spec;

import io.refraft.spec.Input.ClientPropose;
import io.refraft.spec.Input.ElectionTimeout;
import io.refraft.spec.Input.HeartbeatTimeout;
import io.refraft.spec.Input.MessageReceived;
import io.refraft.spec.Input.ReadIndexRequest;
import io.refraft.spec.Input.Restart;
import io.refraft.spec.Message.AppendEntriesRequest;
import io.refraft.spec.Message.AppendEntriesResponse;
import io.refraft.spec.Message.RequestVoteRequest;
import io.refraft.spec.Message.RequestVoteResponse;
import java.util.Objects;

/**
 * The Raft protocol as one pure function: {@code step(state, input) -> (next, outputs, actions)}.
 *
 * <p>Dispatch only: the rules live in {@link Election} (terms, votes, roles),
 * {@link Replication} (log replication and commitment) and {@link ReadIndex} (linearizable reads,
 * settled at the end of every step). Every switch is exhaustive over sealed
 * types with no default, so a new input or message fails compilation until it is handled.
 */
public final class Raft {
  private Raft() {}

  /** One atomic step of one server. Never mutates its arguments; never performs I/O. */
  public static Transition step(NodeState state, Input input) {
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
    };
    if (!(input instanceof Restart)) {
      // Reads pending at a crash died with the process that held them: nobody is left to answer.
      next = ReadIndex.settle(state, next, fx);
    }
    return fx.finish(state, next, input instanceof Restart);
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
    if (!s.config().isMember(m.from())) {
      throw new IllegalArgumentException(s.self() + " received a message from non-member " + m.from());
    }
    if (m.term() > s.term()) {
      if (m instanceof RequestVoteRequest && Election.inLease(s)) {
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
    };
  }
}
