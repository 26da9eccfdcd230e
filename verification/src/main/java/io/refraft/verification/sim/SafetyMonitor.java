package io.refraft.verification.sim;

import io.refraft.spec.NodeId;
import io.refraft.spec.NodeState;
import io.refraft.spec.check.Cluster;
import io.refraft.spec.check.Ghost;
import io.refraft.spec.check.Invariant;
import io.refraft.spec.check.Network;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Watches the real nodes' states after every event. Election Safety and State Machine Safety are
 * checked incrementally (a map of leaders by term; each newly committed index against the first
 * commit of that index), which costs O(new entries) per event; every {@code fullEvery} events the
 * spec's own {@link Invariant}s run on a {@link Cluster} built from the nodes' states and this
 * history (Log Matching, Leader Completeness, Quorum Committed compare whole logs, so they are
 * sampled rather than run on every event).
 *
 * <p>The sampling is amortized: a full check costs about nodes² × longest log, so it runs only once
 * the events since the last one have paid for it ({@link #EVENTS_PER_COST} events per unit) and at least
 * {@code fullEvery} events have passed; with short logs that is every {@code fullEvery} events. This
 * costs no soundness: this monitor only stops a run early, at the event; at the end of a run the
 * nodes' traces are validated step by step against the spec, which checks the same invariants
 * incrementally on every step on the reconstructed cluster (GlobalChecks), and the run's last state
 * gets a forced full check here.
 */
final class SafetyMonitor {
  private final Map<Long, NodeId> leaders = new HashMap<>();
  private final List<Ghost.Committed> committed = new ArrayList<>();
  private final long[] checkedCommit;
  /** The term in which each node was last seen leading (its leadership is recorded once per term). */
  private final long[] ledIn;
  /**
   * Events per unit of full-check cost (about one entry comparison) that must pass before the next
   * full check: with 4 it takes about 1 % of a run's CPU time (measured: a credit of 8 units per event
   * made it 11 % with 3,000-entry logs, 1 unit per event 2 %).
   */
  private static final long EVENTS_PER_COST = 4;

  private final int fullEvery;
  private long sinceFull;
  private long credit;
  long fullChecks;

  SafetyMonitor(int nodes, int fullEvery) {
    this.checkedCommit = new long[nodes];
    this.ledIn = new long[nodes];
    this.fullEvery = fullEvery;
  }

  /** The first violation after this event, if any. */
  Optional<String> afterEvent(List<NodeState> states, boolean forceFull) {
    for (int i = 0; i < states.size(); i++) {
      NodeState s = states.get(i);
      if (s.isLeader() && ledIn[i] != s.term()) {
        ledIn[i] = s.term();
        NodeId prior = leaders.putIfAbsent(s.term(), s.self());
        if (prior != null && !prior.equals(s.self())) {
          return Optional.of("ElectionSafety: two leaders in term " + s.term() + ": " + prior + " and " + s.self());
        }
      }
      Optional<String> v = checkCommitted(i, s);
      if (v.isPresent()) {
        return v;
      }
    }
    sinceFull++;
    credit++;
    if (forceFull || (sinceFull >= fullEvery && credit >= EVENTS_PER_COST * cost(states))) {
      fullChecks++;
      sinceFull = 0;
      credit = 0;
      Cluster c = new Cluster(states, Network.EMPTY, new Ghost(List.of(), committed, 0));
      return Invariant.check(c).map(x -> x.invariant() + ": " + x.detail());
    }
    return Optional.empty();
  }

  private static long cost(List<NodeState> states) {
    long max = 0;
    for (NodeState s : states) {
      max = Math.max(max, s.log().lastIndex());
    }
    return (long) states.size() * states.size() * (max + 1);
  }

  private Optional<String> checkCommitted(int i, NodeState s) {
    if (s.commitIndex() < checkedCommit[i]) {
      checkedCommit[i] = 0; // a restart forgets the commit index (volatile, Figure 2); check again from 1
    }
    for (long k = checkedCommit[i] + 1; k <= s.commitIndex(); k++) {
      if (k > s.log().lastIndex()) {
        return Optional.of("TypeOK: " + s.self() + " has commitIndex " + s.commitIndex() + " beyond its log "
            + s.log().lastIndex());
      }
      if (k > committed.size()) {
        committed.add(new Ghost.Committed(s.log().entry(k), s.term()));
      } else if (!committed.get((int) k - 1).entry().equals(s.log().entry(k))) {
        return Optional.of("StateMachineSafety: " + s.self() + " committed " + s.log().entry(k) + " at index " + k
            + " where " + committed.get((int) k - 1).entry() + " was committed before");
      }
    }
    checkedCommit[i] = s.commitIndex();
    return Optional.empty();
  }

  /** Every entry committed anywhere so far, by index (index 1 first). */
  List<Ghost.Committed> committed() {
    return committed;
  }
}
