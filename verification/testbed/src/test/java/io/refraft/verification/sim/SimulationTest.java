package io.refraft.verification.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.refraft.verification.fault.FaultKind;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SimulationTest {
  private static final Set<FaultKind> ALL = FaultKind.SIMULATED;
  /**
   * Crashes with reads: a node that crashes holding ReadIndex requests restarts answering none of
   * them, as the spec's Restart does (traces/FORMAT.md §5).
   */
  private static final boolean READS_WITH_CRASH = true;

  @Test
  void one_seed_replays_byte_for_byte() {
    long seed = new SplittableRandom().nextLong();
    System.out.println("SimulationTest seed=" + seed);
    Simulation.Options o = new Simulation.Options(3, 3_000, ALL, READS_WITH_CRASH);
    SimResult a = Simulation.runWithText(seed, o);
    SimResult b = Simulation.runWithText(seed, o);
    assertEquals(3, a.traces().size(), "seed " + seed);
    assertEquals(a.traces(), b.traces(), "traces of seed " + seed);
    assertEquals(a.digest(), b.digest(), "digest of seed " + seed);
    assertEquals(a.summaryJson(), b.summaryJson());
    assertTrue(a.passed(), "seed " + seed + ": " + a.failure().orElse(""));
    // a passing seed keeps no text, and writing the text does not change the run
    SimResult quick = Simulation.run(seed, o);
    assertEquals(Map.of(), quick.traces(), "seed " + seed);
    assertEquals(a.summaryJson(), quick.summaryJson(), "seed " + seed);
  }

  @Test
  void replaying_the_recorded_schedule_reruns_the_same_run_and_a_subset_changes_it() {
    long seed = new SplittableRandom().nextLong();
    System.out.println("SimulationTest seed=" + seed);
    Simulation.Options o = new Simulation.Options(3, 3_000, ALL, true);
    SimResult a = Simulation.run(seed, o);
    assertTrue(a.schedule().faults().size() > 1, "seed " + seed + ": " + a.schedule().describe());
    SimResult b = Simulation.run(seed, o.withSchedule(a.schedule()));
    assertEquals(a.digest(), b.digest(), "seed " + seed + " replayed from its schedule:\n" + a.schedule().describe());
    assertEquals(a.schedule(), Schedule.fromJson(a.schedule().toJson(), 3));
    Schedule subset = a.schedule().without(0, 1);
    SimResult c = Simulation.run(seed, o.withSchedule(subset));
    // the faulty phase is a number of events, so a different run may end before its last faults
    assertTrue(subset.faults().containsAll(c.schedule().faults()), c.schedule().describe());
    assertTrue(!c.schedule().faults().contains(a.schedule().faults().getFirst()), c.schedule().describe());
  }

  @Test
  void a_failure_shrinks_to_fewer_faults_that_still_fail_the_same_way() {
    // skip-fsync fails on the first restart of a crashed node: shrinking keeps a crash and drops the rest
    Simulation.Options o = new Simulation.Options(3, 3_000, ALL, true,
        Set.of(io.refraft.impl.planted.InjectedBug.SKIP_FSYNC), java.util.Optional.empty());
    SimResult failed = Simulation.run(1, o);
    assertTrue(!failed.passed(), failed.summaryJson());
    // a failing seed is re-run to write its traces: the same run, same failure
    assertEquals(Set.of("n1", "n2", "n3"), failed.traces().keySet());
    assertTrue(failed.traces().values().stream().allMatch(t -> t.lines().count() > 1), failed.summaryJson());
    assertEquals(Simulation.runWithoutText(1, o).summaryJson(), failed.summaryJson());
    Shrinker.Shrunk s = Shrinker.shrink(failed, 30, r -> { });
    assertTrue(s.schedule().faults().size() < failed.schedule().faults().size(), s.schedule().describe());
    assertTrue(s.schedule().faults().stream().anyMatch(f -> f instanceof Schedule.Crash), s.schedule().describe());
    assertEquals(Shrinker.kind(failed), Shrinker.kind(s.result()), s.result().failure().orElse(""));
    assertEquals(3, s.result().traces().size(), "the shrunk run's traces are written");
  }

  @Test
  void different_seeds_take_different_runs() {
    long seed = new SplittableRandom().nextLong();
    System.out.println("SimulationTest seed=" + seed);
    Simulation.Options o = new Simulation.Options(3, 500, ALL, READS_WITH_CRASH);
    assertTrue(!Simulation.run(seed, o).digest().equals(Simulation.run(seed + 1, o).digest()), "seed " + seed);
  }

  @Test
  void five_nodes_under_every_fault_stay_safe_and_commit() {
    long seed = new SplittableRandom().nextLong();
    System.out.println("SimulationTest seed=" + seed);
    SimResult r = Simulation.run(seed, new Simulation.Options(5, 10_000, ALL, READS_WITH_CRASH));
    assertTrue(r.passed(), "seed " + seed + ": " + r.failure().orElse(""));
    assertTrue(r.counters().get("proposals_acked") > 0, "seed " + seed + ": nothing committed " + r.summaryJson());
    // the first partition and the first slow disk start within 2 virtual seconds; 10,000 events of
    // 5 nodes with their clients take about 3
    assertTrue(r.counters().get("partitions") > 0 && r.counters().get("slow_disks") > 0,
        "seed " + seed + ": no fault " + r.summaryJson());
  }

  @Test
  void nodes_snapshot_on_schedule_and_a_follower_left_behind_catches_up_by_install_snapshot() {
    // Seeds 1.. in order (deterministic): every seed snapshots every 50..200 applied entries, and a
    // node down or cut off while the leader compacted past it gets the leader's snapshot, shipped
    // through the simulated network; every end check still holds (safety, recovered state, traces
    // replayed against the spec, Elle, liveness), so the installs kept the nodes' state machines right.
    long taken = 0;
    long installed = 0;
    for (long seed = 1; seed <= 10 && installed == 0; seed++) {
      SimResult r = Simulation.run(seed, new Simulation.Options(3, 5_000, ALL, true));
      assertTrue(r.passed(), "seed " + seed + ": " + r.failure().orElse(""));
      taken += r.counters().get("snapshots_taken");
      installed += r.counters().get("snapshots_installed");
      assertTrue(r.counters().get("snapshots_delivered") <= r.counters().get("snapshots_shipped"), r.summaryJson());
    }
    assertTrue(taken > 0, "no snapshot taken in seeds 1..10 of 5000 steps");
    assertTrue(installed > 0, "no snapshot installed in seeds 1..10 of 5000 steps");
  }

  @Test
  void a_crash_during_a_slow_fsync_loses_or_tears_the_turns_writes_and_the_run_stays_valid() {
    // Seeds 1.. in order (deterministic): some runs have a crash land in a slow fsync, before the
    // node stepped Persisted for the turn's writes; the restarted node recovers the state before that
    // turn. When the turn appended entries, the write is torn half the time instead: the turn's
    // metadata and a prefix of its records survive. The traces have asynchronous persistence, so the
    // validator accepts both as what a crash may lose (the writes after the last Persisted,
    // FORMAT.md 5.4) and never needs to treat a step as lost.
    int lossy = 0;
    int torn = 0;
    for (long seed = 1; seed <= 40 && (lossy < 3 || torn < 2); seed++) {
      SimResult r = Simulation.run(seed, new Simulation.Options(3, 5_000, ALL, true));
      assertTrue(r.passed(), "seed " + seed + ": " + r.failure().orElse(""));
      long lost = r.counters().get("lost_syncs");
      long tears = r.counters().get("torn_syncs");
      lossy += lost > 0 ? 1 : 0;
      torn += tears > 0 ? 1 : 0;
      assertTrue(lost >= tears, "a torn sync is a lost one: " + r.summaryJson());
      assertEquals(0, r.counters().get("lost_steps"),
          "seed " + seed + ": with asynchronous persistence no step is lost whole " + r.summaryJson());
    }
    assertTrue(lossy >= 3, "runs with a lost fsync among seeds 1..40: " + lossy);
    assertTrue(torn >= 2, "runs with a torn fsync among seeds 1..40: " + torn);
  }

  @Test
  void a_crash_in_a_slow_fsync_after_a_fast_one_in_the_same_turn_loses_only_the_later_writes() {
    // Seed 653165 (found by .ci/run's 200-seed run): a turn's first fsync is fast and the driver
    // steps Persisted, the turn writes again and its next fsync is slow, and the node crashes during
    // it. A tear must be cut from the writes after the Persisted step only (the earlier are durable).
    SimResult r = Simulation.run(653165, new Simulation.Options(3, 20_000, ALL, true));
    assertTrue(r.passed(), r.failure().orElse(""));
    assertTrue(r.counters().get("lost_syncs") > 0, "the seed still crashes in a slow fsync: " + r.summaryJson());
  }

  @Test
  void reads_stay_linearizable_under_network_faults() {
    long seed = new SplittableRandom().nextLong();
    System.out.println("SimulationTest seed=" + seed);
    SimResult r = Simulation.run(seed,
        new Simulation.Options(3, 3_000, EnumSet.of(FaultKind.DROP, FaultKind.DUP, FaultKind.PARTITION), true));
    assertTrue(r.passed(), "seed " + seed + ": " + r.failure().orElse(""));
    assertTrue(r.history().stream().anyMatch(o -> o.type() == io.refraft.verification.history.Op.Type.OK
        && o.f().equals(SimWorkload.READ)), "seed " + seed + ": no read served " + r.summaryJson());
  }

  @Test
  void without_faults_nothing_is_lost() {
    long seed = new SplittableRandom().nextLong();
    System.out.println("SimulationTest seed=" + seed);
    SimResult r = Simulation.run(seed, new Simulation.Options(3, 2_000, Set.of()));
    assertTrue(r.passed(), "seed " + seed + ": " + r.failure().orElse(""));
    assertEquals(0L, r.counters().get("messages_dropped"), r.summaryJson());
    assertEquals(0L, r.counters().get("ops_info"), r.summaryJson());
    assertTrue(r.counters().get("ops_ok") > 0, r.summaryJson());
  }

  @Test
  void seed_101587_converges_once_the_faults_stop() {
    // The settle used to keep losing 2% of messages: the leader's heartbeats to both followers were
    // lost 110 ms before the end, both timed out, and the new leader's first commit reached one
    // follower only; the liveness check then failed (SimNetworkTest pins the network's part).
    SimResult r = Simulation.run(101_587, new Simulation.Options(3, 5_000, ALL, true));
    assertTrue(r.passed(), "seed 101587: " + r.failure().orElse(""));
  }

  @Test
  void bad_options_name_the_argument() {
    assertTrue(assertThrows(IllegalArgumentException.class, () -> new Simulation.Options(4, 10, ALL))
        .getMessage().contains("--nodes"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> new Simulation.Options(3, 0, ALL))
        .getMessage().contains("--steps"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> FaultKind.parseSimulated("drop,flood"))
        .getMessage().contains("'flood'"));
    assertEquals(Set.of(), FaultKind.parseSimulated("none"));
    assertEquals(EnumSet.of(FaultKind.DROP, FaultKind.CRASH), FaultKind.parseSimulated("drop, crash"));
    assertEquals(EnumSet.of(FaultKind.FSYNC_LATENCY), FaultKind.parseSimulated("fsync-latency"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> Schedule.fromJson("[{\"at_ns\":1,"
        + "\"duration_ns\":2,\"fault\":\"flood\"}]", 3)).getMessage().contains("entry 0"));
  }
}
