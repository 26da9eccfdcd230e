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

  /** The bounds and model {@code refraft spec check --mutant} uses: the mutant's settings, else the defaults. */
  static RaftModel modelFor(Mutant mutant, Bounds[] bounds) {
    Bounds d = Bounds.defaults();
    Mutant.Settings s = mutant.settings().orElse(new Mutant.Settings(d.maxTerm(), d.maxLog(), true, true, true,
        Faults.ALL, d.reads(), d.maxPending(), d.maxMsgs(), d.values()));
    bounds[0] = new Bounds(3, s.values(), s.maxTerm(), s.maxLog(), s.maxMsgs(), -1, s.reads(), s.maxPending(),
        s.snapshots());
    return RaftModel.of(bounds[0], s.preVote(), s.checkQuorum(), 1, s.leaderNoop(), s.faults(), Optional.of(mutant))
        .withReconfig(s.joining(), s.reconfig()).withConfOnApply(s.confOnApply());
  }

  /** Every mutant shows with the options {@code refraft spec check --mutant} gives it, and its counterexample replays. */
  @ParameterizedTest
  @EnumSource(Mutant.class)
  void when_a_mutant_runs_then_a_counterexample_is_found_and_replays(Mutant mutant) {
    Bounds[] b = new Bounds[1];
    RaftModel m = modelFor(mutant, b);
    Bounds bounds = b[0];
    ModelChecker.Result r = new ModelChecker(m, bounds, true, 2).withRecovery(mutant.needsRecoveryCheck())
        .run(System::nanoTime);
    assertTrue(r.violated(), mutant + " not caught");
    ModelChecker.Counterexample cx = r.counterexample().orElseThrow();
    if (mutant.needsRecoveryCheck()) {
      // A path to a state that cannot recover: every step is enabled, and the search went deeper than the path.
      assertTrue(cx.steps().size() < r.depth(), "the path is no longer than the search was deep");
      Cluster at = Cluster.initial(m.config());
      for (Cluster.Step s : cx.steps()) {
        at = at.next(s.event(), m::step).orElseThrow().next();
      }
      assertEquals(cx.steps().isEmpty() ? cx.initial() : cx.steps().get(cx.steps().size() - 1).next(), at);
    } else {
      assertEquals(r.depth() - 1, cx.steps().size(), "the counterexample is as long as the search was deep");
      // Replaying the events from the initial state reaches the same violation.
      Optional<ModelChecker.Counterexample> again = Replay.replay(m,
          cx.steps().stream().map(Cluster.Step::event).toList(), cx.violation().invariant());
      assertTrue(again.isPresent(), "replay of " + mutant + "'s counterexample violates " + cx.violation());
    }
    // The correct protocol takes the same events without violating anything.
    RaftModel correct = new RaftModel(m.config(), m.values(), m.faults(), Optional.empty(), m.reads(),
        m.asyncPersistence(), m.snapshots(), m.joining(), m.reconfig());
    Cluster c = correct.initial();
    for (Cluster.Step s : cx.steps()) {
      Optional<Cluster.Step> next = c.next(s.event(), correct::step);
      if (next.isEmpty()) {
        break; // the mutant sent a message the correct protocol does not
      }
      assertEquals(Optional.empty(), Replay.violation(c, next.get()));
      c = next.get().next();
      assertEquals(Optional.empty(), Invariant.check(c));
    }
  }

  @ParameterizedTest
  @org.junit.jupiter.params.provider.CsvSource({"COMMIT_PREVIOUS_TERM,LeaderCompleteness", "STALE_READ,ReadLinearizable",
      "VOTE_BEFORE_PERSIST,SentIsDurable", "ACK_BEFORE_PERSIST,SentIsDurable",
      "LEADER_COUNTS_ITSELF_BEFORE_PERSIST,QuorumCommitted", "APPLY_BEFORE_PERSIST,AppliedIsDurable",
      "FORGET_TERM_ON_RESTART,MonotonicTerm", "LOSE_LOG_TAIL_ON_RESTART,QuorumCommitted",
      "MATCH_INDEX_REGRESS,MonotonicMatchIndex", "IGNORE_HIGHER_TERM_IN_RESPONSE,AdoptsHigherTerm",
      "COUNT_STALE_VOTES,ElectionSafety", "TRUNCATE_WITHOUT_CONFLICT,QuorumCommitted",
      "READ_BEFORE_TERM_COMMIT,ReadLinearizable", "SNAPSHOT_UNCOMMITTED,SnapshotCommitted",
      "INSTALL_STALE_SNAPSHOT,QuorumCommitted", "DISCARD_LOG_AFTER_SNAPSHOT,QuorumCommitted",
      "COMPACT_WITHOUT_SNAPSHOT_TERM,LeaderCompleteness", "CHANGE_BEFORE_TERM_COMMIT,ChangeAfterTermCommit",
      "TWO_PENDING_CHANGES,OneChangeAtATime", "JOINT_QUORUM_NEW_ONLY,QuorumCommitted",
      "CAMPAIGN_WITH_UNAPPLIED_CONF,CampaignOnlyWhenAllowed", "TRANSFER_WITH_PREVOTE,TransferCampaignsAtOnce",
      "TRANSFER_DURING_CONF_CHANGE,NoTransferDuringChange", "REMOVED_LEADER_KEEPS_LEADING,LeaderInConfiguration",
      "NEVER_STEP_DOWN,Recovery"})
  void when_a_mutant_runs_with_its_settings_then_its_invariant_fails(Mutant mutant, String invariant) {
    Bounds[] b = new Bounds[1];
    RaftModel m = modelFor(mutant, b);
    Bounds bounds = b[0];
    ModelChecker.Result r = new ModelChecker(m, bounds, true, 2).withRecovery(mutant.needsRecoveryCheck())
        .run(System::nanoTime);
    assertTrue(r.violated(), mutant + " not caught");
    assertEquals(invariant, r.counterexample().orElseThrow().violation().invariant());
  }
}
