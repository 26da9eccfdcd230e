package io.refraft.verification.trace;

import io.refraft.spec.Config;
import io.refraft.spec.Entry;
import io.refraft.spec.Input;
import io.refraft.spec.Log;
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

  GlobalChecks(Config config) {
    this.config = config;
    this.nodes = new NodeState[config.members().size()];
    for (int i = 0; i < nodes.length; i++) {
      nodes[i] = NodeState.initial(config.members().get(i), config);
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
    for (long index = Math.max(from, after.log().firstIndex()); index <= after.commitIndex(); index++) {
      Entry mine = after.log().entry(index);
      if (index <= committed.size()) {
        Entry first = committed.get((int) index - 1).entry();
        if (!first.equals(mine)) {
          return Optional.of(new Invariant.Violation(Invariant.StateMachineSafety.name(), after.self() + " committed "
              + mine + " at index " + index + " where " + first + " was committed before"));
        }
      } else if (index == committed.size() + 1) {
        commit(mine, after.term());
      }
    }
    return snapshot(before, after);
  }

  private void commit(Entry e, long inTerm) {
    int k = committed.size();
    if (k == digests.length) {
      digests = java.util.Arrays.copyOf(digests, k * 2);
    }
    digests[k] = Snapshot.extend(k == 0 ? Snapshot.EMPTY_DIGEST : digests[k - 1], e);
    committed.add(new Ghost.Committed(e, inTerm));
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
   * Every committed entry stays on a quorum: counts the holders of the entries committed by this
   * step and of the committed entries at or after the first index this step changed.
   */
  private Optional<Invariant.Violation> quorumCommitted(Log before, Log after, long newlyCommitted) {
    long f = Math.min(newlyCommitted, before == after ? Long.MAX_VALUE : firstDifference(before, after));
    for (long index = f; index <= committed.size(); index++) {
      Entry e = committed.get((int) index - 1).entry();
      int holders = 0;
      for (NodeState s : nodes) {
        Log l = s.log();
        if (index <= l.snapshot().index() || (l.lastIndex() >= index && l.entry(index).equals(e))) {
          holders++;
        }
      }
      if (holders < config.quorum()) {
        return Optional.of(new Invariant.Violation(Invariant.QuorumCommitted.name(), "committed entry " + index + " ("
            + e + ") is on " + holders + " of " + nodes.length + " servers, fewer than a quorum of " + config.quorum()));
      }
    }
    return Optional.empty();
  }

  /** The first index where two logs differ (lastIndex + 1 of the shorter when one extends the other). */
  static long firstDifference(Log a, Log b) {
    return a.firstDifference(b);
  }
}
