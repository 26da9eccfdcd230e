package io.refraft.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.refraft.spec.check.Cluster;
import io.refraft.spec.check.Event;
import io.refraft.spec.check.Faults;
import io.refraft.spec.check.Invariant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * What every transition's outputs promise ({@link Output}): every Persist precedes every Send
 * (Figure 2: "Respond to RPCs" only after "updating stable storage"); the Persists turn the old
 * durable state into the new one exactly; Apply carries exactly the newly committed entries, in
 * order, after restoring an installed snapshot when they follow one. Checked on every step of seeded
 * random walks of the cluster model with every fault on, half of them with snapshots.
 */
class RaftOutputsTest {
  private static final List<Payload> VALUES = List.of(Payload.Data.of((byte) 1), Payload.Data.of((byte) 2));

  @Test
  void when_any_transition_is_taken_then_its_outputs_describe_it_exactly() {
    long seed = Long.getLong("refraft.seed", System.nanoTime());
    System.out.println("RaftOutputsTest seed=" + seed + " (rerun: -Drefraft.seed=" + seed + ")");
    SplittableRandom r = new SplittableRandom(seed);
    Config[] configs = {
      Config.ofSize(3), Config.ofSize(3).withPreVote(false).withCheckQuorum(false).withMaxBatch(1),
      Config.ofSize(5).withEagerSend(false).withLeaderNoop(false).withMaxBatch(2)
    };
    int transitions = 0;
    for (int walk = 0; walk < 60; walk++) {
      Cluster c = Cluster.initial(configs[walk % configs.length]);
      for (int depth = 0; depth < 150; depth++) {
        List<Event> events = c.events(VALUES, c.network().size() > 12 ? new Faults(true, false, true) : Faults.ALL, 8,
            walk % 2 == 1);
        Event e = events.get(r.nextInt(events.size()));
        Cluster.Step step = c.next(e, Raft::step).orElseThrow();
        if (step.transition().isPresent()) {
          String where = "seed " + seed + " walk " + walk + " step " + depth + " " + e;
          checkOutputs(c.node(step.node().orElseThrow()), e, step.transition().get(), where);
          transitions++;
        }
        Optional<Invariant.Violation> v = Invariant.check(step.next());
        assertTrue(v.isEmpty(), () -> "seed " + seed + ": " + v);
        c = step.next();
      }
    }
    assertTrue(transitions > 5000, "too few transitions checked: " + transitions);
  }

  private static void checkOutputs(NodeState before, Event e, Transition t, String where) {
    NodeState after = t.next();
    boolean restart = e instanceof Event.Crash;
    boolean sent = false;
    Log durableLog = before.log();
    DurableState durable = before.durable();
    List<Entry> applied = new ArrayList<>();
    long firstApplied = -1;
    long restored = -1;
    for (Output o : t.outputs()) {
      switch (o) {
        case Output.SaveSnapshot ss -> {
          assertFalse(sent, where + ": SaveSnapshot after a Send in " + t.outputs());
          Snapshot snap = ss.snapshot();
          durableLog = durableLog.matches(snap.index(), snap.term()) ? durableLog.compactTo(snap)
              : Log.restored(snap, List.of());
        }
        case Output.RestoreSnapshot rs -> {
          assertTrue(applied.isEmpty(), where + ": a snapshot restored after entries applied: " + t.outputs());
          restored = rs.snapshot().index();
        }
        case Output.HardState h -> {
          assertFalse(sent, where + ": HardState after a Send in " + t.outputs());
          durable = new DurableState(h.term(), h.votedFor(), durableLog);
        }
        case Output.LogSuffix s -> {
          assertFalse(sent, where + ": LogSuffix after a Send in " + t.outputs());
          durableLog = durableLog.truncateAfter(s.firstIndex() - 1).appendAll(s.entries());
        }
        case Output.Send s -> sent = true;
        case Output.Apply a -> {
          if (firstApplied < 0) {
            firstApplied = a.firstIndex();
          }
          applied.addAll(a.entries());
        }
        case Output.ResetElectionTimer rt -> { }
        case Output.ProposalAccepted pa -> { }
        case Output.ProposalRejected pr -> { }
        case Output.ReadReady rr -> assertTrue(rr.readIndex() <= after.commitIndex(),
            where + ": read ready at " + rr.readIndex() + " beyond commitIndex " + after.commitIndex());
        case Output.ReadRejected rj -> { }
        case Output.MembershipRejected mr -> { }
        case Output.TransferRejected tr -> { }
      }
    }
    if (restart) {
      assertEquals(before.durable(), after.durable(), where + ": a restart recovers what was durable");
      assertTrue(applied.isEmpty(), where + ": a restart applies nothing");
      return;
    }
    assertEquals(after.durable(), new DurableState(durable.term(), durable.votedFor(), durableLog),
        where + ": the persists must turn the old durable state into the new one");
    if (restored >= 0) {
      assertTrue(restored > before.commitIndex(), where + ": restored a snapshot at " + restored + " not beyond commit "
          + before.commitIndex());
      assertEquals(after.log().snapshot().index(), restored, where);
      assertEquals(after.commitIndex() > restored ? after.log().slice(restored + 1, after.commitIndex() + 1) : List.of(),
          applied, where);
    } else if (after.commitIndex() > before.commitIndex()) {
      assertEquals(before.commitIndex() + 1, firstApplied, where);
      assertEquals(after.log().slice(before.commitIndex() + 1, after.commitIndex() + 1), applied, where);
    } else {
      assertTrue(applied.isEmpty(), where + ": Apply without a commit: " + applied);
    }
  }
}
