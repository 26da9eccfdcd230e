package io.refraft.spec.explore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.refraft.spec.check.Faults;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SimulatorTest {
  private static final Bounds WIDE = new Bounds(3, 2, 6, 8, 6, -1);

  private static long seed() {
    long seed = Long.getLong("refraft.seed", System.nanoTime());
    System.out.println("SimulatorTest seed=" + seed + " (rerun: -Drefraft.seed=" + seed + ")");
    return seed;
  }

  @Test
  void when_the_protocol_is_correct_then_random_walks_find_nothing_and_the_same_seed_gives_the_same_run() {
    long seed = seed();
    RaftModel m = RaftModel.of(WIDE, true, true, 2, true, Faults.ALL, Optional.empty());
    Simulator.Result a = new Simulator(m, WIDE).run(seed, 20_000, 200);
    Simulator.Result b = new Simulator(m, WIDE).run(seed, 20_000, 200);
    assertTrue(a.counterexample().isEmpty(), () -> a.counterexample().get().violation().toString());
    assertEquals(a.steps(), b.steps());
    assertEquals(a.walks(), b.walks());
  }

  @Test
  void when_a_mutant_runs_then_a_walk_fails_and_is_shrunk() {
    long seed = seed();
    RaftModel m = RaftModel.of(WIDE, false, false, 1, true, Faults.ALL, Optional.of(Mutant.COMMIT_WITHOUT_QUORUM));
    Simulator.Result r = new Simulator(m, WIDE).run(seed, 200_000, 200);
    assertTrue(r.counterexample().isPresent(), "commit-without-quorum not caught with seed " + seed);
    int shrunk = r.counterexample().get().steps().size();
    assertTrue(shrunk <= r.unshrunkLength(), shrunk + " > " + r.unshrunkLength());
  }
}
