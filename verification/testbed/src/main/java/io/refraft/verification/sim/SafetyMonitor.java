package io.refraft.verification.sim;

import io.refraft.spec.NodeId;
import io.refraft.spec.NodeState;
import io.refraft.spec.check.Ghost;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Watches the real nodes' states after every event, independently of the trace validator: Election
 * Safety (a map of leaders by term) and State Machine Safety (each newly committed index against
 * the first commit of that index), incrementally, at O(new entries) per event. It also keeps the
 * committed history the end-of-run checks compare applied commands and acknowledged proposals with.
 * Entries a node compacted into its snapshot are not in its log: its snapshot's last entry is checked
 * against the committed history instead (index and term), and its entries after it as before. A
 * node's own snapshot may compact entries it committed in the same event, so the simulation shows
 * the monitor each state just before it compacts ({@link #beforeCompaction}).
 *
 * <p>The spec's other state invariants (Log Matching, Leader Completeness, Quorum Committed) and
 * these two again are the validator's: it checks them on every step on the reconstructed cluster
 * (whose states are the nodes' own objects while the nodes step as the spec does), sweeps the whole
 * cluster with the spec's {@link io.refraft.spec.check.Invariant}s periodically and at the end, and
 * stops the run at the first step that breaks one.
 */
final class SafetyMonitor {
  private final Map<Long, NodeId> leaders = new HashMap<>();
  private final List<Ghost.Committed> committed = new ArrayList<>();
  private final long[] checkedCommit;
  /** The term in which each node was last seen leading (its leadership is recorded once per term). */
  private final long[] ledIn;
  private Optional<String> violation = Optional.empty();

  SafetyMonitor(int nodes) {
    this.checkedCommit = new long[nodes];
    this.ledIn = new long[nodes];
  }

  /** The first violation after this event, if any. */
  Optional<String> afterEvent(List<NodeState> states) {
    if (violation.isPresent()) {
      return violation;
    }
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
    return Optional.empty();
  }

  /** Node {@code i} is about to compact its log from {@code s}: its committed entries are checked first. */
  void beforeCompaction(int i, NodeState s) {
    if (violation.isEmpty()) {
      violation = checkCommitted(i, s);
    }
  }

  private Optional<String> checkCommitted(int i, NodeState s) {
    if (s.commitIndex() < checkedCommit[i]) {
      checkedCommit[i] = 0; // a restart forgets the commit index (volatile, Figure 2); check again from 1
    }
    io.refraft.spec.Snapshot snap = s.log().snapshot();
    if (snap.index() > checkedCommit[i] && snap.index() <= committed.size()
        && committed.get((int) snap.index() - 1).entry().term() != snap.term()) {
      return Optional.of("StateMachineSafety: " + s.self() + " holds a snapshot through index " + snap.index()
          + " of term " + snap.term() + " where " + committed.get((int) snap.index() - 1).entry() + " was committed");
    }
    for (long k = Math.max(checkedCommit[i], snap.index()) + 1; k <= s.commitIndex(); k++) {
      if (k > s.log().lastIndex()) {
        return Optional.of("TypeOK: " + s.self() + " has commitIndex " + s.commitIndex() + " beyond its log "
            + s.log().lastIndex());
      }
      if (k > committed.size() + 1) {
        return Optional.of("simulator error: " + s.self() + " committed index " + k + " before anyone was seen to "
            + "commit index " + (committed.size() + 1) + " (compacted unseen)");
      } else if (k > committed.size()) {
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
