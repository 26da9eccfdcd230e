package io.refraft.spec.explore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.refraft.spec.NodeId;
import io.refraft.spec.NodeState;
import io.refraft.spec.check.Cluster;
import io.refraft.spec.check.Event;
import io.refraft.spec.check.Faults;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FingerprintTest {

  /** Exhaustive BFS where states are told apart by equals(); restarts off so the ghost counter stays 0. */
  private static Set<Cluster> reachable(RaftModel m, Bounds b) {
    Set<Cluster> all = new HashSet<>();
    Deque<Cluster> queue = new ArrayDeque<>();
    Cluster init = Cluster.initial(m.config());
    all.add(init);
    queue.add(init);
    while (!queue.isEmpty()) {
      Cluster c = queue.poll();
      for (Event e : c.events(m.values(), m.faults())) {
        Optional<Cluster.Step> s = c.next(e, m::step);
        if (s.isPresent() && b.admits(s.get().next()) && all.add(s.get().next())) {
          queue.add(s.get().next());
        }
      }
    }
    return all;
  }

  @Test
  void when_symmetry_is_off_then_fingerprints_tell_apart_exactly_the_states_equals_does() {
    Bounds b = new Bounds(3, 1, 2, 1, 1, -1);
    RaftModel m = RaftModel.of(b, false, false, 1, false, new Faults(true, true, false), Optional.empty());
    Set<Cluster> states = reachable(m, b);
    Fingerprint fp = new Fingerprint(m.config().members(), false, false);
    Set<Long> fps = new HashSet<>();
    for (Cluster c : states) {
      fps.add(fp.of(c));
    }
    assertEquals(states.size(), fps.size(), "distinct states by equals vs by fingerprint");
    ModelChecker.Result r = new ModelChecker(m, b, false, 1).run(System::nanoTime);
    assertEquals(states.size(), r.distinctStates(), "model checker's count vs an equals-based BFS");
  }

  @Test
  void when_symmetry_is_on_then_renamed_states_share_a_fingerprint_and_others_do_not() {
    Bounds b = new Bounds(3, 1, 2, 1, 1, -1);
    RaftModel m = RaftModel.of(b, true, true, 1, true, Faults.ALL, Optional.empty());
    List<NodeId> ids = m.config().members();
    Cluster init = Cluster.initial(m.config());
    Cluster n1Times = init.next(new Event.Timeout(ids.get(0)), m::step).orElseThrow().next();
    Cluster n2Times = init.next(new Event.Timeout(ids.get(1)), m::step).orElseThrow().next();
    Fingerprint sym = new Fingerprint(ids, true, false);
    Fingerprint plain = new Fingerprint(ids, false, false);
    assertEquals(sym.of(n1Times), sym.of(n2Times));
    assertNotEquals(plain.of(n1Times), plain.of(n2Times));
    assertNotEquals(sym.of(init), sym.of(n1Times));
  }

  @Test
  void when_symmetry_is_on_then_the_checker_explores_one_state_per_orbit() {
    Bounds b = new Bounds(3, 1, 2, 1, 1, -1);
    RaftModel m = RaftModel.of(b, false, false, 1, false, new Faults(true, true, false), Optional.empty());
    Set<Cluster> states = reachable(m, b);
    Set<List<NodeState>> orbits = new HashSet<>();
    Fingerprint sym = new Fingerprint(m.config().members(), true, false);
    Set<Long> canon = new HashSet<>();
    for (Cluster c : states) {
      canon.add(sym.of(c));
      orbits.add(new ArrayList<>(c.nodes()));
    }
    ModelChecker.Result r = new ModelChecker(m, b, true, 2).run(System::nanoTime);
    assertEquals(canon.size(), r.distinctStates());
    // Each orbit has at most 3! members, so the reduction is at most 6x and at least 1x.
    long n = states.size();
    org.junit.jupiter.api.Assertions.assertTrue(canon.size() * 6L >= n && canon.size() < n,
        "orbits " + canon.size() + " of " + n + " states");
  }
}
