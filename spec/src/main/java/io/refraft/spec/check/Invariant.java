package io.refraft.spec.check;

import io.refraft.spec.Entry;
import io.refraft.spec.Log;
import io.refraft.spec.Message;
import io.refraft.spec.NodeId;
import io.refraft.spec.NodeState;
import io.refraft.spec.Role;
import java.util.List;
import java.util.Optional;

/**
 * Raft's safety properties (Figure 3 of the paper) and a type check, as named predicates over one
 * state of the cluster model. {@link #violation} returns what is wrong, or empty when the property
 * holds. Properties of steps (monotonicity, append-only) are in {@link StepInvariant}.
 */
public enum Invariant {
  /** Structural facts every reachable state has: leader bookkeeping within its log, votes within answers. */
  TypeOK {
    @Override
    public Optional<String> violation(Cluster c) {
      for (NodeState s : c.nodes()) {
        switch (s.role()) {
          case Role.Leader l -> {
            for (var e : l.progress().entrySet()) {
              if (e.getValue().match() > s.log().lastIndex() || e.getValue().next() > s.log().lastIndex() + 1) {
                return Optional.of(s.self() + " has progress " + e.getValue() + " for " + e.getKey()
                    + " beyond its last index " + s.log().lastIndex());
              }
            }
          }
          case Role.Candidate cd -> {
            if (!cd.responded().containsAll(cd.granted())) {
              return Optional.of(s.self() + " counts votes from servers that did not answer");
            }
          }
          case Role.PreCandidate p -> {
            if (!p.responded().containsAll(p.granted())) {
              return Optional.of(s.self() + " counts pre-votes from servers that did not answer");
            }
          }
          case Role.Follower f -> { }
        }
      }
      List<NodeId> servers = c.servers();
      for (Message m : c.network().inFlight().keySet()) {
        if (!servers.contains(m.from()) || !servers.contains(m.to())) {
          return Optional.of("message between servers outside the model: " + m);
        }
      }
      return Optional.empty();
    }
  },

  /**
   * Thesis §4.2.2: a leader that is no voter of its configuration (it removed itself) leads only until
   * that configuration is committed, then steps down.
   */
  LeaderInConfiguration {
    @Override
    public Optional<String> violation(Cluster c) {
      for (NodeState s : c.nodes()) {
        if (!s.isLeader() || s.membership().isVoter(s.self())) {
          continue;
        }
        long at = s.log().lastConfigIndex(s.log().lastIndex());
        long settled = s.config().confOnApply() ? s.applied() : s.commitIndex();
        if (at <= settled) {
          return Optional.of(s.self() + " still leads term " + s.term() + " though its committed configuration "
              + s.membership() + " does not count it as a voter");
        }
      }
      return Optional.empty();
    }
  },

  /** §5.2, Figure 3 Election Safety: at most one leader can be elected in a given term. */
  ElectionSafety {
    @Override
    public Optional<String> violation(Cluster c) {
      List<Ghost.Elected> ls = c.ghost().leaders();
      for (int i = 0; i < ls.size(); i++) {
        for (int j = i + 1; j < ls.size(); j++) {
          if (ls.get(i).term() == ls.get(j).term() && !ls.get(i).leader().equals(ls.get(j).leader())) {
            return Optional.of("two leaders in term " + ls.get(i).term() + ": " + ls.get(i).leader()
                + " and " + ls.get(j).leader());
          }
        }
      }
      return Optional.empty();
    }
  },

  /**
   * §5.3, Figure 3 Log Matching: if two logs contain an entry with the same index and term, the
   * logs are identical in all entries up through that index.
   */
  LogMatching {
    @Override
    public Optional<String> violation(Cluster c) {
      List<NodeState> ns = c.nodes();
      for (int i = 0; i < ns.size(); i++) {
        for (int j = i + 1; j < ns.size(); j++) {
          Log a = ns.get(i).log();
          Log b = ns.get(j).log();
          // Terms are known in both logs from the later snapshot's index on; what lies before it is
          // compared through the snapshot's digest (Log.firstDifference).
          long floor = Math.max(a.snapshot().index(), b.snapshot().index());
          long k = Math.min(a.lastIndex(), b.lastIndex());
          if (k < floor) {
            continue; // one log ends inside the other's snapshot: SnapshotCommitted covers the compacted prefix
          }
          while (k > floor && a.term(k) != b.term(k)) {
            k--;
          }
          if (k == 0 || a.term(k) != b.term(k)) {
            continue;
          }
          long x = a.firstDifference(b);
          if (x > k) {
            continue; // identical up through k (compared block by block, shared blocks skipped)
          }
          for (long y = k; y > floor && y >= x; y--) {
            if (!a.entry(y).equals(b.entry(y))) {
              x = y; // the highest differing index, next to the agreeing term
              break;
            }
          }
          return Optional.of(ns.get(i).self() + " and " + ns.get(j).self() + " agree on the term at index " + k
              + " but differ at index " + x + ": " + describe(a, x) + " vs " + describe(b, x));
        }
      }
      return Optional.empty();
    }
  },

  /**
   * Thesis §5.1: a snapshot replaces committed entries only, and exactly them. Every server's
   * snapshot, and every snapshot its disk holds or will hold, is the committed prefix through its
   * index, in term and digest (the ghost log is what it replaced).
   */
  SnapshotCommitted {
    @Override
    public Optional<String> violation(Cluster c) {
      Ghost g = c.ghost();
      for (int i = 0; i < c.nodes().size(); i++) {
        NodeState s = c.nodes().get(i);
        Cluster.Disk disk = c.disks().get(i);
        Optional<String> v = g.snapshotDisagreement(s.log().snapshot())
            .or(() -> g.snapshotDisagreement(disk.durable().log().snapshot()));
        if (v.isPresent()) {
          return Optional.of(s.self() + ": " + v.get());
        }
      }
      return Optional.empty();
    }
  },

  /**
   * §5.4, Figure 3 Leader Completeness: an entry committed in a term is present in the logs of the
   * leaders of every higher term (a compacted one in the leader's snapshot, which
   * {@link #SnapshotCommitted} compares with the committed prefix).
   */
  LeaderCompleteness {
    @Override
    public Optional<String> violation(Cluster c) {
      List<Ghost.Committed> committed = c.ghost().committed();
      for (NodeState s : c.nodes()) {
        if (!s.isLeader()) {
          continue;
        }
        for (int i = (int) s.log().snapshot().index(); i < committed.size(); i++) {
          Ghost.Committed e = committed.get(i);
          long index = i + 1;
          if (e.inTerm() < s.term() && (s.log().lastIndex() < index || !s.log().entry(index).equals(e.entry()))) {
            return Optional.of("leader " + s.self() + " of term " + s.term() + " lacks entry " + index + " ("
                + e.entry() + ") committed in term " + e.inTerm());
          }
        }
      }
      return Optional.empty();
    }
  },

  /**
   * §5.4.3, Figure 3 State Machine Safety: no two servers apply different entries at one index —
   * every server's committed prefix agrees with the first-committed history (its snapshot, through
   * the snapshot's digest).
   */
  StateMachineSafety {
    @Override
    public Optional<String> violation(Cluster c) {
      List<Ghost.Committed> committed = c.ghost().committed();
      for (NodeState s : c.nodes()) {
        Optional<String> snap = c.ghost().snapshotDisagreement(s.log().snapshot());
        if (snap.isPresent()) {
          return Optional.of(s.self() + " committed " + snap.get());
        }
        long upTo = Math.min(s.commitIndex(), committed.size());
        for (long index = s.log().firstIndex(); index <= upTo; index++) {
          Entry mine = s.log().entry(index);
          Entry first = committed.get((int) index - 1).entry();
          if (!mine.equals(first)) {
            return Optional.of(s.self() + " committed " + mine + " at index " + index + " where " + first
                + " was committed before");
          }
        }
      }
      return Optional.empty();
    }
  },

  /**
   * §5.4.2: an entry is committed once a quorum stores it, and the protocol keeps it there: every
   * committed entry is present on a quorum of disks (durable logs; with synchronous persistence the
   * same as the servers' logs). With configuration changes (thesis chapter 4), a quorum of the
   * configuration of the committed prefix, or of a later one that a server holding the whole committed
   * prefix already uses (a leader counts by its latest configuration before that commits).
   */
  QuorumCommitted {
    @Override
    public Optional<String> violation(Cluster c) {
      List<Ghost.Committed> committed = c.ghost().committed();
      List<io.refraft.spec.Membership> configs = configurations(c);
      boolean[] snapshotHolds = new boolean[c.disks().size()];
      for (int k = 0; k < snapshotHolds.length; k++) {
        snapshotHolds[k] = c.ghost().snapshotDisagreement(c.disks().get(k).durable().log().snapshot()).isEmpty();
      }
      for (int i = committed.size() - 1; i >= 0; i--) {
        long index = i + 1;
        Entry e = committed.get(i).entry();
        java.util.Set<NodeId> holders = new java.util.HashSet<>();
        for (int k = 0; k < snapshotHolds.length; k++) {
          Log log = c.disks().get(k).durable().log();
          boolean held = index <= log.snapshot().index() ? snapshotHolds[k]
              : log.lastIndex() >= index && log.entry(index).equals(e);
          if (held) {
            holders.add(c.nodes().get(k).self());
          }
        }
        if (configs.stream().noneMatch(m -> m.isQuorum(holders))) {
          return Optional.of("committed entry " + index + " (" + e + ") is on " + new java.util.TreeSet<>(holders)
              + ", no quorum of " + configs);
        }
      }
      return Optional.empty();
    }
  },

  /**
   * Thesis §6.4: a read served at readIndex sees every entry committed before it arrived (readIndex
   * is at least the ghost commit index at its arrival) and nothing uncommitted (readIndex is
   * committed); every read is answered at most once. With State Machine Safety, a state machine
   * that applied readIndex answers the read linearizably.
   */
  ReadLinearizable {
    @Override
    public Optional<String> violation(Cluster c) {
      long committed = c.ghost().committed().size();
      for (Ghost.Read r : c.ghost().reads()) {
        Optional<String> v = readViolation(r, committed);
        if (v.isPresent()) {
          return v;
        }
      }
      return Optional.empty();
    }
  };

  /**
   * {@link #ReadLinearizable} for one read, given the length of the committed prefix: what a checker
   * that sees reads answered one at a time calls, without building a {@link Cluster}.
   */
  public static Optional<String> readViolation(Ghost.Read r, long committed) {
    if (r.answers() > 1) {
      return Optional.of("read " + r.requestId() + " was answered " + r.answers() + " times");
    }
    if (r.readIndex() > 0 && r.readIndex() < r.committedBefore()) {
      return Optional.of("read " + r.requestId() + " served at readIndex " + r.readIndex() + " but index "
          + r.committedBefore() + " was committed before it arrived: a stale read");
    }
    if (r.readIndex() > committed) {
      return Optional.of("read " + r.requestId() + " served at readIndex " + r.readIndex()
          + " beyond the committed prefix " + committed);
    }
    return Optional.empty();
  }

  /**
   * The configurations a committed entry may be on a quorum of: that of the committed prefix (its last
   * configuration entry, else the initial one), and each server's own if its log holds the whole
   * committed prefix.
   */
  private static List<io.refraft.spec.Membership> configurations(Cluster c) {
    List<Ghost.Committed> committed = c.ghost().committed();
    io.refraft.spec.Membership prefix = c.config().initialMembership();
    for (int i = committed.size() - 1; i >= 0; i--) {
      if (committed.get(i).entry().payload() instanceof io.refraft.spec.Payload.Configuration conf) {
        prefix = conf.membership();
        break;
      }
    }
    List<io.refraft.spec.Membership> out = new java.util.ArrayList<>(List.of(prefix));
    for (NodeState s : c.nodes()) {
      Log log = s.log();
      if (log.lastIndex() < committed.size() || out.contains(s.membership())
          || c.ghost().snapshotDisagreement(log.snapshot()).isPresent()) {
        continue;
      }
      boolean holdsPrefix = true;
      for (long i = log.firstIndex(); i <= committed.size() && holdsPrefix; i++) {
        holdsPrefix = log.entry(i).equals(committed.get((int) i - 1).entry());
      }
      if (holdsPrefix) {
        out.add(s.membership());
      }
    }
    return out;
  }

  /** The entry at {@code index}, or that it is compacted. */
  private static String describe(Log log, long index) {
    return index < log.firstIndex() ? "compacted into " + log.snapshot() : index > log.lastIndex() ? "none"
        : log.entry(index).toString();
  }

  /** What is wrong in {@code c}, or empty when this property holds. */
  public abstract Optional<String> violation(Cluster c);

  /** The first violated invariant, in declaration order. */
  public static Optional<Violation> check(Cluster c) {
    for (Invariant inv : values()) {
      Optional<String> v = inv.violation(c);
      if (v.isPresent()) {
        return Optional.of(new Violation(inv.name(), v.get()));
      }
    }
    return Optional.empty();
  }

  /** A violated property and what was wrong. */
  public record Violation(String invariant, String detail) {}
}
