package io.refraft.spec;

/**
 * The named protocol actions a transition takes, in order. Names are those of Ongaro's raft.tla
 * where it has one (see spec/README.md for the mapping table), so a trace, a counterexample and
 * the TLA+ spec speak the same language.
 */
public enum Action {
  /** raft.tla UpdateTerm: a message of a higher term makes this server a follower in that term (§5.1). */
  UpdateTerm,
  /** Election timeout with pre-vote on: become a pre-candidate (thesis §9.6). */
  BecomePreCandidate,
  /** raft.tla Timeout: become a candidate in a new term and vote for yourself (§5.2). */
  BecomeCandidate,
  /** raft.tla RequestVote: send a (pre-)vote request to one peer. */
  RequestVote,
  /** raft.tla HandleRequestVoteRequest: answer a (pre-)vote request (§5.2, §5.4.1). */
  HandleRequestVoteRequest,
  /** raft.tla HandleRequestVoteResponse: count a (pre-)vote. */
  HandleRequestVoteResponse,
  /** raft.tla BecomeLeader: a candidate with votes from a quorum leads (§5.2). */
  BecomeLeader,
  /** raft.tla ClientRequest: a leader appends clients' commands (§5.3). */
  ClientRequest,
  /** raft.tla AppendEntries: a leader sends entries (or a heartbeat) to one peer. */
  AppendEntries,
  /** raft.tla HandleAppendEntriesRequest: consistency check, conflict repair, append, commit (§5.3). */
  HandleAppendEntriesRequest,
  /** raft.tla HandleAppendEntriesResponse: advance matchIndex, or back up nextIndex (§5.3). */
  HandleAppendEntriesResponse,
  /** raft.tla AdvanceCommitIndex: commit by counting replicas of a current-term entry (§5.4.2). */
  AdvanceCommitIndex,
  /** raft.tla Restart: recover from durable state (Figure 2). */
  Restart,
  /** raft.tla DropStaleResponse: a response from an older term or for a role no longer held. */
  DropStaleResponse,
  /** A vote request ignored because a live leader is known (leader stickiness, thesis §4.2.3). */
  IgnoreVoteRequestInLease,
  /** A leader heard from a quorum during the last election timeout (thesis §6.2). */
  CheckQuorum,
  /** A leader that did not hear from a quorum steps down (thesis §6.2). */
  StepDown,
  /** A leader records a read's readIndex and starts a confirmation round (thesis §6.4, steps 1–2). */
  ReadIndex,
  /** A quorum acknowledged a read's round after it arrived: the read is ready (thesis §6.4, step 3). */
  ConfirmRead,
  /** A read refused: this server is not the leader, or stopped leading before confirming it. */
  RejectRead,
  /** The server compacts its log through an applied index into a snapshot (thesis §5.1). */
  TakeSnapshot,
  /** A leader sends its snapshot to a peer that needs entries it has compacted (thesis §5.1). */
  InstallSnapshot,
  /** A follower installs a leader's snapshot, keeping the entries that follow it when they match (Figure 5.3). */
  HandleInstallSnapshotRequest,
  /** A leader records that a peer holds its snapshot. */
  HandleInstallSnapshotResponse,
  /** A leader appends a configuration entry (thesis §4.1, §4.3; CCF's ChangeConfiguration). */
  ChangeMembership,
  /** A leader whose joint configuration with auto-leave is committed appends the simple one (etcd's auto-leave). */
  LeaveJoint,
  /** A leader that is no voter of its committed configuration steps down (thesis §4.2.2). */
  StepDownRemoved,
  /** A leader starts handing leadership to a voter (thesis §3.10). */
  TransferLeadership,
  /** A leader whose transfer target has its whole log sends it TimeoutNow. */
  SendTimeoutNow,
  /** A voter that receives TimeoutNow of its leader's term starts an election at once. */
  HandleTimeoutNow,
  /** A leader abandons a transfer that did not complete within an election timeout. */
  AbortTransfer
}
