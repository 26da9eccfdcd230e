package io.refraft.verification.trace;

import io.refraft.spec.DurableState;
import io.refraft.spec.Input;
import io.refraft.spec.Log;
import io.refraft.spec.Message;
import io.refraft.spec.NodeId;
import io.refraft.spec.NodeState;
import io.refraft.spec.Output;
import io.refraft.spec.Raft;
import io.refraft.spec.Role;
import io.refraft.spec.Transition;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BiFunction;

/**
 * Realistic implementation bugs, each a replacement for one step of a node (null where the bug
 * does not apply to the step), for the invalid half of the trace corpus.
 */
final class Bugs {
  private Bugs() {}

  static NodeState with(NodeState s, long term, Optional<NodeId> vote, Log log, long commit, Role role) {
    return new NodeState(s.self(), s.config(), term, vote, log, commit, role);
  }

  static Transition retarget(Transition t, NodeState next) {
    return new Transition(next, t.outputs(), t.actions());
  }

  /** A follower that already voted in this term grants another candidate's request too. */
  static BiFunction<NodeState, Input, Transition> votesTwice() {
    return (s, in) -> in instanceof Input.MessageReceived(Message.RequestVoteRequest r) && !r.preVote()
        && r.term() == s.term() && s.role() instanceof Role.Follower && s.votedFor().isPresent()
        && !s.votedFor().get().equals(r.from())
        ? Raft.step(with(s, s.term(), Optional.empty(), s.log(), s.commitIndex(), s.role()), in) : null;
  }

  /** A leader commits a proposal as soon as it appends it, without waiting for a quorum. */
  static BiFunction<NodeState, Input, Transition> commitsWithoutQuorum() {
    return (s, in) -> {
      if (!(in instanceof Input.ClientPropose) || !s.isLeader()) {
        return null;
      }
      Transition t = Raft.step(s, in);
      NodeState n = t.next();
      return retarget(t, with(n, n.term(), n.votedFor(), n.log(), n.log().lastIndex(), n.role()));
    };
  }

  /** A follower skips the prevLogTerm check: it appends after a mismatching entry and acknowledges. */
  static BiFunction<NodeState, Input, Transition> ignoresPrevLogTerm() {
    return (s, in) -> {
      if (!(in instanceof Input.MessageReceived(Message.AppendEntriesRequest r)) || r.term() < s.term()
          || r.prevLogIndex() == 0 || r.prevLogIndex() > s.log().lastIndex()
          || s.log().term(r.prevLogIndex()) == r.prevLogTerm()) {
        return null;
      }
      Message lie = new Message.AppendEntriesRequest(r.from(), r.to(), r.term(), r.prevLogIndex(),
          s.log().term(r.prevLogIndex()), r.entries(), r.leaderCommit());
      return Raft.step(s, new Input.MessageReceived(lie));
    };
  }

  /** A restart reads a stale hard state: the term of its last log entry, and no vote. */
  static BiFunction<NodeState, Input, Transition> losesTermOnRestart() {
    return (s, in) -> in instanceof Input.Restart(DurableState d) && d.term() > d.log().lastTerm()
        ? Raft.step(s, new Input.Restart(new DurableState(d.log().lastTerm(), Optional.empty(), d.log()))) : null;
  }

  /** A restart forgets votedFor, as if it were not durable. */
  static BiFunction<NodeState, Input, Transition> forgetsVoteOnRestart() {
    return (s, in) -> in instanceof Input.Restart(DurableState d) && d.votedFor().isPresent()
        ? Raft.step(s, new Input.Restart(new DurableState(d.term(), Optional.empty(), d.log()))) : null;
  }

  /** A follower that just moved to a higher term answers AppendEntries with its old term. */
  static BiFunction<NodeState, Input, Transition> repliesWithOldTerm() {
    return (s, in) -> {
      if (!(in instanceof Input.MessageReceived(Message.AppendEntriesRequest r)) || r.term() <= s.term()) {
        return null;
      }
      Transition t = Raft.step(s, in);
      List<Output> out = new ArrayList<>();
      for (Output o : t.outputs()) {
        if (o instanceof Output.Send(Message.AppendEntriesResponse a)) {
          out.add(new Output.Send(new Message.AppendEntriesResponse(a.from(), a.to(), s.term(), a.success(),
              a.matchIndex(), a.conflictIndex(), a.conflictTerm())));
        } else {
          out.add(o);
        }
      }
      return new Transition(t.next(), out, t.actions());
    };
  }

  /**
   * A follower truncates everything after prevLogIndex before appending, even entries that match:
   * a delayed, shorter AppendEntries then deletes entries that are already committed (§5.3).
   */
  static BiFunction<NodeState, Input, Transition> truncatesOnStaleAppend() {
    return (s, in) -> {
      if (!(in instanceof Input.MessageReceived(Message.AppendEntriesRequest r)) || r.term() != s.term()
          || !s.log().matches(r.prevLogIndex(), r.prevLogTerm())
          || r.prevLogIndex() + r.entries().size() >= s.log().lastIndex()) {
        return null;
      }
      Transition t = Raft.step(s, in);
      NodeState n = t.next();
      Log cut = n.log().truncateAfter(r.prevLogIndex()).appendAll(r.entries());
      return retarget(t, with(n, n.term(), n.votedFor(), cut, Math.min(n.commitIndex(), cut.lastIndex()), n.role()));
    };
  }

  /** A follower accepts AppendEntries of a higher term without adopting the term. */
  static BiFunction<NodeState, Input, Transition> keepsOldTermOnAppend() {
    return (s, in) -> {
      if (!(in instanceof Input.MessageReceived(Message.AppendEntriesRequest r)) || r.term() <= s.term()
          || s.isLeader()) {
        return null;
      }
      Message same = new Message.AppendEntriesRequest(r.from(), r.to(), s.term(), r.prevLogIndex(), r.prevLogTerm(),
          r.entries(), r.leaderCommit());
      return Raft.step(s, new Input.MessageReceived(same));
    };
  }

  /** A leader overwrites its last entry with a new proposal instead of appending it. */
  static BiFunction<NodeState, Input, Transition> leaderOverwrites() {
    return (s, in) -> {
      if (!(in instanceof Input.ClientPropose) || !s.isLeader() || s.log().lastIndex() <= s.commitIndex()) {
        return null;
      }
      Transition t = Raft.step(s, in);
      NodeState n = t.next();
      Log over = s.log().truncateAfter(s.log().lastIndex() - 1)
          .appendAll(n.log().slice(s.log().lastIndex() + 1, n.log().lastIndex() + 1));
      return retarget(t, with(n, n.term(), n.votedFor(), over, Math.min(n.commitIndex(), over.lastIndex()), n.role()));
    };
  }

  /** A follower takes commitIndex from the last new entry, ignoring leaderCommit. */
  static BiFunction<NodeState, Input, Transition> commitsPastLeaderCommit() {
    return (s, in) -> {
      if (!(in instanceof Input.MessageReceived(Message.AppendEntriesRequest r)) || r.entries().isEmpty()
          || r.leaderCommit() >= r.prevLogIndex() + r.entries().size()) {
        return null;
      }
      Transition t = Raft.step(s, in);
      NodeState n = t.next();
      if (n.isLeader() || n.log().lastIndex() <= n.commitIndex()) {
        return null;
      }
      return retarget(t, with(n, n.term(), n.votedFor(), n.log(), n.log().lastIndex(), n.role()));
    };
  }

  /** A follower adopts the term of a pre-vote request, disrupting the cluster pre-vote exists to protect. */
  static BiFunction<NodeState, Input, Transition> preVoteBumpsTerm() {
    return (s, in) -> {
      if (!(in instanceof Input.MessageReceived(Message.RequestVoteRequest r)) || !r.preVote()
          || r.term() <= s.term() || s.isLeader()) {
        return null;
      }
      Transition t = Raft.step(s, in);
      NodeState n = t.next();
      return retarget(t, with(n, r.term(), Optional.empty(), n.log(), n.commitIndex(), Role.Follower.UNKNOWN_LEADER));
    };
  }

  /** A voter grants a vote without the up-to-date log check of §5.4.1. */
  static BiFunction<NodeState, Input, Transition> grantsToStaleLog() {
    return (s, in) -> {
      if (!(in instanceof Input.MessageReceived(Message.RequestVoteRequest r)) || r.preVote()) {
        return null;
      }
      boolean logOk = r.lastLogTerm() > s.log().lastTerm()
          || (r.lastLogTerm() == s.log().lastTerm() && r.lastLogIndex() >= s.log().lastIndex());
      if (logOk) {
        return null;
      }
      Message lie = new Message.RequestVoteRequest(r.from(), r.to(), r.term(), Long.MAX_VALUE / 2, Long.MAX_VALUE / 2,
          false);
      return Raft.step(s, new Input.MessageReceived(lie));
    };
  }
}
