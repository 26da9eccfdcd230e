package io.refraft.spec.explore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.refraft.spec.check.Cluster;
import io.refraft.spec.check.Event;
import io.refraft.spec.check.Faults;
import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The recovery check (AG EF recovered) of {@link ModelChecker#withRecovery}, end to end on small bounds. */
class RecoveryCheckTest {
  /** Two terms, one entry, synchronous persistence; the recovery check's margin makes it 35 times larger. */
  private static final Bounds SMALL = new Bounds(3, 1, 2, 1, 1, -1);

  @Test
  void when_the_protocol_is_correct_then_every_state_can_recover_and_safety_counts_are_unchanged() {
    RaftModel m = RaftModel.of(SMALL, false, false, 1, true, Faults.NONE, Optional.empty());
    ModelChecker plain = new ModelChecker(m, SMALL, true, 2);
    ModelChecker checked = new ModelChecker(m, SMALL, true, 2).withRecovery(true);
    ModelChecker.Result a = plain.run(System::nanoTime);
    ModelChecker.Result b = checked.run(System::nanoTime);
    assertFalse(b.violated(), () -> b.counterexample().map(c -> String.join("\n", CounterexampleFormat.readable(c)))
        .orElse(""));
    assertEquals(a.distinctStates(), b.distinctStates());
    assertEquals(a.statesGenerated(), b.statesGenerated());
    assertEquals(a.depth(), b.depth());
    ModelChecker.RecoveryCheck rc = checked.recoveryCheck().orElseThrow();
    assertEquals(0, rc.unrecoverable());
    assertTrue(rc.edges() > b.distinctStates(), "fault-free edges were logged: " + rc.edges());
    assertTrue(rc.statesBeyondBounds() > 0, "recovery paths went beyond the bounds: " + rc.statesBeyondBounds());
    assertTrue(plain.recoveryCheck().isEmpty());
  }

  @Test
  void when_a_candidate_never_steps_down_then_safety_holds_and_the_recovery_check_shows_a_stuck_state() {
    Bounds[] bs = new Bounds[1];
    RaftModel m = ModelCheckerTest.modelFor(Mutant.NEVER_STEP_DOWN, bs);
    assertFalse(new ModelChecker(m, bs[0], true, 2).run(System::nanoTime).violated(), "safety alone catches nothing");
    ModelChecker.Result one = new ModelChecker(m, bs[0], true, 1).withRecovery(true).run(System::nanoTime);
    ModelChecker.Result two = new ModelChecker(m, bs[0], true, 2).withRecovery(true).run(System::nanoTime);
    ModelChecker.Counterexample cx = two.counterexample().orElseThrow();
    assertEquals(Recoverability.PROPERTY, cx.violation().invariant());
    Cluster stuck = cx.steps().isEmpty() ? cx.initial() : cx.steps().get(cx.steps().size() - 1).next();
    assertEquals(stuck, one.counterexample().orElseThrow().steps().get(cx.steps().size() - 1).next(),
        "the reported state does not depend on the workers");
    List<String> lines = CounterexampleFormat.readable(cx);
    int at = lines.indexOf("the state that cannot recover:");
    assertTrue(at > 0, String.join("\n", lines));
    for (int i = 0; i < stuck.nodes().size(); i++) {
      assertEquals("  " + CounterexampleFormat.summary(stuck.nodes().get(i)), lines.get(at + 1 + i));
    }
    // Independently of the logged graph: a plain forward search from the state, with faults off and the
    // same margin beyond the bounds, meets no recovered state.
    assertFalse(reachesRecovered(m, bs[0], stuck), "the reported state can recover");
    // The correct protocol recovers from the same state.
    RaftModel correct = new RaftModel(m.config(), m.values(), m.faults(), Optional.empty(), m.reads(),
        m.asyncPersistence(), m.snapshots());
    assertTrue(reachesRecovered(correct, bs[0], stuck), "the correct protocol cannot recover either");
  }

  private static boolean reachesRecovered(RaftModel m, Bounds bounds, Cluster from) {
    Fingerprint fp = new Fingerprint(m.config().members(), true, bounds.maxRestarts() >= 0);
    Set<Long> seen = new HashSet<>(Set.of(fp.of(from)));
    ArrayDeque<Cluster> queue = new ArrayDeque<>(List.of(from));
    while (!queue.isEmpty()) {
      Cluster c = queue.poll();
      if (Recoverability.recovered(c)) {
        return true;
      }
      for (Event e : m.events(c)) {
        if (Recoverability.isFault(e)) {
          continue;
        }
        Optional<Cluster.Step> s = c.next(e, m::step);
        if (s.isPresent() && bounds.admits(s.get().next(), Recoverability.EXTRA_TERMS, Recoverability.EXTRA_ENTRIES)
            && seen.add(fp.of(s.get().next()))) {
          queue.add(s.get().next());
        }
      }
    }
    return false;
  }
}
