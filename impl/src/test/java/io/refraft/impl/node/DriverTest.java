package io.refraft.impl.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.refraft.impl.storage.MemoryStorage;
import io.refraft.spec.Config;
import io.refraft.spec.NodeId;
import io.refraft.traces.StateSummary.RoleName;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Three real drivers on virtual time and an in-memory network, turned by hand as the deterministic
 * simulator will: elections, commitment, group commit, not-leader hints, restart recovery.
 */
class DriverTest {
  private static final long MS = 1_000_000L;

  private long seed;
  private ManualClock clock;
  private LocalNetwork network;
  private final List<Driver> drivers = new ArrayList<>();
  private final List<MemoryStorage> storages = new ArrayList<>();
  private final List<RecordingStateMachine> machines = new ArrayList<>();
  private final List<Throwable> fatal = new ArrayList<>();
  private final Config config = Config.ofSize(3);

  @BeforeEach
  void cluster() throws IOException {
    seed = new SplittableRandom().nextLong();
    System.out.println("DriverTest seed=" + seed);
    clock = new ManualClock();
    network = new LocalNetwork();
    for (int i = 0; i < 3; i++) {
      storages.add(new MemoryStorage());
      drivers.add(null);
      machines.add(null);
      boot(i);
    }
  }

  private void boot(int i) throws IOException {
    NodeId id = config.members().get(i);
    RecordingStateMachine sm = new RecordingStateMachine(true);
    Driver d = new Driver(id, config, Timing.DEFAULT, clock, new SplittableRandom(seed + i),
        network.transport(id.name()), storages.get(i), sm, TraceSink.OFF, fatal::add);
    d.recover();
    network.transport(id.name()).start(d::receive);
    drivers.set(i, d);
    machines.set(i, sm);
  }

  /** Advances virtual time 1 ms at a time, delivering and turning, until {@code done} or the limit. */
  private void runUntil(BooleanSupplier done, long limitMs) {
    for (long t = 0; t < limitMs; t++) {
      clock.advance(MS);
      network.deliverAll();
      drivers.forEach(Driver::runTurn);
      if (done.getAsBoolean()) {
        return;
      }
    }
    throw new AssertionError("condition not reached within " + limitMs + " virtual ms (seed " + seed + ")");
  }

  private Optional<Driver> leader() {
    return drivers.stream().filter(d -> d.status().role() == RoleName.Leader).findFirst();
  }

  @Test
  void elects_a_leader_and_commits_proposals_on_every_node() throws Exception {
    runUntil(() -> leader().isPresent(), 2_000);
    Driver leader = leader().orElseThrow();
    List<CompletableFuture<Long>> results = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      results.add(leader.propose(new byte[] {(byte) i}));
    }
    runUntil(() -> results.stream().allMatch(CompletableFuture::isDone), 1_000);
    long first = results.get(0).get();
    for (int i = 0; i < 10; i++) {
      assertEquals(first + i, results.get(i).get(), "consecutive indexes in proposal order (seed " + seed + ")");
    }
    runUntil(() -> machines.stream().allMatch(m -> m.count() == 10), 1_000);
    long digest = machines.get(0).digest();
    machines.forEach(m -> assertEquals(digest, m.digest(), "same commands in the same order everywhere"));
    assertTrue(fatal.isEmpty(), fatal.toString());
  }

  @Test
  void proposals_of_one_turn_share_one_sync() throws Exception {
    runUntil(() -> leader().isPresent(), 2_000);
    Driver leader = leader().orElseThrow();
    runUntil(() -> leader.status().commitIndex() >= 1, 1_000); // the leader's no-op
    long syncsBefore = leader.status().syncs();
    List<CompletableFuture<Long>> results = new ArrayList<>();
    for (int i = 0; i < 64; i++) {
      results.add(leader.propose(new byte[100]));
    }
    leader.runTurn();
    assertEquals(syncsBefore + 1, leader.status().syncs(), "64 proposals in one turn, one fsync");
    runUntil(() -> results.stream().allMatch(CompletableFuture::isDone), 1_000);
    for (CompletableFuture<Long> r : results) {
      assertTrue(r.get() > 1);
    }
  }

  @Test
  void a_busy_leader_holds_proposals_while_its_batches_are_uncommitted_then_appends_them_as_one() throws Exception {
    runUntil(() -> leader().isPresent(), 2_000);
    Driver leader = leader().orElseThrow();
    runUntil(() -> leader.status().commitIndex() >= 1, 1_000); // the leader's no-op
    List<CompletableFuture<Long>> results = new ArrayList<>();
    long last = leader.status().lastLogIndex();
    for (int batch = 0; batch < BatchedProposals.MAX_BATCHES_IN_FLIGHT; batch++) {
      results.add(leader.propose(new byte[] {(byte) batch}));
      leader.runTurn();
      assertEquals(++last, leader.status().lastLogIndex(), "batch " + batch + " appended in its turn");
    }
    long syncs = leader.status().syncs();
    long appended = last;
    for (int i = 0; i < 5; i++) {
      results.add(leader.propose(new byte[] {(byte) (10 + i)}));
      leader.runTurn();
    }
    assertEquals(appended, leader.status().lastLogIndex(), "batches uncommitted: the next proposals wait");
    assertEquals(syncs, leader.status().syncs(), "and cost no fsync");
    runUntil(() -> leader.status().lastLogIndex() > appended, 1_000);
    assertEquals(appended + 5, leader.status().lastLogIndex(), "the five held proposals appended together");
    runUntil(() -> results.stream().allMatch(CompletableFuture::isDone), 1_000);
    for (int i = 0; i < results.size(); i++) {
      assertEquals(results.get(0).get() + i, results.get(i).get(), "proposal order kept (seed " + seed + ")");
    }
  }

  @Test
  void proposals_held_by_a_leader_that_is_deposed_fail_as_not_leader() throws Exception {
    runUntil(() -> leader().isPresent(), 2_000);
    Driver old = leader().orElseThrow();
    runUntil(() -> old.status().commitIndex() >= 1, 1_000);
    network.isolate(old.status().id().name(), true);
    List<CompletableFuture<Long>> inFlight = new ArrayList<>();
    for (int batch = 0; batch < BatchedProposals.MAX_BATCHES_IN_FLIGHT; batch++) {
      inFlight.add(old.propose(new byte[] {(byte) batch}));
      old.runTurn();
    }
    CompletableFuture<Long> held = old.propose(new byte[] {9});
    old.runTurn();
    assertFalse(held.isDone(), "held while its batches wait for a quorum that cannot answer");
    runUntil(() -> drivers.stream().anyMatch(d -> d != old && d.status().role() == RoleName.Leader), 5_000);
    network.isolate(old.status().id().name(), false);
    runUntil(held::isDone, 5_000);
    ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class, held::get);
    assertInstanceOf(NotLeaderException.class, e.getCause(), "never appended, so a definite failure");
    runUntil(() -> inFlight.stream().allMatch(CompletableFuture::isDone), 5_000);
    for (CompletableFuture<Long> f : inFlight) {
      ExecutionException lost = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class, f::get);
      assertInstanceOf(ProposalLostException.class, lost.getCause(), "appended but overwritten: indeterminate");
    }
  }

  @Test
  void a_follower_rejects_a_proposal_naming_the_leader() throws Exception {
    runUntil(() -> leader().isPresent(), 2_000);
    Driver leader = leader().orElseThrow();
    runUntil(() -> drivers.stream().allMatch(d -> d.status().leader().isPresent()), 1_000);
    Driver follower = drivers.stream().filter(d -> d != leader).findFirst().orElseThrow();
    CompletableFuture<Long> r = follower.propose(new byte[] {1});
    follower.runTurn();
    ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class, r::get);
    NotLeaderException nl = assertInstanceOf(NotLeaderException.class, e.getCause());
    assertEquals(leader.status().leader(), nl.leader());
  }

  @Test
  void a_read_on_the_leader_is_served_at_an_index_covering_every_acknowledged_write() throws Exception {
    runUntil(() -> leader().isPresent(), 2_000);
    Driver leader = leader().orElseThrow();
    CompletableFuture<Long> write = leader.propose(new byte[] {7});
    runUntil(write::isDone, 1_000);
    CompletableFuture<Long> read = leader.read();
    leader.runTurn();
    assertFalse(read.isDone(), "a read waits for a quorum to confirm leadership after it arrived (§6.4)");
    runUntil(read::isDone, 1_000);
    assertTrue(read.get() >= write.get(), "read index " + read.get() + " covers the write at " + write.get());
    assertTrue(leader.status().lastApplied() >= read.get(), "served only once applied");
  }

  @Test
  void reads_of_one_turn_share_one_confirmation_round() throws Exception {
    runUntil(() -> leader().isPresent(), 2_000);
    Driver leader = leader().orElseThrow();
    CompletableFuture<Long> write = leader.propose(new byte[] {7});
    runUntil(write::isDone, 1_000);
    network.deliverAll();
    drivers.forEach(Driver::runTurn);
    int before = network.inFlight();
    List<CompletableFuture<Long>> reads = new ArrayList<>();
    for (int i = 0; i < 32; i++) {
      reads.add(leader.read());
    }
    leader.runTurn();
    assertEquals(before + 2, network.inFlight(), "one round: one AppendEntries per follower for 32 reads");
    runUntil(() -> reads.stream().allMatch(CompletableFuture::isDone), 1_000);
    for (CompletableFuture<Long> r : reads) {
      assertTrue(r.get() >= write.get(), "read index " + r.get() + " covers the write at " + write.get());
    }
  }

  @Test
  void a_read_on_a_follower_is_rejected_naming_the_leader() throws Exception {
    runUntil(() -> leader().isPresent(), 2_000);
    Driver leader = leader().orElseThrow();
    runUntil(() -> drivers.stream().allMatch(d -> d.status().leader().isPresent()), 1_000);
    Driver follower = drivers.stream().filter(d -> d != leader).findFirst().orElseThrow();
    CompletableFuture<Long> r = follower.read();
    follower.runTurn();
    ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class, r::get);
    assertEquals(leader.status().leader(), assertInstanceOf(NotLeaderException.class, e.getCause()).leader());
  }

  @Test
  void a_restarted_node_recovers_its_log_and_reapplies_committed_entries() throws Exception {
    runUntil(() -> leader().isPresent(), 2_000);
    Driver leader = leader().orElseThrow();
    CompletableFuture<Long> r = leader.propose(new byte[] {42});
    runUntil(r::isDone, 1_000);
    long index = r.get();
    int victim = (drivers.indexOf(leader) + 1) % 3;
    runUntil(() -> machines.get(victim).count() == 1, 1_000);
    storages.get(victim).crash();
    boot(victim);
    assertTrue(drivers.get(victim).status().lastLogIndex() >= index, "the log survived the crash");
    runUntil(() -> machines.get(victim).count() == 1, 2_000);
    assertEquals(index, machines.get(victim).applied().get(0).index());
  }

  @Test
  void the_leaders_appends_leave_before_its_fsync_yet_a_failed_fsync_acknowledges_nothing() throws Exception {
    runUntil(() -> leader().isPresent(), 2_000);
    Driver leader = leader().orElseThrow();
    runUntil(() -> leader.status().commitIndex() >= 1, 1_000);
    network.deliverAll();
    drivers.forEach(Driver::runTurn);
    int before = network.inFlight();
    storages.get(drivers.indexOf(leader)).failNextSync();
    CompletableFuture<Long> r = leader.propose(new byte[] {9});
    leader.runTurn();
    assertEquals(before + 2, network.inFlight(), "AppendEntries to both followers went out before the fsync (§10.2.1)");
    ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class, r::get);
    assertInstanceOf(ProposalLostException.class, e.getCause());
    assertEquals(1, fatal.size(), "the leader stopped");
  }

  @Test
  void a_failed_fsync_stops_the_node_and_fails_its_waiting_proposals() throws Exception {
    runUntil(() -> leader().isPresent(), 2_000);
    Driver leader = leader().orElseThrow();
    storages.get(drivers.indexOf(leader)).failNextSync();
    CompletableFuture<Long> r = leader.propose(new byte[] {7});
    leader.runTurn();
    ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class, r::get);
    assertInstanceOf(ProposalLostException.class, e.getCause());
    assertEquals(1, fatal.size());
    assertInstanceOf(IOException.class, fatal.get(0));
    CompletableFuture<Long> after = leader.propose(new byte[] {8});
    assertTrue(after.isCompletedExceptionally(), "a stopped node refuses proposals at once");
  }
}
