package io.refraft.spec.explore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.refraft.spec.NodeId;
import io.refraft.spec.NodeState;
import io.refraft.spec.check.Cluster;
import io.refraft.spec.check.Event;
import io.refraft.spec.check.Faults;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FingerprintTest {

  /** Exhaustive BFS where states are told apart by equals(); restarts off so the ghost counter stays 0. */
  private static Set<Cluster> reachable(RaftModel m, Bounds b) {
    Set<Cluster> all = new HashSet<>();
    Deque<Cluster> queue = new ArrayDeque<>();
    Cluster init = Cluster.initial(m.config());
    all.add(init);
    queue.add(init);
    while (!queue.isEmpty()) {
      Cluster c = queue.poll();
      for (Event e : c.events(m.values(), m.faults())) {
        Optional<Cluster.Step> s = c.next(e, m::step);
        if (s.isPresent() && b.admits(s.get().next()) && all.add(s.get().next())) {
          queue.add(s.get().next());
        }
      }
    }
    return all;
  }

  @Test
  void when_symmetry_is_off_then_fingerprints_tell_apart_exactly_the_states_equals_does() {
    Bounds b = new Bounds(3, 1, 2, 1, 1, -1);
    RaftModel m = RaftModel.of(b, false, false, 1, false, new Faults(true, true, false), Optional.empty());
    Set<Cluster> states = reachable(m, b);
    Fingerprint fp = new Fingerprint(m.config().members(), false, false);
    Set<Long> fps = new HashSet<>();
    for (Cluster c : states) {
      fps.add(fp.of(c));
    }
    assertEquals(states.size(), fps.size(), "distinct states by equals vs by fingerprint");
    ModelChecker.Result r = new ModelChecker(m, b, false, 1).run(System::nanoTime);
    assertEquals(states.size(), r.distinctStates(), "model checker's count vs an equals-based BFS");
  }

  @Test
  void when_symmetry_is_on_then_renamed_states_share_a_fingerprint_and_others_do_not() {
    Bounds b = new Bounds(3, 1, 2, 1, 1, -1);
    RaftModel m = RaftModel.of(b, true, true, 1, true, Faults.ALL, Optional.empty());
    List<NodeId> ids = m.config().members();
    Cluster init = Cluster.initial(m.config());
    Cluster n1Times = init.next(new Event.Timeout(ids.get(0)), m::step).orElseThrow().next();
    Cluster n2Times = init.next(new Event.Timeout(ids.get(1)), m::step).orElseThrow().next();
    Fingerprint sym = new Fingerprint(ids, true, false);
    Fingerprint plain = new Fingerprint(ids, false, false);
    assertEquals(sym.of(n1Times), sym.of(n2Times));
    assertNotEquals(plain.of(n1Times), plain.of(n2Times));
    assertNotEquals(sym.of(init), sym.of(n1Times));
  }

  /**
   * {@code --exact} (states kept whole, told apart by equals) counts the same distinct and generated
   * states as fingerprints without symmetry, over bounds with synchronous persistence (max-pending 0)
   * and asynchronous (1, 2), restarts unbounded (the restart counter is then outside the view, for
   * both) and bounded, with {@code spec check}'s defaults otherwise (pre-vote, check-quorum, leader
   * no-op, every fault, one value, one message in flight). Two servers keep each bound to seconds.
   */
  @ParameterizedTest(name = "servers {0}, max-term {1}, max-log {2}, max-pending {3}, max-restarts {4}")
  @Timeout(120) // a view that counts what the fingerprint ignores makes the exact search endless: fail, not hang
  @CsvSource({"2,1,1,0,-1", "2,1,1,1,-1", "2,2,1,0,-1", "2,1,2,1,-1", "2,2,1,2,-1", "2,1,1,1,1"})
  void when_states_are_kept_whole_then_the_counts_equal_the_fingerprint_counts(int servers, int maxTerm,
      int maxLog, int maxPending, int maxRestarts) {
    Bounds d = Bounds.defaults();
    Bounds b = new Bounds(servers, d.values(), maxTerm, maxLog, d.maxMsgs(), maxRestarts, d.reads(), maxPending);
    RaftModel m = RaftModel.of(b, true, true, 1, true, Faults.ALL, Optional.empty());
    ModelChecker.Result byFp = new ModelChecker(m, b, false, 1, false).run(System::nanoTime);
    ModelChecker.Result exact = new ModelChecker(m, b, false, 1, true).run(System::nanoTime);
    System.out.printf("FingerprintTest exact vs fingerprints, bounds %s: %d distinct, %d generated (exact %.1f s, "
        + "fingerprints %.1f s)%n", b.toJson(), exact.distinctStates(), exact.statesGenerated(), exact.nanos() / 1e9,
        byFp.nanos() / 1e9);
    assertFalse(byFp.violated() || exact.violated(), "the correct spec violated an invariant in " + b.toJson());
    assertTrue(exact.distinctStates() > 100, "a bound this small checks nothing: " + exact.distinctStates());
    assertEquals(exact.distinctStates(), byFp.distinctStates(), "distinct states, bounds " + b.toJson());
    assertEquals(exact.statesGenerated(), byFp.statesGenerated(), "states generated, bounds " + b.toJson());
  }

  @Test
  void when_symmetry_is_on_then_the_checker_explores_one_state_per_orbit() {
    Bounds b = new Bounds(3, 1, 2, 1, 1, -1);
    RaftModel m = RaftModel.of(b, false, false, 1, false, new Faults(true, true, false), Optional.empty());
    Set<Cluster> states = reachable(m, b);
    Set<List<NodeState>> orbits = new HashSet<>();
    Fingerprint sym = new Fingerprint(m.config().members(), true, false);
    Set<Long> canon = new HashSet<>();
    for (Cluster c : states) {
      canon.add(sym.of(c));
      orbits.add(new ArrayList<>(c.nodes()));
    }
    ModelChecker.Result r = new ModelChecker(m, b, true, 2).run(System::nanoTime);
    assertEquals(canon.size(), r.distinctStates());
    // Each orbit has at most 3! members, so the reduction is at most 6x and at least 1x.
    long n = states.size();
    org.junit.jupiter.api.Assertions.assertTrue(canon.size() * 6L >= n && canon.size() < n,
        "orbits " + canon.size() + " of " + n + " states");
  }

  /** Clusters of three new servers with {@code m} alone in flight. */
  private static Cluster withMessage(io.refraft.spec.Message m) {
    Cluster c = Cluster.initial(io.refraft.spec.Config.ofSize(3));
    return new Cluster(c.nodes(), c.disks(), c.network().plus(List.of(m)), c.ghost());
  }

  /**
   * A change of any one field of any message changes the fingerprint, including the pair that
   * collided under the old weighted sums (a refused pre-vote and an empty AppendEntries of term 1).
   */
  @Test
  void when_one_field_of_a_message_changes_then_the_fingerprint_changes() {
    NodeId a = NodeId.of("n1");
    NodeId b = NodeId.of("n2");
    NodeId c = NodeId.of("n3");
    io.refraft.spec.Entry e1 = new io.refraft.spec.Entry(1, io.refraft.spec.Payload.Data.of((byte) 1));
    io.refraft.spec.Entry e2 = new io.refraft.spec.Entry(1, io.refraft.spec.Payload.Data.of((byte) 2));
    io.refraft.spec.Entry noop = new io.refraft.spec.Entry(1, io.refraft.spec.Payload.NOOP);
    io.refraft.spec.Entry e1t2 = new io.refraft.spec.Entry(2, io.refraft.spec.Payload.Data.of((byte) 1));
    List<io.refraft.spec.Message> variants = List.of(
        new io.refraft.spec.Message.RequestVoteRequest(a, b, 2, 1, 1, false),
        new io.refraft.spec.Message.RequestVoteRequest(b, a, 2, 1, 1, false),
        new io.refraft.spec.Message.RequestVoteRequest(a, c, 2, 1, 1, false),
        new io.refraft.spec.Message.RequestVoteRequest(a, b, 3, 1, 1, false),
        new io.refraft.spec.Message.RequestVoteRequest(a, b, 2, 2, 1, false),
        new io.refraft.spec.Message.RequestVoteRequest(a, b, 2, 1, 2, false),
        new io.refraft.spec.Message.RequestVoteRequest(a, b, 2, 1, 1, true),
        new io.refraft.spec.Message.RequestVoteResponse(a, b, 1, false, true),
        new io.refraft.spec.Message.RequestVoteResponse(a, b, 1, true, true),
        new io.refraft.spec.Message.RequestVoteResponse(a, b, 1, false, false),
        new io.refraft.spec.Message.RequestVoteResponse(a, b, 2, false, true),
        new io.refraft.spec.Message.AppendEntriesRequest(a, b, 1, 0, 0, List.of(), 0),
        new io.refraft.spec.Message.AppendEntriesRequest(a, b, 1, 1, 1, List.of(), 0),
        new io.refraft.spec.Message.AppendEntriesRequest(a, b, 1, 1, 1, List.of(), 1),
        new io.refraft.spec.Message.AppendEntriesRequest(a, b, 2, 1, 1, List.of(), 0),
        new io.refraft.spec.Message.AppendEntriesRequest(a, b, 2, 1, 2, List.of(), 0),
        new io.refraft.spec.Message.AppendEntriesRequest(a, b, 1, 0, 0, List.of(e1), 0),
        new io.refraft.spec.Message.AppendEntriesRequest(a, b, 1, 0, 0, List.of(e2), 0),
        new io.refraft.spec.Message.AppendEntriesRequest(a, b, 1, 0, 0, List.of(noop), 0),
        new io.refraft.spec.Message.AppendEntriesRequest(a, b, 2, 0, 0, List.of(e1t2), 0),
        new io.refraft.spec.Message.AppendEntriesRequest(a, b, 1, 0, 0, List.of(e1, e2), 0),
        new io.refraft.spec.Message.AppendEntriesRequest(a, b, 1, 0, 0, List.of(e2, e1), 0),
        new io.refraft.spec.Message.AppendEntriesRequest(a, b, 1, 0, 0, List.of(e1), 1),
        new io.refraft.spec.Message.AppendEntriesRequest(a, b, 1, 0, 0, List.of(e1), 1, 1),
        new io.refraft.spec.Message.AppendEntriesResponse(a, b, 1, false, 0, 0, 0),
        new io.refraft.spec.Message.AppendEntriesResponse(a, b, 1, true, 0, 0, 0),
        new io.refraft.spec.Message.AppendEntriesResponse(a, b, 1, true, 1, 0, 0),
        new io.refraft.spec.Message.AppendEntriesResponse(a, b, 1, false, 0, 1, 0),
        new io.refraft.spec.Message.AppendEntriesResponse(a, b, 1, false, 0, 1, 1),
        new io.refraft.spec.Message.AppendEntriesResponse(a, b, 1, false, 0, 0, 0, 1),
        new io.refraft.spec.Message.AppendEntriesResponse(a, b, 2, false, 0, 0, 0));
    Fingerprint fp = new Fingerprint(List.of(a, b, c), false, false);
    java.util.Map<Long, io.refraft.spec.Message> seen = new java.util.HashMap<>();
    for (io.refraft.spec.Message m : variants) {
      io.refraft.spec.Message before = seen.put(fp.of(withMessage(m)), m);
      assertEquals(null, before, () -> m + " has the fingerprint of another message");
    }
  }

  /** A change of any one field of a server's state or its disk changes the fingerprint. */
  @Test
  void when_one_field_of_a_server_or_its_disk_changes_then_the_fingerprint_changes() {
    io.refraft.spec.Config config = io.refraft.spec.Config.ofSize(3);
    NodeId a = config.members().get(0);
    NodeId b = config.members().get(1);
    io.refraft.spec.Entry e1 = new io.refraft.spec.Entry(1, io.refraft.spec.Payload.Data.of((byte) 1));
    io.refraft.spec.Entry e2 = new io.refraft.spec.Entry(2, io.refraft.spec.Payload.Data.of((byte) 1));
    io.refraft.spec.Log log1 = io.refraft.spec.Log.of(List.of(e1));
    io.refraft.spec.Log log2 = io.refraft.spec.Log.of(List.of(e1, e2));
    io.refraft.spec.Role follower = io.refraft.spec.Role.Follower.UNKNOWN_LEADER;
    NodeState base = new NodeState(a, config, 2, Optional.of(b), log2, 1, follower);
    io.refraft.spec.Sync synced = base.sync();
    io.refraft.spec.Message reply = new io.refraft.spec.Message.AppendEntriesResponse(a, b, 2, true, 2, 0, 0);
    List<NodeState> variants = List.of(
        base,
        new NodeState(a, config, 3, Optional.of(b), log2, 1, follower),
        new NodeState(a, config, 2, Optional.empty(), log2, 1, follower),
        new NodeState(a, config, 2, Optional.of(b), log1, 1, follower),
        new NodeState(a, config, 2, Optional.of(b), log2, 2, follower),
        new NodeState(a, config, 2, Optional.of(b), log2, 1, new io.refraft.spec.Role.Follower(Optional.of(b))),
        base.withSync(new io.refraft.spec.Sync(1, Optional.of(b), 2, List.of())),
        base.withSync(new io.refraft.spec.Sync(2, Optional.empty(), 2, List.of())),
        base.withSync(new io.refraft.spec.Sync(2, Optional.of(b), 1, List.of())),
        base.withSync(new io.refraft.spec.Sync(2, Optional.of(b), 1,
            List.of(new io.refraft.spec.Sync.Held(reply, 2, Optional.of(b), 2, 2)))),
        base.withSync(new io.refraft.spec.Sync(2, Optional.of(b), 1,
            List.of(new io.refraft.spec.Sync.Held(reply, 2, Optional.empty(), 2, 2)))));
    Fingerprint fp = new Fingerprint(config.members(), false, false);
    Cluster init = Cluster.initial(config);
    java.util.Set<Long> seen = new HashSet<>();
    for (NodeState v : variants) {
      List<NodeState> nodes = new ArrayList<>(init.nodes());
      nodes.set(0, v);
      org.junit.jupiter.api.Assertions.assertTrue(seen.add(fp.of(new Cluster(nodes, init.network(), init.ghost()))),
          () -> "state " + v + " has the fingerprint of another");
    }
    // The same server with its disk behind, or with a write pending.
    List<NodeState> nodes = new ArrayList<>(init.nodes());
    nodes.set(0, base);
    List<Cluster.Disk> disks = new ArrayList<>(init.disks());
    disks.set(0, new Cluster.Disk(new io.refraft.spec.DurableState(2, Optional.of(b), log1), List.of()));
    org.junit.jupiter.api.Assertions.assertTrue(seen.add(fp.of(new Cluster(nodes, disks, init.network(), init.ghost()))));
    disks.set(0, new Cluster.Disk(new io.refraft.spec.DurableState(2, Optional.of(b), log1),
        List.of(base.durable())));
    org.junit.jupiter.api.Assertions.assertTrue(seen.add(fp.of(new Cluster(nodes, disks, init.network(), init.ghost()))));
  }
}
