package io.refraft.spec.explore;

import io.refraft.spec.Input;
import io.refraft.spec.Log;
import io.refraft.spec.Message;
import io.refraft.spec.NodeState;
import io.refraft.spec.Output;
import io.refraft.spec.Raft;
import io.refraft.spec.Role;
import io.refraft.spec.Sync;
import io.refraft.spec.Transition;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Deliberately broken variants of the protocol that the model checker must catch: a checker that
 * cannot fail proves nothing. Each wraps {@link Raft#step}, altering its input or its result, so
 * the protocol code itself carries no bug branches; none is reachable except by naming it.
 */
public enum Mutant {
  /** A server grants its vote even though it already voted for another candidate in this term. */
  VOTE_TWICE("vote-twice") {
    @Override
    Transition step(NodeState s, Input in) {
      if (in instanceof Input.MessageReceived(Message.RequestVoteRequest r) && !r.preVote() && r.term() == s.term()
          && s.role() instanceof Role.Follower) {
        return Raft.step(copy(s, s.term(), Optional.empty(), s.log(), s.commitIndex(), s.role()), in);
      }
      return Raft.step(s, in);
    }
  },

  /** A server grants its vote without checking that the candidate's log is at least as up-to-date (§5.4.1). */
  NO_LOG_CHECK("no-log-check") {
    @Override
    Transition step(NodeState s, Input in) {
      if (in instanceof Input.MessageReceived(Message.RequestVoteRequest r)) {
        Message lying = new Message.RequestVoteRequest(r.from(), r.to(), r.term(), Long.MAX_VALUE / 2,
            Long.MAX_VALUE / 2, r.preVote());
        return Raft.step(s, new Input.MessageReceived(lying));
      }
      return Raft.step(s, in);
    }
  },

  /** A leader commits an entry of an earlier term by counting its replicas: the Figure 8 bug (§5.4.2). */
  COMMIT_PREVIOUS_TERM("commit-previous-term") {
    @Override
    Transition step(NodeState s, Input in) {
      Transition t = Raft.step(s, in);
      NodeState n = t.next();
      if (!(n.role() instanceof Role.Leader l)) {
        return t;
      }
      long[] match = new long[n.config().members().size()];
      int i = 0;
      for (var id : n.config().members()) {
        match[i++] = id.equals(n.self()) ? n.sync().lastIndex() : l.progressOf(id).match();
      }
      Arrays.sort(match);
      long quorumIndex = match[match.length - n.config().quorum()];
      if (quorumIndex <= n.commitIndex()) {
        return t;
      }
      return retarget(t, copy(n, n.term(), n.votedFor(), n.log(), quorumIndex, n.role()));
    }
  },

  /** A follower keeps its conflicting entries instead of deleting them, yet acknowledges the append (§5.3). */
  KEEP_CONFLICTS("keep-conflicts") {
    @Override
    Transition step(NodeState s, Input in) {
      Transition t = Raft.step(s, in);
      Log before = s.log();
      Log after = t.next().log();
      long common = Math.min(before.lastIndex(), after.lastIndex());
      boolean truncated = false;
      for (long i = 1; i <= common; i++) {
        if (!before.entry(i).equals(after.entry(i))) {
          truncated = true;
          break;
        }
      }
      if (!truncated) {
        return t;
      }
      Log kept = before;
      for (long i = before.lastIndex() + 1; i <= after.lastIndex(); i++) {
        kept = kept.append(after.entry(i));
      }
      NodeState n = t.next();
      return retarget(t, copy(n, n.term(), n.votedFor(), kept, Math.min(n.commitIndex(), kept.lastIndex()), n.role()));
    }
  },

  /** A leader overwrites its last entry with a new proposal instead of appending (Leader Append-Only). */
  LEADER_OVERWRITES("leader-overwrites") {
    @Override
    Transition step(NodeState s, Input in) {
      Transition t = Raft.step(s, in);
      if (!(in instanceof Input.ClientPropose) || !s.isLeader() || s.log().isEmpty()) {
        return t;
      }
      NodeState n = t.next();
      Log overwritten = s.log().truncateAfter(s.log().lastIndex() - 1)
          .appendAll(n.log().slice(s.log().lastIndex() + 1, n.log().lastIndex() + 1));
      return retarget(t, copy(n, n.term(), n.votedFor(), overwritten,
          Math.min(n.commitIndex(), overwritten.lastIndex()), n.role()));
    }
  },

  /** A server forgets votedFor when it restarts, as if it were not durable (Figure 2). */
  FORGET_VOTE_ON_RESTART("forget-vote-on-restart") {
    @Override
    Transition step(NodeState s, Input in) {
      if (in instanceof Input.Restart(var d)) {
        return Raft.step(s, new Input.Restart(new io.refraft.spec.DurableState(d.term(), Optional.empty(), d.log())));
      }
      return Raft.step(s, in);
    }
  },

  /** A leader commits everything it has appended, without waiting for a quorum (§5.3). */
  COMMIT_WITHOUT_QUORUM("commit-without-quorum") {
    @Override
    Transition step(NodeState s, Input in) {
      Transition t = Raft.step(s, in);
      NodeState n = t.next();
      if (!n.isLeader() || n.log().lastIndex() <= n.commitIndex()) {
        return t;
      }
      return retarget(t, copy(n, n.term(), n.votedFor(), n.log(), n.log().lastIndex(), n.role()));
    }
  },

  /** A server accepts AppendEntries from a leader of an older term as if it were current (§5.1). */
  ACCEPT_STALE_TERM("accept-stale-term") {
    @Override
    Transition step(NodeState s, Input in) {
      if (in instanceof Input.MessageReceived(Message.AppendEntriesRequest r) && r.term() < s.term()) {
        Message current = new Message.AppendEntriesRequest(r.from(), r.to(), s.term(), r.prevLogIndex(),
            r.prevLogTerm(), r.entries(), r.leaderCommit(), r.round());
        return Raft.step(s, new Input.MessageReceived(current));
      }
      return Raft.step(s, in);
    }
  },

  /**
   * A leader answers a read at once from its commit index, skipping the confirmation round of
   * thesis §6.4 step 3: a deposed leader that has not yet heard of its successor serves a stale read.
   */
  STALE_READ("stale-read") {
    @Override
    Transition step(NodeState s, Input in) {
      Transition t = Raft.step(s, in);
      NodeState n = t.next();
      if (!(in instanceof Input.ReadIndexRequest) || !(n.role() instanceof Role.Leader l)
          || l.reads().pending().isEmpty() || n.commitIndex() == 0 || n.log().term(n.commitIndex()) != n.term()) {
        return t;
      }
      List<Output> outputs = new ArrayList<>(t.outputs());
      for (Role.PendingRead p : l.reads().pending()) {
        outputs.add(new Output.ReadReady(p.requestId(), p.readIndex() > 0 ? p.readIndex() : n.commitIndex()));
      }
      Role.Reads r = l.reads();
      Role unconfirmed = l.withReads(new Role.Reads(r.round(), r.acked(), List.of()));
      return new Transition(copy(n, n.term(), n.votedFor(), n.log(), n.commitIndex(), unconfirmed), outputs,
          t.actions());
    }
  };

  private final String cliName;

  Mutant(String cliName) {
    this.cliName = cliName;
  }

  /**
   * Settings a mutant needs to be observable, applied where the user gives none; empty when the
   * defaults of {@code refraft spec check} suffice.
   *
   * @param maxTerm     the bound on terms
   * @param maxLog      the bound on log length
   * @param preVote     pre-vote on or off
   * @param checkQuorum check-quorum on or off
   * @param leaderNoop  leader no-op on or off
   * @param faults      the faults explored
   * @param reads       client reads arriving in total
   */
  public record Settings(int maxTerm, int maxLog, boolean preVote, boolean checkQuorum, boolean leaderNoop,
      io.refraft.spec.check.Faults faults, int reads) {}

  /**
   * The Figure 8 bug needs four terms (an entry of term 1, a competing one of term 2, the buggy
   * commit in term 3, the competing leader of term 4) and nothing else: no faults, one entry per
   * log, none of the optional features. A stale read needs one read (and two terms, two entries:
   * the defaults). Every other mutant shows within the defaults.
   */
  public java.util.Optional<Settings> settings() {
    return switch (this) {
      case COMMIT_PREVIOUS_TERM ->
          Optional.of(new Settings(4, 1, false, false, false, io.refraft.spec.check.Faults.NONE, 0));
      // A stale read needs one read and a deposed leader that has not heard of its successor: undelivered
      // messages suffice, so no faults and no optional election features.
      case STALE_READ -> Optional.of(new Settings(2, 2, false, false, true, io.refraft.spec.check.Faults.NONE, 1));
      case VOTE_TWICE, NO_LOG_CHECK, KEEP_CONFLICTS, LEADER_OVERWRITES, FORGET_VOTE_ON_RESTART, COMMIT_WITHOUT_QUORUM,
          ACCEPT_STALE_TERM -> Optional.empty();
    };
  }

  /** The name {@code refraft spec check --mutant} takes. */
  public String cliName() {
    return cliName;
  }

  /** The mutant called {@code name}, if any. */
  public static Optional<Mutant> byName(String name) {
    for (Mutant m : values()) {
      if (m.cliName.equals(name)) {
        return Optional.of(m);
      }
    }
    return Optional.empty();
  }

  abstract Transition step(NodeState s, Input in);

  private static NodeState copy(NodeState n, long term, Optional<io.refraft.spec.NodeId> vote, Log log, long commit,
      Role role) {
    // What was confirmed durable stays so, as far as the altered state still has it.
    Sync s = n.sync();
    long synced = Math.min(s.lastIndex(), n.log().firstDifference(log) - 1);
    Sync sync = s.term() > term ? new Sync(term, vote, synced, s.held()) : new Sync(s.term(), s.votedFor(), synced,
        s.held());
    return new NodeState(n.self(), n.config(), term, vote, log, commit, role, sync);
  }

  /** The transition {@code t} with its next state replaced (outputs are kept: the model reads states). */
  private static Transition retarget(Transition t, NodeState next) {
    List<Output> outputs = new ArrayList<>(t.outputs());
    return new Transition(next, outputs, t.actions());
  }
}
