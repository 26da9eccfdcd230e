package io.refraft.verification.trace;

import io.refraft.spec.Input;
import io.refraft.spec.Message;
import io.refraft.spec.NodeId;
import io.refraft.spec.NodeState;
import io.refraft.spec.Output;
import io.refraft.spec.Raft;
import io.refraft.spec.Transition;
import io.refraft.spec.check.Cluster;
import io.refraft.spec.check.Faults;
import io.refraft.spec.explore.Bounds;
import io.refraft.spec.explore.RaftModel;
import io.refraft.spec.explore.ModelChecker;
import io.refraft.spec.explore.Mutant;
import io.refraft.traces.ClusterTraces;
import io.refraft.traces.StateSummary;
import io.refraft.verification.trace.CorpusGenerator.Case;
import io.refraft.verification.trace.CorpusGenerator.Expected;
import io.refraft.verification.trace.Divergence.Kind;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Counterexamples the model checker finds for the spec's mutants, rendered as traces: each is a
 * run of a deliberately broken protocol, to be replayed against the correct spec. The expected
 * divergence is the first step where the mutant's transition and the spec's differ, found by
 * stepping both from the same state (not by the validator).
 */
final class MutantTraces {
  private MutantTraces() {}

  /** Mutant, and the model options that make its counterexample short (reads in the bounds). */
  private record Run(Mutant mutant, Bounds bounds, boolean preVote, boolean checkQuorum, boolean noop, Faults faults,
      boolean symmetry) {
    Run(Mutant mutant, Bounds bounds, boolean preVote, boolean checkQuorum, boolean noop, Faults faults) {
      this(mutant, bounds, preVote, checkQuorum, noop, faults, false);
    }
  }

  static List<Case> cases() {
    List<Run> runs = List.of(
        new Run(Mutant.VOTE_TWICE, new Bounds(3, 0, 2, 1, 2, 0), false, false, false, Faults.NONE),
        new Run(Mutant.COMMIT_WITHOUT_QUORUM, new Bounds(3, 1, 1, 2, 2, 0), false, false, false, Faults.NONE),
        new Run(Mutant.FORGET_VOTE_ON_RESTART, new Bounds(3, 0, 1, 1, 2, 1), false, false, false,
            new Faults(false, false, true)),
        new Run(Mutant.LEADER_OVERWRITES, new Bounds(3, 2, 1, 2, 2, 0), false, false, false, Faults.NONE),
        // As 'refraft spec check --mutant NAME' runs them (Mutant.settings): defaults, synchronous persistence.
        new Run(Mutant.NO_LOG_CHECK, Bounds.defaults().withMaxPending(0), true, true, true, Faults.ALL),
        new Run(Mutant.KEEP_CONFLICTS, Bounds.defaults().withMaxPending(0), true, true, true, Faults.ALL),
        new Run(Mutant.ACCEPT_STALE_TERM, Bounds.defaults().withMaxPending(0), true, true, true, Faults.ALL),
        // As 'refraft spec check --mutant stale-read' runs it (Mutant.settings): one read, no faults.
        new Run(Mutant.STALE_READ, new Bounds(3, 1, 2, 2, 1, -1, 1), false, false, true, Faults.NONE),
        // As 'refraft spec check --mutant NAME' runs them: the defaults, asynchronous persistence (the
        // traces say what storage confirmed, FORMAT.md 5.4).
        new Run(Mutant.VOTE_BEFORE_PERSIST, Bounds.defaults(), true, true, true, Faults.ALL),
        new Run(Mutant.ACK_BEFORE_PERSIST, Bounds.defaults(), true, true, true, Faults.ALL),
        new Run(Mutant.LEADER_COUNTS_ITSELF_BEFORE_PERSIST, Bounds.defaults(), true, true, true, Faults.ALL),
        new Run(Mutant.APPLY_BEFORE_PERSIST, Bounds.defaults(), true, true, true, Faults.ALL),
        new Run(Mutant.FORGET_TERM_ON_RESTART, Bounds.defaults(), true, true, true, Faults.ALL),
        new Run(Mutant.LOSE_LOG_TAIL_ON_RESTART, new Bounds(3, 1, 1, 1, 1, -1, 0, 1), false, false, false,
            new Faults(false, false, true)),
        // As 'refraft spec check --mutant match-index-regress' runs it: a duplicated acknowledgement arrives
        // late; the leader's reported matchIndex (FORMAT.md 5.3, match) shows the regression.
        new Run(Mutant.MATCH_INDEX_REGRESS, new Bounds(3, 1, 1, 2, 2, -1, 0, 0), false, false, true,
            new Faults(false, true, false)),
        // The snapshot mutants as 'refraft spec check --mutant NAME' runs them (Mutant.settings, snapshots on),
        // with symmetry: their counterexamples are 10 to 20 steps deep.
        new Run(Mutant.SNAPSHOT_UNCOMMITTED, new Bounds(3, 1, 1, 2, 1, -1, 0, 0, true), false, false, false,
            Faults.NONE, true),
        new Run(Mutant.INSTALL_STALE_SNAPSHOT, new Bounds(3, 1, 1, 2, 2, -1, 0, 0, true), false, false, false,
            new Faults(false, true, false), true),
        new Run(Mutant.DISCARD_LOG_AFTER_SNAPSHOT, new Bounds(3, 1, 1, 3, 2, -1, 0, 0, true), false, false, false,
            new Faults(false, true, true), true),
        new Run(Mutant.COMPACT_WITHOUT_SNAPSHOT_TERM, new Bounds(3, 1, 2, 2, 1, -1, 0, 0, true), false, false, false,
            Faults.NONE, true));
    List<Case> out = new ArrayList<>();
    for (Run r : runs) {
      RaftModel model = RaftModel.of(r.bounds(), r.preVote(), r.checkQuorum(), 1, r.noop(), r.faults(),
          Optional.of(r.mutant()));
      ModelChecker.Result res = new ModelChecker(model, r.bounds(), r.symmetry(), 1).run(() -> 0L);
      ModelChecker.Counterexample cx = res.counterexample().orElseThrow(
          () -> new IllegalStateException("no counterexample for mutant " + r.mutant().cliName()));
      String text = ClusterTraces.counterexample(cx, "refraft spec check --mutant " + r.mutant().cliName());
      out.add(new Case("mutant-" + r.mutant().cliName(), text, Optional.of(firstDeviation(cx, r.mutant(),
          r.bounds().maxPending() > 0))));
    }
    return out;
  }

  /** The first node step where the mutant's transition is not the spec's, and how it shows in a trace. */
  static Expected firstDeviation(ModelChecker.Counterexample cx, Mutant m, boolean async) {
    Cluster c = cx.initial();
    long line = 1;
    for (Cluster.Step s : cx.steps()) {
      if (s.node().isPresent()) {
        line++;
        NodeId id = s.node().get();
        NodeState before = c.node(id);
        Input in = s.input().orElseThrow();
        Transition spec = async ? Raft.stepAsync(before, in) : Raft.step(before, in);
        Transition mutant = s.transition().orElseThrow();
        Kind kind = null;
        if (!StateSummary.of(spec.next()).equals(StateSummary.of(mutant.next()))) {
          kind = Kind.STATE;
        } else if (!spec.next().durable().equals(mutant.next().durable())) {
          kind = Kind.PERSISTED;
        } else if (!sends(spec).equals(sends(mutant))) {
          kind = Kind.SENT;
        } else if (!reads(spec).equals(reads(mutant))) {
          kind = Kind.READS;
        } else if (spec.appliedThrough() != mutant.appliedThrough()) {
          kind = Kind.APPLIED;
        }
        if (kind != null) {
          return new Expected(line, kind, "mutant " + m.cliName() + " (model checker counterexample, violates "
              + cx.violation().invariant() + ")");
        }
      }
      c = s.next();
    }
    throw new IllegalStateException("mutant " + m.cliName() + ": counterexample never deviates from the spec");
  }

  private static List<Output> reads(Transition t) {
    return t.outputs().stream().filter(o -> o instanceof Output.ReadReady || o instanceof Output.ReadRejected).toList();
  }

  private static List<Message> sends(Transition t) {
    List<Message> out = new ArrayList<>();
    for (Output o : t.outputs()) {
      if (o instanceof Output.Send(Message msg)) {
        out.add(msg);
      }
    }
    return out;
  }
}
