package io.refraft.impl.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.refraft.impl.codec.MessageCodec;
import io.refraft.impl.storage.FileStorage;
import io.refraft.impl.storage.SnapshotFile;
import io.refraft.impl.storage.StoredSnapshot;
import io.refraft.spec.Config;
import io.refraft.spec.Message;
import io.refraft.spec.NodeId;
import io.refraft.spec.Snapshot;
import io.refraft.traces.StateSummary.RoleName;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Snapshots in three real drivers on virtual time and an in-memory network, over real files
 * ({@link FileStorage}, fsync included): forced and policy snapshots compact the log; a restart
 * restores the snapshot and replays only the entries after it; a follower the leader compacted past
 * catches up through the snapshot seam ({@link SnapshotShipping}, {@link Driver#snapshotArrived}).
 */
class DriverSnapshotTest {
  private static final long MS = 1_000_000L;

  @TempDir
  Path tmp;

  private long seed;
  private ManualClock clock;
  private LocalNetwork network;
  private final Config config = Config.ofSize(3);
  private final List<Driver> drivers = new ArrayList<>();
  private final List<FileStorage> storages = new ArrayList<>();
  private final List<RecordingStateMachine> machines = new ArrayList<>();
  /** Per node, the indexes applied since it was last booted (a restored snapshot applies none). */
  private final List<List<Long>> appliedSinceBoot = new ArrayList<>();
  private final List<Throwable> fatal = new ArrayList<>();
  private SnapshotPolicy policy = SnapshotPolicy.NEVER;
  private int shipped;
  /** Nodes whose flushes complete only when the test says so ({@link Driver#synced}): a slow disk. */
  private final java.util.Set<Integer> slowDisks = new java.util.HashSet<>();

  @BeforeEach
  void cluster() throws IOException {
    seed = new SplittableRandom().nextLong();
    System.out.println("DriverSnapshotTest seed=" + seed);
    clock = new ManualClock();
    network = new LocalNetwork();
    for (int i = 0; i < 3; i++) {
      drivers.add(null);
      storages.add(null);
      machines.add(null);
      appliedSinceBoot.add(null);
    }
  }

  @AfterEach
  void close() throws IOException {
    for (FileStorage s : storages) {
      if (s != null) {
        s.close();
      }
    }
  }

  private void bootAll() throws IOException {
    for (int i = 0; i < 3; i++) {
      boot(i);
    }
  }

  /** Starts node {@code i} on its data directory, as a new process would. */
  private void boot(int i) throws IOException {
    NodeId id = config.members().get(i);
    if (storages.get(i) != null) {
      storages.get(i).close(); // the old process is gone; its files stay
    }
    FileStorage storage = FileStorage.open(tmp.resolve(id.name()), FileStorage.Options.defaults().withSegmentBytes(4096));
    RecordingStateMachine sm = new RecordingStateMachine(true);
    List<Long> applied = new ArrayList<>();
    appliedSinceBoot.set(i, applied);
    StateMachine sinceBoot = new StateMachine() {
      @Override
      public void apply(long index, byte[] command) {
        applied.add(index);
      }

      @Override
      public byte[] snapshot() {
        return new byte[0];
      }

      @Override
      public void restore(long index, byte[] snapshot) { }
    };
    io.refraft.impl.storage.Storage disk = new io.refraft.impl.storage.ForwardingStorage(storage) {
      @Override
      public boolean syncCompletesLater() {
        return slowDisks.contains(i);
      }
    };
    Driver d = new Driver(id, config, Timing.DEFAULT, clock, new SplittableRandom(seed + i),
        network.transport(id.name()), disk, sinceBoot.andThen(sm), TraceSink.OFF, fatal::add);
    d.snapshotting(policy, this::ship);
    d.startWithoutThread(); // recovery, the transport's receiver and the heartbeat timer
    drivers.set(i, d);
    storages.set(i, storage);
    machines.set(i, sm);
  }

  /** The transfer, in a test: the leader's file copied to the follower, whose driver gets it at once. */
  private void ship(String peer, long transferId, byte[] request, Path file) {
    try {
      Path received = Files.copy(file, tmp.resolve("received-" + transferId));
      shipped++;
      drivers.get(config.members().indexOf(NodeId.of(peer))).snapshotArrived(leaderName(), request, received);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private String leaderName() {
    return leader().map(d -> d.status().id().name()).orElseThrow();
  }

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

  private List<CompletableFuture<Long>> proposeAll(Driver leader, int n) {
    List<CompletableFuture<Long>> results = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      results.add(leader.propose(new byte[] {(byte) i, (byte) (i >> 8)}));
    }
    runUntil(() -> results.stream().allMatch(CompletableFuture::isDone), 2_000);
    return results;
  }

  @Test
  void a_forced_snapshot_compacts_the_log_and_a_restart_restores_it_then_replays_only_what_follows() throws Exception {
    bootAll();
    runUntil(() -> leader().isPresent(), 2_000);
    Driver leader = leader().orElseThrow();
    int l = drivers.indexOf(leader);
    proposeAll(leader, 30);
    CompletableFuture<Long> snap = leader.snapshot();
    runUntil(snap::isDone, 100);
    long index = snap.get();
    assertEquals(leader.status().lastApplied(), index, "a snapshot of everything applied");
    assertEquals(index, leader.status().log().snapshot().index());
    assertEquals(index + 1, leader.status().log().firstIndex(), "the log compacted in memory");
    assertTrue(storages.get(l).snapshotFile().isPresent());
    List<CompletableFuture<Long>> later = proposeAll(leader, 5);
    long digest = machines.get(l).digest();
    long count = machines.get(l).count();
    boot(l); // a new process on the same directory
    Driver restarted = drivers.get(l);
    assertEquals(index, restarted.status().log().snapshot().index(), "recovered from the snapshot");
    runUntil(() -> machines.get(l).count() == count, 2_000);
    assertEquals(digest, machines.get(l).digest(), "same commands applied, in order (seed " + seed + ")");
    assertEquals(later.getFirst().get(), appliedSinceBoot.get(l).getFirst(),
        "only the entries after the snapshot were replayed: " + appliedSinceBoot.get(l));
    assertTrue(fatal.isEmpty(), fatal.toString());
  }

  @Test
  void the_policy_snapshots_every_n_entries_on_every_node() throws Exception {
    policy = new SnapshotPolicy(8, Long.MAX_VALUE);
    bootAll();
    runUntil(() -> leader().isPresent(), 2_000);
    proposeAll(leader().orElseThrow(), 40);
    runUntil(() -> drivers.stream().allMatch(d -> d.status().lastApplied() >= 41), 1_000);
    for (Driver d : drivers) {
      long snapshot = d.status().log().snapshot().index();
      assertTrue(snapshot >= d.status().lastApplied() - 8 && snapshot > 0, d.status().id() + " snapshot at " + snapshot
          + ", applied " + d.status().lastApplied());
    }
    assertTrue(fatal.isEmpty(), fatal.toString());
  }

  @Test
  void a_follower_the_leader_compacted_past_catches_up_by_snapshot_and_survives_a_restart() throws Exception {
    bootAll();
    runUntil(() -> leader().isPresent(), 2_000);
    Driver leader = leader().orElseThrow();
    int l = drivers.indexOf(leader);
    int f = (l + 1) % 3;
    String follower = config.members().get(f).name();
    network.isolate(follower, true);
    proposeAll(leader, 30);
    CompletableFuture<Long> snap = leader.snapshot();
    runUntil(snap::isDone, 100);
    long index = snap.get();
    network.isolate(follower, false);
    runUntil(() -> machines.get(f).count() == machines.get(l).count() && shipped > 0, 3_000);
    assertEquals(index, drivers.get(f).status().log().snapshot().index(), "installed the leader's snapshot");
    assertEquals(machines.get(l).digest(), machines.get(f).digest(), "same state as the leader (seed " + seed + ")");
    proposeAll(leader, 3);
    runUntil(() -> machines.get(f).count() == machines.get(l).count(), 1_000);
    boot(f);
    runUntil(() -> machines.get(f).count() == machines.get(l).count(), 2_000);
    assertEquals(machines.get(l).digest(), machines.get(f).digest(), "after a restart from the installed snapshot");
    assertTrue(fatal.isEmpty(), fatal.toString());
  }

  @Test
  void an_older_snapshot_arriving_while_an_installed_one_awaits_its_flush_does_not_lose_it() throws Exception {
    bootAll();
    runUntil(() -> leader().isPresent(), 2_000);
    Driver leader = leader().orElseThrow();
    int l = drivers.indexOf(leader);
    int f = (l + 1) % 3;
    NodeId follower = config.members().get(f);
    network.isolate(follower.name(), true);
    proposeAll(leader, 30);
    CompletableFuture<Long> older = leader.snapshot();
    runUntil(older::isDone, 100);
    proposeAll(leader, 5);
    CompletableFuture<Long> newer = leader.snapshot();
    runUntil(newer::isDone, 100);
    slowDisks.add(f); // the follower's flushes now complete when the test says so
    network.isolate(follower.name(), false);
    runUntil(() -> drivers.get(f).status().log().snapshot().index() == newer.join(), 2_000);
    assertTrue(machines.get(f).count() < machines.get(l).count(), "not restored before its flush completed");
    // a delayed copy of the leader's older snapshot arrives while the newer one waits for its flush
    // (a duplicate or a retransmission the network held back): the node must still restore the newer
    StoredSnapshot s = SnapshotFile.read(storages.get(l).snapshotFile(older.join()).orElseThrow());
    Message.InstallSnapshotRequest late = new Message.InstallSnapshotRequest(leader.status().id(), follower,
        leader.status().term(), new Snapshot(s.meta().index(), s.meta().term(), s.meta().digest()));
    Path copy = Files.copy(storages.get(l).snapshotFile(older.join()).orElseThrow(), tmp.resolve("late"));
    drivers.get(f).snapshotArrived(leaderName(), MessageCodec.encode(1_000_000, late), copy);
    runUntil(() -> true, 10);
    slowDisks.remove(f);
    drivers.get(f).synced();
    runUntil(() -> !fatal.isEmpty() || machines.get(f).count() == machines.get(l).count(), 3_000);
    assertTrue(fatal.isEmpty(), "the follower restored the snapshot it saved (seed " + seed + "): " + fatal);
    assertEquals(machines.get(l).digest(), machines.get(f).digest(), "same state as the leader (seed " + seed + ")");
  }
}
