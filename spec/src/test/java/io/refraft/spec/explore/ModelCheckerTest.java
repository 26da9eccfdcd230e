package io.refraft.spec.explore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.refraft.spec.check.Cluster;
import io.refraft.spec.check.Faults;
import io.refraft.spec.check.Invariant;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ModelCheckerTest {
  private static final Bounds SMALL = new Bounds(3, 1, 2, 1, 1, -1);

  private static RaftModel model(Optional<Mutant> mutant) {
    return RaftModel.of(SMALL, true, true, 1, true, Faults.ALL, mutant);
  }

  @Test
  void when_the_protocol_is_correct_then_the_bounded_space_has_no_violation_and_counts_do_not_depend_on_workers() {
    ModelChecker.Result one = new ModelChecker(model(Optional.empty()), SMALL, true, 1).run(System::nanoTime);
    ModelChecker.Result two = new ModelChecker(model(Optional.empty()), SMALL, true, 2).run(System::nanoTime);
    assertFalse(one.violated(), () -> one.counterexample().map(c -> c.violation().toString()).orElse(""));
    assertEquals(one.distinctStates(), two.distinctStates());
    assertEquals(one.statesGenerated(), two.statesGenerated());
    assertEquals(one.depth(), two.depth());
    assertTrue(one.distinctStates() > 1000, "a real space was explored: " + one.distinctStates());
  }

  /** Every mutant without settings of its own (see Mutant.settings) shows in a small space. */
  @ParameterizedTest
  @EnumSource(value = Mutant.class, names = {"COMMIT_PREVIOUS_TERM", "STALE_READ"}, mode = EnumSource.Mode.EXCLUDE)
  void when_a_mutant_runs_then_a_counterexample_is_found_and_replays(Mutant mutant) {
    Bounds bounds = new Bounds(3, 1, 2, 2, 1, -1);
    RaftModel m = RaftModel.of(bounds, true, true, 1, true, Faults.ALL, Optional.of(mutant));
    ModelChecker.Result r = new ModelChecker(m, bounds, true, 2).run(System::nanoTime);
    assertTrue(r.violated(), mutant + " not caught");
    ModelChecker.Counterexample cx = r.counterexample().orElseThrow();
    assertEquals(r.depth() - 1, cx.steps().size(), "the counterexample is as long as the search was deep");
    // Replaying the events from the initial state reaches the same violation.
    Optional<ModelChecker.Counterexample> again = Replay.replay(m,
        cx.steps().stream().map(Cluster.Step::event).toList(), cx.violation().invariant());
    assertTrue(again.isPresent(), "replay of " + mutant + "'s counterexample violates " + cx.violation());
    // The correct protocol takes the same events without violating anything.
    RaftModel correct = RaftModel.of(bounds, true, true, 1, true, Faults.ALL, Optional.empty());
    Cluster c = Cluster.initial(correct.config());
    for (Cluster.Step s : cx.steps()) {
      Optional<Cluster.Step> next = c.next(s.event(), correct::step);
      if (next.isEmpty()) {
        break; // the mutant sent a message the correct protocol does not
      }
      c = next.get().next();
      assertEquals(Optional.empty(), Invariant.check(c));
    }
  }

  @ParameterizedTest
  @org.junit.jupiter.params.provider.CsvSource({"COMMIT_PREVIOUS_TERM,LeaderCompleteness", "STALE_READ,ReadLinearizable"})
  void when_a_mutant_runs_with_its_settings_then_its_invariant_fails(Mutant mutant, String invariant) {
    Mutant.Settings s = mutant.settings().orElseThrow();
    Bounds bounds = new Bounds(3, 1, s.maxTerm(), s.maxLog(), 1, -1, s.reads());
    RaftModel m = RaftModel.of(bounds, s.preVote(), s.checkQuorum(), 1, s.leaderNoop(), s.faults(),
        Optional.of(mutant));
    ModelChecker.Result r = new ModelChecker(m, bounds, true, 2).run(System::nanoTime);
    assertTrue(r.violated(), mutant + " not caught");
    assertEquals(invariant, r.counterexample().orElseThrow().violation().invariant());
  }
}
