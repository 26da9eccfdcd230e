package io.refraft.verification.trace;

import io.refraft.spec.Config;
import io.refraft.spec.Entry;
import io.refraft.spec.Input;
import io.refraft.spec.Log;
import io.refraft.spec.Membership;
import io.refraft.spec.NodeId;
import io.refraft.spec.NodeState;
import io.refraft.spec.Output;
import io.refraft.spec.Snapshot;
import io.refraft.spec.Transition;
import io.refraft.spec.check.Cluster;
import io.refraft.spec.check.Ghost;
import io.refraft.spec.check.Invariant;
import io.refraft.spec.check.Network;
import io.refraft.spec.check.StepInvariant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The spec's invariants on the cluster the replay reconstructs, at a cost per event that does not
 * grow with the log. {@link StepInvariant} and {@link Invariant} scan whole logs, so they run in
 * full on every step only while the logs are short; beyond that each step runs incremental
 * equivalents that look only at what the step changed (new leader, new commits, the changed log
 * suffix), and the spec's own {@link Invariant#check} runs on the whole reconstructed
 * {@link Cluster} whenever the events since the last full check have paid for one (its cost is
 * about nodes² × log length), and once at the end.
 *
 * <p>The ghost state (every leader per term, every committed entry with the term it was first
 * committed in) is raft.tla's {@code elections} and {@code allLogs} in the form {@link Ghost}
 * takes; it grows with terms and the committed log, not with the number of events.
 */
final class GlobalChecks {
  /**
   * Events per unit of full-check cost (about one entry comparison) between full checks: a full
   * check costs roughly nodes² × log length, so with 4 it runs about once per 4 × nodes² × log
   * length events, under 1 % of a simulation's CPU time (4 units of credit per event, 16 times as
   * often, made it 3.5 %), while short logs get one on every step.
   */
  private static final long EVENTS_PER_COST = 4;
  /** Below this total log length every step runs the spec's step invariants in full. */
  private static final long SMALL = 64;
  /** Below this cost (nodes² × (longest log + 1)) every step runs the spec's state invariants in full. */
  private static final long SMALL_CHECK = 64;

  private final Config config;
  private final NodeState[] nodes;
  private final Map<Long, NodeId> leaderOfTerm = new HashMap<>();
  private final List<Ghost.Elected> leaders = new ArrayList<>();
  private final List<Ghost.Committed> committed = new ArrayList<>();
  /**
   * Per committed entry, the configurations of the node that committed it first, before and after
   * that step (one shared object for the entries of one step): a quorum of one of them held the entry
   * then, whether the node's configuration took effect when appended or, with {@code confOnApply},
   * when applied. Logs keep committed entries, so that quorum holds it still.
   */
  private final List<Quorums> committedBy = new ArrayList<>();
  /** {@code digests[k]}: the digest of committed entries 1..k+1 ({@link Snapshot#digest}), to check snapshots at once. */
  private long[] digests = new long[16];
  private int restarts;
  /**
   * The reads not yet answered, by node and request id. A read is checked against ReadLinearizable
   * when it is answered and then forgotten, so memory grows with the reads outstanding, not with
   * all reads of the trace; the spec answers a read at most once, so an answer for a read not
   * outstanding is itself a violation.
   */
  private final Map<ReadKey, Ghost.Read> pendingReads = new HashMap<>();
  private long credit;
  private long fullChecks;

  /**
   * @param servers every server of the trace in a fixed order: the initial members, then the servers
   *     that may join (outside the initial configuration until a configuration entry adds them)
   */
  GlobalChecks(Config config, List<NodeId> servers) {
    this.config = config;
    this.nodes = new NodeState[servers.size()];
    for (int i = 0; i < nodes.length; i++) {
      nodes[i] = NodeState.initial(servers.get(i), config);
    }
  }

  /** The cluster's initial members only. */
  GlobalChecks(Config config) {
    this(config, config.members());
  }

  /** The configurations a committed entry's quorum is taken in (see {@link #committedBy}). */
  private record Quorums(Membership before, Membership after) {
    boolean heldBy(java.util.Set<NodeId> holders) {
      return before.isQuorum(holders) || (after != before && after.isQuorum(holders));
    }
  }

  NodeState node(int i) {
    return nodes[i];
  }

  long fullChecks() {
    return fullChecks;
  }

  private record ReadKey(NodeId node, long requestId) {}

  /** Records one spec step of node {@code i} and checks what it changed, its read answers included. */
  Optional<Invariant.Violation> step(int i, Input input, Transition t) {
    int committedBefore = committed.size();
    Optional<Invariant.Violation> v = step(i, input, t.next());
    return v.isPresent() ? v : reads(nodes[i].self(), input, committedBefore, t.outputs());
  }

  /**
   * Node {@code i} is back in state {@code earlier}, the one it had before its last steps (or a state a
   * crash inside the first of them left, see {@code TornWrite}), which a crash lost before
   * anything they did was observed (traces/FORMAT.md §5.4); checks what that changed against the
   * other nodes (Log Matching, and every committed entry on a quorum).
   *
   * <p>The ghost history stays as recorded: the leaders elected and the entries committed, in the
   * lost steps too. Those facts were established by quorums, not by the node's own durable state
   * alone: a node became leader because a quorum durably voted for it in that term (their votes were
   * received, so they were sent), so no other node can win that term, with the lost steps or
   * without; an entry was committed because a quorum holds it durably, the node's own copy included,
   * since an entry reaches any other node only in a message sent by a step that was observed and so
   * not lost. Only a volatile fact is lost (the node's commitIndex), and a restart forgets it anyway.
   * The exception is a one-node cluster, where the node alone is the quorum: an append lost there
   * takes a committed entry with it, and QuorumCommitted reports it (the trace does not show
   * whether a client was told of that commit, so the validator cannot tell it was unobserved).
   */
  Optional<Invariant.Violation> rollback(int i, NodeState earlier) {
    Log lost = nodes[i].log();
    nodes[i] = earlier;
    if (earlier.log() == lost) {
      return Optional.empty();
    }
    Optional<Invariant.Violation> v = logMatching(i, lost, earlier.log());
    return v.isPresent() ? v : quorumCommitted(lost, earlier.log(), committed.size() + 1L);
  }

  /** Records one spec step of node {@code i} and checks what it changed. */
  Optional<Invariant.Violation> step(int i, Input input, NodeState after) {
    NodeState before = nodes[i];
    nodes[i] = after;
    if (input instanceof Input.Restart) {
      restarts++;
    }
    Optional<Invariant.Violation> v = stepInvariants(before, input, after);
    long newlyCommitted = committed.size() + 1L;
    if (v.isEmpty()) {
      v = ghost(before, after);
    }
    if (v.isEmpty() && after.log() != before.log()) {
      v = logMatching(i, before.log(), after.log());
    }
    if (v.isEmpty()) {
      v = quorumCommitted(before.log(), after.log(), newlyCommitted);
    }
    credit++;
    long cost = cost();
    if (v.isEmpty() && (credit >= EVENTS_PER_COST * cost || cost <= SMALL_CHECK)) {
      v = full();
    }
    return v;
  }

  /** The spec's state invariants on the whole reconstructed cluster (with the reads still outstanding). */
  Optional<Invariant.Violation> full() {
    credit = 0;
    fullChecks++;
    return Invariant.check(new Cluster(List.of(nodes), Network.EMPTY,
        new Ghost(leaders, committed, restarts, List.copyOf(pendingReads.values()))));
  }

  /**
   * ReadLinearizable (thesis §6.4) on the reads this step received and answered: a read records
   * how much was committed anywhere when it arrived, before any answer in the same step; an
   * answer must be for an outstanding read, and a served one at an index at least that and
   * within the committed prefix.
   */
  private Optional<Invariant.Violation> reads(NodeId self, Input input, int committedBefore, List<Output> outputs) {
    if (input instanceof Input.ReadIndexRequest(long id)) {
      pendingReads.put(new ReadKey(self, id), new Ghost.Read(id, committedBefore, 0, 0));
    }
    for (Output o : outputs) {
      long id;
      long readIndex;
      switch (o) {
        case Output.ReadReady r -> {
          id = r.requestId();
          readIndex = r.readIndex();
        }
        case Output.ReadRejected r -> {
          id = r.requestId();
          readIndex = 0;
        }
        default -> {
          continue;
        }
      }
      Ghost.Read was = pendingReads.remove(new ReadKey(self, id));
      if (was == null) {
        return Optional.of(new Invariant.Violation(Invariant.ReadLinearizable.name(), self + " answered read " + id
            + ", which is not outstanding there (never received, or answered before)"));
      }
      Optional<String> v = Invariant.readViolation(new Ghost.Read(id, was.committedBefore(), 1, readIndex),
          committed.size());
      if (v.isPresent()) {
        return Optional.of(new Invariant.Violation(Invariant.ReadLinearizable.name(), self + ": " + v.get()));
      }
    }
    return Optional.empty();
  }

  private long cost() {
    long max = 0;
    for (NodeState s : nodes) {
      max = Math.max(max, s.log().lastIndex());
    }
    return (long) nodes.length * nodes.length * (max + 1);
  }

  private Optional<Invariant.Violation> stepInvariants(NodeState before, Input input, NodeState after) {
    if (before.log().lastIndex() + after.log().lastIndex() <= SMALL) {
      return StepInvariant.check(before, input, after);
    }
    for (StepInvariant inv : StepInvariant.values()) {
      if (inv == StepInvariant.LeaderAppendOnly) {
        continue;
      }
      Optional<String> v = inv.violation(before, input, after);
      if (v.isPresent()) {
        return Optional.of(new Invariant.Violation(inv.name(), v.get()));
      }
    }
    if (before.isLeader() && after.isLeader() && before.term() == after.term() && before.log() != after.log()
        && firstDifference(before.log(), after.log()) <= before.log().lastIndex()) {
      return Optional.of(new Invariant.Violation(StepInvariant.LeaderAppendOnly.name(), "leader " + after.self()
          + " changed its log at index " + firstDifference(before.log(), after.log()) + " of " + before.log().lastIndex()));
    }
    return Optional.empty();
  }

  /** Election Safety, State Machine Safety and Leader Completeness, on what this step changed. */
  private Optional<Invariant.Violation> ghost(NodeState before, NodeState after) {
    if (after.isLeader() && (!before.isLeader() || before.term() != after.term())) {
      NodeId prev = leaderOfTerm.putIfAbsent(after.term(), after.self());
      if (prev == null) {
        leaders.add(new Ghost.Elected(after.term(), after.self()));
      } else if (!prev.equals(after.self())) {
        return Optional.of(new Invariant.Violation(Invariant.ElectionSafety.name(), "two leaders in term "
            + after.term() + ": " + prev + " and " + after.self()));
      }
      // Entries compacted into the leader's snapshot are checked with the snapshot (snapshot(), below).
      for (int k = (int) after.log().snapshot().index(); k < committed.size(); k++) {
        Ghost.Committed c = committed.get(k);
        if (c.inTerm() < after.term() && (after.log().lastIndex() <= k || !after.log().entry(k + 1).equals(c.entry()))) {
          return Optional.of(new Invariant.Violation(Invariant.LeaderCompleteness.name(), "leader " + after.self()
              + " of term " + after.term() + " lacks entry " + (k + 1) + " (" + c.entry() + ") committed in term "
              + c.inTerm()));
        }
      }
    }
    long from = before.commitIndex() + 1;
    if (after.commitIndex() < before.commitIndex()) {
      from = after.commitIndex() + 1; // a restart forgets commitIndex; nothing new is committed
    }
    Quorums by = null;
    for (long index = Math.max(from, after.log().firstIndex()); index <= after.commitIndex(); index++) {
      Entry mine = after.log().entry(index);
      if (index <= committed.size()) {
        Entry first = committed.get((int) index - 1).entry();
        if (!first.equals(mine)) {
          return Optional.of(new Invariant.Violation(Invariant.StateMachineSafety.name(), after.self() + " committed "
              + mine + " at index " + index + " where " + first + " was committed before"));
        }
      } else if (index == committed.size() + 1) {
        if (by == null) {
          by = quorums(before, after);
        }
        commit(mine, after.term(), by);
      }
    }
    return snapshot(before, after);
  }

  /** The configurations of a node before and after the step that committed entries first. */
  private Quorums quorums(NodeState before, NodeState after) {
    Membership a = after.membership();
    Membership b = before.membership();
    Quorums last = committedBy.isEmpty() ? null : committedBy.get(committedBy.size() - 1);
    if (last != null && last.before().equals(b) && last.after().equals(a)) {
      return last;
    }
    return new Quorums(b, b.equals(a) ? b : a);
  }

  private void commit(Entry e, long inTerm, Quorums by) {
    int k = committed.size();
    if (k == digests.length) {
      digests = java.util.Arrays.copyOf(digests, k * 2);
    }
    digests[k] = Snapshot.extend(k == 0 ? Snapshot.EMPTY_DIGEST : digests[k - 1], e);
    committed.add(new Ghost.Committed(e, inTerm));
    committedBy.add(by);
  }

  /**
   * SnapshotCommitted (and State Machine Safety for what a snapshot replaced) when the step changed
   * the node's snapshot: it must be the committed prefix through its index, in term and digest.
   */
  private Optional<Invariant.Violation> snapshot(NodeState before, NodeState after) {
    Snapshot s = after.log().snapshot();
    if (s.equals(before.log().snapshot()) || s.index() == 0) {
      return Optional.empty();
    }
    if (s.index() > committed.size()) {
      return Optional.of(new Invariant.Violation(Invariant.SnapshotCommitted.name(), after.self() + ": " + s
          + " reaches beyond the committed prefix " + committed.size()));
    }
    int k = (int) s.index() - 1;
    if (committed.get(k).entry().term() != s.term() || digests[k] != s.digest()) {
      return Optional.of(new Invariant.Violation(Invariant.SnapshotCommitted.name(), after.self() + ": " + s
          + " differs from the committed entries 1.." + s.index() + " it replaced"));
    }
    return Optional.empty();
  }

  /**
   * Log Matching for the pairs involving the node whose log changed: walks down from each index
   * of the changed suffix where both logs have the same term, comparing entries, until an index
   * below the change where the terms agree (below it the invariant held before this step).
   */
  private Optional<Invariant.Violation> logMatching(int i, Log before, Log after) {
    long f = firstDifference(before, after);
    for (int j = 0; j < nodes.length; j++) {
      if (j == i) {
        continue;
      }
      Log other = nodes[j].log();
      // Below the later snapshot, the logs hold committed entries only, each snapshot checked
      // against the committed prefix when it was taken or installed (snapshot(), above).
      long floor = Math.max(after.snapshot().index(), other.snapshot().index());
      long top = Math.min(after.lastIndex(), other.lastIndex());
      long k = top;
      while (k >= Math.max(f, floor) && k >= 1 && after.term(k) != other.term(k)) {
        k--;
      }
      if (k < Math.max(f, floor) || k < 1) {
        continue;
      }
      for (long x = k; x > floor; x--) {
        if (!after.entry(x).equals(other.entry(x))) {
          return Optional.of(new Invariant.Violation(Invariant.LogMatching.name(), nodes[i].self() + " and "
              + nodes[j].self() + " agree on the term at index " + k + " but differ at index " + x));
        }
        if (x < f && after.term(x) == other.term(x)) {
          break;
        }
      }
    }
    return Optional.empty();
  }

  /**
   * Every committed entry stays on a quorum of the configuration it was committed in (thesis
   * chapter 4: of the committing node's configuration, see {@link #committedBy}): checks the holders
   * of the entries committed by this step and of the committed entries at or after the first index
   * this step changed, among every server of the trace (a removed server keeps its log).
   */
  private Optional<Invariant.Violation> quorumCommitted(Log before, Log after, long newlyCommitted) {
    long f = Math.min(newlyCommitted, before == after ? Long.MAX_VALUE : firstDifference(before, after));
    for (long index = f; index <= committed.size(); index++) {
      Entry e = committed.get((int) index - 1).entry();
      java.util.Set<NodeId> holders = new HashSet<>();
      for (NodeState s : nodes) {
        Log l = s.log();
        if (index <= l.snapshot().index() || (l.lastIndex() >= index && l.entry(index).equals(e))) {
          holders.add(s.self());
        }
      }
      Quorums by = committedBy.get((int) index - 1);
      if (!by.heldBy(holders)) {
        return Optional.of(new Invariant.Violation(Invariant.QuorumCommitted.name(), "committed entry " + index + " ("
            + e + ") is on " + holders.size() + " of " + nodes.length + " servers " + new java.util.TreeSet<>(holders)
            + ", no quorum of the configuration " + by.before() + (by.after() == by.before() ? "" : " or " + by.after())
            + " it was committed in"));
      }
    }
    return Optional.empty();
  }

  /** The first index where two logs differ (lastIndex + 1 of the shorter when one extends the other). */
  static long firstDifference(Log a, Log b) {
    return a.firstDifference(b);
  }
}
