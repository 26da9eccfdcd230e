package io.refraft.verification.sim;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.refraft.impl.planted.InjectedBug;
import io.refraft.verification.fault.FaultKind;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every planted bug is caught by the simulation within a few seeds, for a reason that fits the bug;
 * the seed that caught it passes without the bug. The seeds are scanned from 1, so a change to
 * the simulator's random choices moves the catching seed without breaking the test, unless the bug
 * stops being caught within the bound (then the bound, or the simulator, needs a look).
 */
class InjectedBugSimulationTest {
  private static final Set<FaultKind> ALL = FaultKind.SIMULATED;

  @ParameterizedTest(name = "{0}")
  @CsvSource({
      // bug,            nodes, steps, seeds, plausible causes (|-separated)
      "stale-read,        3,    3000,  10,    ReadLinearizable|linearizability|Elle",
      "ack-before-commit, 3,    3000,  10,    ReadLinearizable|linearizability|Elle|Durability",
      "skip-fsync,        3,    3000,  10,    RecoveredState|MonotonicTerm|VoteOncePerTerm|trace validation|Durability|LeaderCompleteness",
      "lose-synced-tail,  3,    3000,  10,    RecoveredState",
      "no-session,        3,    3000,  10,    Elle",
      "vote-twice,        5,    1000,  10,    VoteOncePerTerm|ElectionSafety|trace validation",
  })
  void the_bug_is_caught_and_the_same_run_passes_without_it(String bug, int nodes, long steps, int seeds,
      String causes) {
    InjectedBug b = InjectedBug.parse(bug);
    Simulation.Options with = new Simulation.Options(nodes, steps, ALL, true, Set.of(b), Optional.empty());
    SimResult caught = null;
    for (long seed = 1; seed <= seeds && caught == null; seed++) {
      SimResult r = Simulation.run(seed, with);
      if (!r.passed()) {
        caught = r;
      }
    }
    assertTrue(caught != null, bug + " was not caught in seeds 1.." + seeds + " of " + steps + " steps");
    String failure = caught.failure().orElseThrow();
    assertTrue(caught.bugFired().get(bug) > 0, bug + " caught at seed " + caught.seed() + " but never fired");
    System.out.println("InjectedBugSimulationTest " + bug + ": seed " + caught.seed() + ": " + failure);
    assertTrue(List.of(causes.split("\\|")).stream().anyMatch(failure::startsWith),
        bug + " caught for an unexpected reason: " + failure);
    SimResult clean = Simulation.run(caught.seed(), new Simulation.Options(nodes, steps, ALL, true));
    assertFalse(!clean.passed(), "seed " + caught.seed() + " without " + bug + ": " + clean.failure().orElse(""));
  }
}
