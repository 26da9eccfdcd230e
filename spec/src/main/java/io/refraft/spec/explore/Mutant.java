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
  VOTE_TWICE("vote-twice", "grants a second vote in a term it already voted in (§5.2, Figure 2 RequestVote rule 2)") {
    @Override
    Transition step(NodeState s, Input in) {
      if (in instanceof Input.MessageReceived(Message.RequestVoteRequest r) && !r.preVote() && r.term() == s.term()
          && s.role() instanceof Role.Follower) {
        return Raft.stepAsync(copy(s, s.term(), Optional.empty(), s.log(), s.commitIndex(), s.role()), in);
      }
      return Raft.stepAsync(s, in);
    }
  },

  /** A server grants its vote without checking that the candidate's log is at least as up-to-date (§5.4.1). */
  NO_LOG_CHECK("no-log-check", "grants votes without the up-to-date log check (§5.4.1)") {
    @Override
    Transition step(NodeState s, Input in) {
      if (in instanceof Input.MessageReceived(Message.RequestVoteRequest r)) {
        Message lying = new Message.RequestVoteRequest(r.from(), r.to(), r.term(), Long.MAX_VALUE / 2,
            Long.MAX_VALUE / 2, r.preVote());
        return Raft.stepAsync(s, new Input.MessageReceived(lying));
      }
      return Raft.stepAsync(s, in);
    }
  },

  /** A leader commits an entry of an earlier term by counting its replicas: the Figure 8 bug (§5.4.2). */
  COMMIT_PREVIOUS_TERM("commit-previous-term", "commits an entry of an earlier term by counting replicas: the Figure 8 bug (§5.4.2)") {
    @Override
    Transition step(NodeState s, Input in) {
      Transition t = Raft.stepAsync(s, in);
      NodeState n = t.next();
      if (!(n.role() instanceof Role.Leader l)) {
        return t;
      }
      long quorumIndex = DurabilityMutations.quorumIndex(n, l, n.sync().lastIndex());
      if (quorumIndex <= n.commitIndex()) {
        return t;
      }
      return retarget(t, copy(n, n.term(), n.votedFor(), n.log(), quorumIndex, n.role()));
    }
  },

  /** A follower keeps its conflicting entries instead of deleting them, yet acknowledges the append (§5.3). */
  KEEP_CONFLICTS("keep-conflicts", "keeps conflicting entries yet acknowledges the append (§5.3, Figure 2 AppendEntries rule 3)") {
    @Override
    Transition step(NodeState s, Input in) {
      Transition t = Raft.stepAsync(s, in);
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
  LEADER_OVERWRITES("leader-overwrites", "a leader overwrites its last entry with a new proposal (Leader Append-Only, Figure 3)") {
    @Override
    Transition step(NodeState s, Input in) {
      Transition t = Raft.stepAsync(s, in);
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
  FORGET_VOTE_ON_RESTART("forget-vote-on-restart", "forgets votedFor on restart, as if it were not durable (Figure 2, persistent state)") {
    @Override
    Transition step(NodeState s, Input in) {
      if (in instanceof Input.Restart(var d)) {
        return Raft.stepAsync(s, new Input.Restart(new io.refraft.spec.DurableState(d.term(), Optional.empty(), d.log())));
      }
      return Raft.stepAsync(s, in);
    }
  },

  /** A leader commits everything it has appended, without waiting for a quorum (§5.3). */
  COMMIT_WITHOUT_QUORUM("commit-without-quorum", "a leader commits what it appended without a quorum (§5.3)") {
    @Override
    Transition step(NodeState s, Input in) {
      Transition t = Raft.stepAsync(s, in);
      NodeState n = t.next();
      if (!n.isLeader() || n.log().lastIndex() <= n.commitIndex()) {
        return t;
      }
      return retarget(t, copy(n, n.term(), n.votedFor(), n.log(), n.log().lastIndex(), n.role()));
    }
  },

  /** A server accepts AppendEntries from a leader of an older term as if it were current (§5.1). */
  ACCEPT_STALE_TERM("accept-stale-term", "accepts AppendEntries from a leader of an older term (§5.1)") {
    @Override
    Transition step(NodeState s, Input in) {
      if (in instanceof Input.MessageReceived(Message.AppendEntriesRequest r) && r.term() < s.term()) {
        Message current = new Message.AppendEntriesRequest(r.from(), r.to(), s.term(), r.prevLogIndex(),
            r.prevLogTerm(), r.entries(), r.leaderCommit(), r.round());
        return Raft.stepAsync(s, new Input.MessageReceived(current));
      }
      return Raft.stepAsync(s, in);
    }
  },

  /**
   * A leader answers a read at once from its commit index, skipping the confirmation round of
   * thesis §6.4 step 3: a deposed leader that has not yet heard of its successor serves a stale read.
   */
  STALE_READ("stale-read", "serves a read without the ReadIndex confirmation round (thesis §6.4 step 3)") {
    @Override
    Transition step(NodeState s, Input in) {
      Transition t = Raft.stepAsync(s, in);
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
  },

  /** A server sends a granted vote before the vote is durable. */
  VOTE_BEFORE_PERSIST("vote-before-persist", "sends a granted vote before votedFor is durable (Figure 2: respond after "
      + "updating stable storage)") {
    @Override
    Transition step(NodeState s, Input in) {
      return DurabilityMutations.sendEarly(s, in, m -> m instanceof Message.RequestVoteResponse r && r.voteGranted()
          && !r.preVote());
    }
  },

  /** A follower acknowledges entries before they are durable. */
  ACK_BEFORE_PERSIST("ack-before-persist", "acknowledges appended entries before they are durable (Figure 2; etcd "
      + "MsgAppResp after MsgStorageAppend)") {
    @Override
    Transition step(NodeState s, Input in) {
      return DurabilityMutations.sendEarly(s, in, m -> m instanceof Message.AppendEntriesResponse r && r.success());
    }
  },

  /** A leader counts entries toward commitment that are not durable on its own disk. */
  LEADER_COUNTS_ITSELF_BEFORE_PERSIST("leader-counts-itself-before-persist", "a leader counts its own entries toward "
      + "commitment before they are durable (thesis §10.2.1)") {
    @Override
    Transition step(NodeState s, Input in) {
      return DurabilityMutations.leaderCountsItselfEarly(s, in);
    }
  },

  /** A server applies committed entries that are not yet durable on its disk. */
  APPLY_BEFORE_PERSIST("apply-before-persist", "applies committed entries before they are durable locally (etcd #5664: "
      + "state ahead of the log after a crash)") {
    @Override
    Transition step(NodeState s, Input in) {
      return DurabilityMutations.applyEarly(s, in);
    }
  },

  /** A server restarts with the term of its last entry and no vote, as if term and vote were not written. */
  FORGET_TERM_ON_RESTART("forget-term-on-restart", "restarts with the term of its last entry and no vote, as if "
      + "currentTerm were not durable (Figure 2, persistent state)") {
    @Override
    Transition step(NodeState s, Input in) {
      return DurabilityMutations.restartWith(s, in, DurabilityMutations::withoutTerm);
    }
  },

  /** A server restarts without the last entry of its durable log (storage lost a synced record). */
  LOSE_LOG_TAIL_ON_RESTART("lose-log-tail-on-restart", "restarts without the last durable entry, as storage that "
      + "drops synced records would (Figure 2, persistent state)") {
    @Override
    Transition step(NodeState s, Input in) {
      return DurabilityMutations.restartWith(s, in, DurabilityMutations::withoutLastEntry);
    }
  },

  /** A stale, reordered acknowledgement lowers a leader's matchIndex. */
  MATCH_INDEX_REGRESS("match-index-regress", "a stale, reordered acknowledgement lowers matchIndex (ongardie/raft.tla "
      + "issue 18, CCF #5325)") {
    @Override
    Transition step(NodeState s, Input in) {
      return DurabilityMutations.matchIndexRegress(s, in);
    }
  },

  /** A leader or candidate does not step down on a response of a higher term. */
  IGNORE_HIGHER_TERM_IN_RESPONSE("ignore-higher-term-in-response", "a leader or candidate does not step down on a "
      + "response of a higher term (Figure 2, all servers)") {
    @Override
    Transition step(NodeState s, Input in) {
      return DurabilityMutations.ignoreHigherTermInResponse(s, in);
    }
  },

  /** A candidate counts votes granted in an earlier term. */
  COUNT_STALE_VOTES("count-stale-votes", "a candidate counts votes granted in an earlier term (§5.2)") {
    @Override
    Transition step(NodeState s, Input in) {
      return DurabilityMutations.countStaleVotes(s, in);
    }
  },

  /** A delayed AppendEntries truncates entries that match it. */
  TRUNCATE_WITHOUT_CONFLICT("truncate-without-conflict", "a delayed AppendEntries truncates entries that match it "
      + "(Figure 2 AppendEntries rule 3; CCF #5991)") {
    @Override
    Transition step(NodeState s, Input in) {
      return DurabilityMutations.truncateWithoutConflict(s, in);
    }
  },

  /** A new leader serves reads before committing an entry of its term. */
  READ_BEFORE_TERM_COMMIT("read-before-term-commit", "serves a read before the leader committed an entry of its term "
      + "(thesis §6.4 step 1)") {
    @Override
    Transition step(NodeState s, Input in) {
      return DurabilityMutations.readBeforeTermCommit(s, in);
    }
  },

  /** A server compacts entries it has not committed into its snapshot. */
  SNAPSHOT_UNCOMMITTED("snapshot-uncommitted", "compacts entries beyond commitIndex into a snapshot (thesis §5.1: "
      + "only applied entries are compacted)") {
    @Override
    Transition step(NodeState s, Input in) {
      return SnapshotMutations.snapshotUncommitted(s, in);
    }
  },

  /** A follower installs a snapshot older than its commit index, losing committed entries. */
  INSTALL_STALE_SNAPSHOT("install-stale-snapshot", "installs a snapshot older than its commit index and drops the "
      + "committed entries after it (Figure 5.3: a snapshot no newer than the log changes nothing)") {
    @Override
    Transition step(NodeState s, Input in) {
      return SnapshotMutations.installStaleSnapshot(s, in);
    }
  },

  /** A follower discards its whole log on InstallSnapshot, even the entries that follow a matching snapshot. */
  DISCARD_LOG_AFTER_SNAPSHOT("discard-log-after-snapshot", "discards the entries that follow a snapshot it matches "
      + "(Figure 5.3 rule 6: retain log entries following it)") {
    @Override
    Transition step(NodeState s, Input in) {
      return SnapshotMutations.discardLogAfterSnapshot(s, in);
    }
  },

  /**
   * A candidate never returns to follower: a request that would make it one is ignored, and a
   * response of a higher term raises its term (as Figure 2 requires) but leaves it a candidate of
   * that term, voting for itself as on a timeout. Safe — ignoring a message is a drop — but a candidate that lost to a leader with
   * entries it lacks can never catch up nor win: only the recovery check catches it.
   */
  NEVER_STEP_DOWN("never-step-down", "a candidate never returns to follower after losing (§5.2: a candidate that "
      + "learns of a current leader or a newer term returns to follower state); caught by the recovery check") {
    @Override
    Transition step(NodeState s, Input in) {
      Transition t = Raft.stepAsync(s, in);
      if (!(s.role() instanceof Role.Candidate) || !(in instanceof Input.MessageReceived(Message m))
          || !(t.next().role() instanceof Role.Follower)) {
        return t;
      }
      if (m instanceof Message.AppendEntriesRequest || m instanceof Message.RequestVoteRequest
          || m instanceof Message.InstallSnapshotRequest) {
        return new Transition(s, List.of(), List.of());
      }
      NodeState n = t.next();
      java.util.Set<io.refraft.spec.NodeId> self = java.util.Set.of(s.self());
      return retarget(t, copy(n, n.term(), Optional.of(s.self()), n.log(), n.commitIndex(),
          new Role.Candidate(self, self)));
    }

    @Override
    public boolean needsRecoveryCheck() {
      return true;
    }
  },

  /** A server takes 0 for the term of its snapshot's last entry when it has no entry after it. */
  COMPACT_WITHOUT_SNAPSHOT_TERM("compact-without-snapshot-term", "forgets the snapshot's last term after compaction: "
      + "compares logs and sends prevLogTerm as if it were 0 (thesis §5.1: lastIncludedTerm is kept; camunda #13093)") {
    @Override
    Transition step(NodeState s, Input in) {
      return SnapshotMutations.compactWithoutSnapshotTerm(s, in);
    }
  },

  /** A leader appends a configuration before it has committed an entry of its term (raft-dev, 2015). */
  CHANGE_BEFORE_TERM_COMMIT("change-before-term-commit", "appends a configuration before committing an entry of "
      + "its term: the single-server change bug Ongaro reported on raft-dev in 2015") {
    @Override
    Transition step(NodeState s, Input in) {
      return ReconfigMutations.appendDespite(s, in, io.refraft.spec.Output.Refusal.TERM_NOT_COMMITTED);
    }
  },

  /** A leader appends a second configuration while the first is still uncommitted. */
  TWO_PENDING_CHANGES("two-pending-changes", "appends a configuration while another is pending (thesis §4.1: one "
      + "change at a time)") {
    @Override
    Transition step(NodeState s, Input in) {
      return ReconfigMutations.appendDespite(s, in, io.refraft.spec.Output.Refusal.CHANGE_PENDING);
    }
  },

  /** A leader in joint consensus commits by a majority of the new configuration alone. */
  JOINT_QUORUM_NEW_ONLY("joint-quorum-new-only", "commits in a joint configuration by a majority of the incoming "
      + "voters alone (thesis §4.3: both majorities)") {
    @Override
    Transition step(NodeState s, Input in) {
      return ReconfigMutations.jointQuorumNewOnly(s, in);
    }
  },

  /** A server campaigns while a committed configuration entry is not yet applied. */
  CAMPAIGN_WITH_UNAPPLIED_CONF("campaign-with-unapplied-conf", "campaigns while a committed configuration entry is "
      + "not applied (etcd #7280)") {
    @Override
    Transition step(NodeState s, Input in) {
      return ReconfigMutations.campaignWithUnappliedConf(s, in);
    }
  },

  /** The target of a leadership transfer runs pre-vote instead of campaigning at once. */
  TRANSFER_WITH_PREVOTE("transfer-with-prevote", "the target of a leadership transfer runs a pre-vote, which servers "
      + "within the leader's lease refuse (canonical/raft #203)") {
    @Override
    Transition step(NodeState s, Input in) {
      return ReconfigMutations.transferWithPreVote(s, in);
    }
  },

  /** A leader starts a leadership transfer while a configuration change is pending. */
  TRANSFER_DURING_CONF_CHANGE("transfer-during-conf-change", "starts a leadership transfer while a configuration "
      + "change is pending (tikv/raft-rs #221)") {
    @Override
    Transition step(NodeState s, Input in) {
      return ReconfigMutations.transferDuringChange(s, in);
    }
  },

  /** A leader that committed its own removal keeps leading. */
  REMOVED_LEADER_KEEPS_LEADING("removed-leader-keeps-leading", "a leader keeps leading after committing its own "
      + "removal (thesis §4.2.2: it steps down)") {
    @Override
    Transition step(NodeState s, Input in) {
      return ReconfigMutations.removedLeaderKeepsLeading(s, in);
    }
  };

  private final String cliName;
  private final String description;

  Mutant(String cliName, String description) {
    this.cliName = cliName;
    this.description = description;
  }

  /** One line: what the bug does and the paper section or real bug it stands for. */
  public String description() {
    return description;
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
   * @param maxPending  writes pending per server at most (0: synchronous persistence)
   * @param maxMsgs     messages in flight at most
   * @param values      distinct client values
   * @param snapshots   servers compact their logs and leaders send snapshots
   * @param joining     servers outside the initial configuration
   * @param reconfig    the operator requests leaders receive
   * @param confOnApply configurations take effect when applied
   */
  public record Settings(int maxTerm, int maxLog, boolean preVote, boolean checkQuorum, boolean leaderNoop,
      io.refraft.spec.check.Faults faults, int reads, int maxPending, int maxMsgs, int values, boolean snapshots,
      int joining, io.refraft.spec.check.Reconfig reconfig, boolean confOnApply) {
    /** Settings of a fixed configuration. */
    public Settings(int maxTerm, int maxLog, boolean preVote, boolean checkQuorum, boolean leaderNoop,
        io.refraft.spec.check.Faults faults, int reads, int maxPending, int maxMsgs, int values, boolean snapshots) {
      this(maxTerm, maxLog, preVote, checkQuorum, leaderNoop, faults, reads, maxPending, maxMsgs, values, snapshots, 0,
          io.refraft.spec.check.Reconfig.NONE, false);
    }

    /** Settings without snapshots. */
    public Settings(int maxTerm, int maxLog, boolean preVote, boolean checkQuorum, boolean leaderNoop,
        io.refraft.spec.check.Faults faults, int reads, int maxPending, int maxMsgs, int values) {
      this(maxTerm, maxLog, preVote, checkQuorum, leaderNoop, faults, reads, maxPending, maxMsgs, values, false);
    }
  }

  /**
   * The Figure 8 bug needs four terms (an entry of term 1, a competing one of term 2, the buggy
   * commit in term 3, the competing leader of term 4) and nothing else: no faults, one entry per
   * log, none of the optional features. A stale read needs one read (and two terms, two entries:
   * the defaults). Every other mutant shows within the defaults.
   */
  public java.util.Optional<Settings> settings() {
    return switch (this) {
      case COMMIT_PREVIOUS_TERM ->
          Optional.of(new Settings(4, 1, false, false, false, io.refraft.spec.check.Faults.NONE, 0, 0, 1, 1));
      // A stale read needs one read and a deposed leader that has not heard of its successor: undelivered
      // messages suffice, so no faults and no optional election features.
      case STALE_READ -> Optional.of(new Settings(2, 2, false, false, true, io.refraft.spec.check.Faults.NONE, 1, 0, 1, 1));
      // Synchronous persistence: the shortest counterexample (6 s with writes pending, 0.4 s without).
      case IGNORE_HIGHER_TERM_IN_RESPONSE ->
          Optional.of(new Settings(2, 2, true, true, true, io.refraft.spec.check.Faults.ALL, 0, 0, 1, 1));
      // The defaults, asynchronous persistence: in a synchronous trace a restart that recovers an older
      // term is one that lost its last steps unobserved (traces/FORMAT.md 5.4); with Persisted steps
      // the trace shows the term was durable.
      case FORGET_TERM_ON_RESTART -> Optional.empty();
      // A committed entry on exactly a quorum, then a holder restarts without it; with writes pending
      // (asynchronous persistence) the trace's Persisted steps show the entry was durable.
      case LOSE_LOG_TAIL_ON_RESTART -> Optional.of(new Settings(1, 1, false, false, false,
          new io.refraft.spec.check.Faults(false, false, true), 0, 1, 1, 1));
      // A stale acknowledgement must still be in flight when a later one arrives: a duplicate.
      case MATCH_INDEX_REGRESS, TRUNCATE_WITHOUT_CONFLICT -> Optional.of(new Settings(1, 2, false, false, true,
          new io.refraft.spec.check.Faults(false, true, false), 0, 0, 2, 1));
      // A vote of term 1 still in flight when its candidate campaigns in term 2, and a rival elected in term 2.
      case COUNT_STALE_VOTES -> Optional.of(new Settings(2, 1, false, false, false, io.refraft.spec.check.Faults.NONE,
          0, 0, 1, 1));
      // The first leader commits two values; the second knows only the first committed when a read arrives.
      case READ_BEFORE_TERM_COMMIT -> Optional.of(new Settings(2, 2, false, false, false,
          io.refraft.spec.check.Faults.NONE, 1, 0, 1, 2));
      case VOTE_TWICE, NO_LOG_CHECK, KEEP_CONFLICTS, LEADER_OVERWRITES, FORGET_VOTE_ON_RESTART, COMMIT_WITHOUT_QUORUM,
          ACCEPT_STALE_TERM -> Optional.of(new Settings(2, 2, true, true, true, io.refraft.spec.check.Faults.ALL, 0, 0, 1,
          1));
      // Persistence mutants need writes that complete after the step: the defaults (one write pending at most).
      case VOTE_BEFORE_PERSIST, ACK_BEFORE_PERSIST, LEADER_COUNTS_ITSELF_BEFORE_PERSIST, APPLY_BEFORE_PERSIST ->
          Optional.empty();
      // Snapshot mutants: snapshots on; synchronous persistence keeps the counterexamples short.
      case SNAPSHOT_UNCOMMITTED -> Optional.of(new Settings(1, 2, false, false, false, io.refraft.spec.check.Faults.NONE,
          0, 0, 1, 1, true));
      case INSTALL_STALE_SNAPSHOT -> Optional.of(new Settings(1, 2, false, false, false,
          new io.refraft.spec.check.Faults(false, true, false), 0, 0, 2, 1, true));
      // The follower must hold entries after the snapshot that were committed with its acknowledgement
      // while its own commit index is below the snapshot's: it restarted, and a duplicate snapshot arrives.
      case DISCARD_LOG_AFTER_SNAPSHOT -> Optional.of(new Settings(1, 3, false, false, false,
          new io.refraft.spec.check.Faults(false, true, true), 0, 0, 2, 1, true));
      // No faults needed: a candidate loses an election in term 1 to a leader whose no-op it never receives.
      case NEVER_STEP_DOWN -> Optional.of(new Settings(2, 1, false, false, true, io.refraft.spec.check.Faults.NONE, 0,
          0, 1, 1));
      case COMPACT_WITHOUT_SNAPSHOT_TERM -> Optional.of(new Settings(2, 2, false, false, false,
          io.refraft.spec.check.Faults.NONE, 0, 0, 1, 1, true));
      // Reconfiguration mutants: one term, no faults, synchronous persistence, the smallest logs that hold
      // the leader's no-op and the configurations the bug needs.
      case CHANGE_BEFORE_TERM_COMMIT, REMOVED_LEADER_KEEPS_LEADING -> reconfig(2, 0, SINGLE, 0);
      case TWO_PENDING_CHANGES -> reconfig(3, 0, SINGLE, 0);
      case TRANSFER_WITH_PREVOTE -> reconfig(1, 0, TRANSFER, 0);
      case TRANSFER_DURING_CONF_CHANGE -> reconfig(2, 0, new io.refraft.spec.check.Reconfig(true, false, true), 0);
      // A new server must catch up to count in the new majority: one joining.
      case JOINT_QUORUM_NEW_ONLY -> reconfig(2, 1, new io.refraft.spec.check.Reconfig(false, true, false), 0);
      // Committed but unapplied needs a write that is not yet durable (asynchronous persistence), and a change
      // that commits without the follower that campaigns (a learner added, so one joining server); pre-vote
      // keeps the campaign within term 1, and without check-quorum leaders take no timeouts.
      case CAMPAIGN_WITH_UNAPPLIED_CONF -> Optional.of(new Settings(1, 2, true, false, true,
          io.refraft.spec.check.Faults.NONE, 0, 1, 1, 1, false, 1, SINGLE, false));
    };
  }

  private static final io.refraft.spec.check.Reconfig SINGLE = new io.refraft.spec.check.Reconfig(true, false, false);
  private static final io.refraft.spec.check.Reconfig TRANSFER = new io.refraft.spec.check.Reconfig(false, false, true);

  private static Optional<Settings> reconfig(int maxLog, int joining, io.refraft.spec.check.Reconfig r, int pending) {
    return Optional.of(new Settings(1, maxLog, true, true, true, io.refraft.spec.check.Faults.NONE, 0, pending, 1, 1,
        false, joining, r, false));
  }

  /** Whether only the recovery check ({@code spec check --recovery on}) catches this mutant, not safety. */
  public boolean needsRecoveryCheck() {
    return false;
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
    return DurabilityMutations.rebuild(n, term, vote, log, commit, role);
  }

  /** The transition {@code t} with its next state replaced (outputs are kept: the model reads states). */
  private static Transition retarget(Transition t, NodeState next) {
    List<Output> outputs = new ArrayList<>(t.outputs());
    return new Transition(next, outputs, t.actions());
  }
}
