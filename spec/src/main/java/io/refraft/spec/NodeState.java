package io.refraft.spec;

import java.util.Objects;
import java.util.Optional;

/**
 * One server's whole state. Durable: {@code term}, {@code votedFor}, {@code log} (see
 * {@link #durable()}). Volatile: {@code commitIndex}, the {@link Role}, and {@link Sync}: how much
 * of the durable part storage has confirmed, and the replies waiting for it.
 *
 * <p>{@code self} need not be a member: a server that joins the cluster later starts outside it, and
 * a removed one stays outside it (see {@link #membership()}).
 *
 * <p>Invariants, checked on construction: (2) {@code term >= 0}; (3) the log holds no entry of a term above {@code term};
 * (4) {@code log.snapshot().index() <= commitIndex <= log.lastIndex()} (only committed entries are
 * compacted); (5) a candidate or leader has voted for itself;
 * (6) what is confirmed durable is no more than there is: {@code sync.term <= term},
 * {@code sync.lastIndex <= log.lastIndex()}.
 */
public record NodeState(
    NodeId self, Config config, long term, Optional<NodeId> votedFor, Log log, long commitIndex, Role role,
    Sync sync) {

  public NodeState {
    Objects.requireNonNull(self, "self");
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(votedFor, "votedFor");
    Objects.requireNonNull(log, "log");
    Objects.requireNonNull(role, "role");
    Objects.requireNonNull(sync, "sync");
    if (term < 0) {
      throw new IllegalArgumentException("term must be >= 0, got " + term);
    }
    if (log.lastTerm() > term) {
      throw new IllegalArgumentException("log holds term " + log.lastTerm() + " beyond currentTerm " + term);
    }
    if (commitIndex < log.snapshot().index() || commitIndex > log.lastIndex()) {
      throw new IllegalArgumentException("commitIndex " + commitIndex + " outside " + log.snapshot().index() + ".."
          + log.lastIndex());
    }
    if ((role instanceof Role.Candidate || role instanceof Role.Leader) && !votedFor.equals(Optional.of(self))) {
      throw new IllegalArgumentException("a candidate or leader has voted for itself, votedFor=" + votedFor);
    }
    if (sync.term() > term || sync.lastIndex() > log.lastIndex()) {
      throw new IllegalArgumentException("durable term " + sync.term() + " and index " + sync.lastIndex()
          + " beyond term " + term + " and last index " + log.lastIndex());
    }
  }

  /** A state whose durable part is all confirmed durable and that holds no reply (synchronous persistence). */
  public NodeState(
      NodeId self, Config config, long term, Optional<NodeId> votedFor, Log log, long commitIndex, Role role) {
    this(self, config, term, votedFor, log, commitIndex, role,
        new Sync(term, votedFor, log.lastIndex(), java.util.List.of()));
  }

  /** A server that has never run: term 0, no vote, empty log, follower. */
  public static NodeState initial(NodeId self, Config config) {
    return new NodeState(self, config, 0, Optional.empty(), Log.EMPTY, 0, Role.Follower.UNKNOWN_LEADER);
  }

  /** Whether storage has confirmed all of the durable part and no reply waits for it. */
  public boolean isSynced() {
    return sync.held().isEmpty() && hardStateSynced() && sync.lastIndex() == log.lastIndex();
  }

  /** Whether storage has confirmed the current term and vote. */
  public boolean hardStateSynced() {
    return sync.term() == term && sync.votedFor().equals(votedFor);
  }

  /**
   * The configuration this server uses (thesis chapter 4): that of the latest configuration entry in
   * its log, committed or not (thesis §4.1), or with {@link Config#confOnApply} the latest one it has
   * applied (etcd-io/raft); else its snapshot's; else the initial one ({@link Config#members}).
   */
  public Membership membership() {
    long bound = config.confOnApply() ? applied() : log.lastIndex();
    return log.membershipAt(bound).orElseGet(config::initialMembership);
  }

  /**
   * The configuration before the latest configuration entry in effect here: the one a leader still
   * replicates to until that entry commits, so that servers it removes learn of their removal.
   */
  public Membership previousMembership() {
    long bound = config.confOnApply() ? applied() : log.lastIndex();
    long at = log.lastConfigIndex(bound);
    return at == 0 ? membership() : log.membershipAt(at - 1).orElseGet(config::initialMembership);
  }

  /** What survives a crash (Figure 2, "Persistent state"). */
  public DurableState durable() {
    return new DurableState(term, votedFor, log);
  }

  /** The leader this server knows of in its current term, if any (itself when leading). */
  public Optional<NodeId> leader() {
    return switch (role) {
      case Role.Follower f -> f.leader();
      case Role.PreCandidate p -> Optional.empty();
      case Role.Candidate c -> Optional.empty();
      case Role.Leader l -> Optional.of(self);
    };
  }

  public boolean isLeader() {
    return role instanceof Role.Leader;
  }

  NodeState with(long newTerm, Optional<NodeId> newVote, Log newLog, long newCommit, Role newRole) {
    return new NodeState(self, config, newTerm, newVote, newLog, newCommit, newRole, syncFor(newLog));
  }

  NodeState withRole(Role newRole) {
    return new NodeState(self, config, term, votedFor, log, commitIndex, newRole, sync);
  }

  NodeState withLog(Log newLog) {
    return new NodeState(self, config, term, votedFor, newLog, commitIndex, role, syncFor(newLog));
  }

  /**
   * What stays confirmed durable when the log becomes {@code newLog}: the entries both share. A
   * truncated suffix is still on disk until the write that replaces it is confirmed.
   */
  private Sync syncFor(Log newLog) {
    if (newLog == log || sync.lastIndex() == 0) {
      return sync;
    }
    long keep = Math.min(sync.lastIndex(), log.firstDifference(newLog) - 1);
    return keep == sync.lastIndex() ? sync : sync.withLastIndex(keep);
  }

  /**
   * This state with its log compacted to {@code compacted} (the same entries, a later snapshot of
   * what was durable): storage confirmed every compacted entry, so what is durable stays so.
   */
  NodeState withCompactedLog(Log compacted) {
    return new NodeState(self, config, term, votedFor, compacted, commitIndex, role, sync);
  }

  /** The index the state machine has applied: committed entries are applied once durable here. */
  public long applied() {
    return Math.min(commitIndex, sync.lastIndex());
  }

  NodeState withCommitIndex(long newCommit) {
    return new NodeState(self, config, term, votedFor, log, newCommit, role, sync);
  }

  NodeState withVote(Optional<NodeId> newVote) {
    return new NodeState(self, config, term, newVote, log, commitIndex, role, sync);
  }

  /** This state with {@code newSync}; public for models and mutants that rebuild states. */
  public NodeState withSync(Sync newSync) {
    return new NodeState(self, config, term, votedFor, log, commitIndex, role, newSync);
  }
}
