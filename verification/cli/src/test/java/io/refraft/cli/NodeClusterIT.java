package io.refraft.cli;

import io.refraft.verification.harness.LocalCluster;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * Three real node processes on loopback (separate JVMs, fsync on): elections, kill -9 of the leader,
 * of everyone, of a follower, and a leader partitioned from the majority. Every process is killed
 * and every port released in {@link #stop()}, whatever the outcome; a failure prints the nodes' logs.
 * Every node traces its steps, and each test ends by checking the run's traces against the spec with
 * the trace validator, restarts included.
 */
class NodeClusterIT {
  private ClusterFixture f;
  private long launchedAt;

  @BeforeEach
  void start(TestInfo info) throws Exception {
    System.out.println("NodeClusterIT." + info.getDisplayName());
    f = new ClusterFixture(3);
    launchedAt = System.nanoTime();
    f.startAll();
    f.awaitUp(30_000);
  }

  @AfterEach
  void stop() throws Exception {
    f.close();
  }



  /** Every acknowledged (index, command) is in {@code node}'s committed log at that index. */
  private void assertHolds(int node, Map<Integer, String> acked) {
    int max = acked.keySet().stream().mapToInt(Integer::intValue).max().orElse(0);
    ClusterFixture.await(LocalCluster.id(node) + " committing through index " + max, 10_000,
        () -> f.committedLog(node).keySet().stream().anyMatch(i -> i >= max) || f.committedLog(node).containsKey(max));
    Map<Integer, String> log = f.committedLog(node);
    acked.forEach((index, cmd) -> assertEquals(cmd, log.get(index),
        "acknowledged entry " + index + " on " + LocalCluster.id(node)));
  }

  @Test
  void a_leader_is_elected_within_2_s_and_a_new_one_in_a_higher_term_after_kill_9() throws Exception {
    f.withLogs(() -> {
      // "start": every node process answers HTTP (JVM start-up on a loaded 2-core machine is not Raft's time)
      long up = System.nanoTime();
      int leader = f.awaitLeader(f.all(), 2_000);
      System.out.printf("leader %s %d ms after all nodes were up, %d ms after launch%n", LocalCluster.id(leader),
          (System.nanoTime() - up) / 1_000_000, (System.nanoTime() - launchedAt) / 1_000_000);
      long oldTerm = f.term(leader);
      Map<Integer, String> acked = f.commit(leader, "a", 20);

      f.cluster.kill(leader);
      List<Integer> rest = f.all().stream().filter(i -> i != leader).toList();
      int next = f.awaitLeader(rest, 5_000);
      assertTrue(f.term(next) > oldTerm, "new leader's term " + f.term(next) + " > " + oldTerm);
      acked.putAll(f.commit(next, "b", 5));
      for (int i : rest) {
        assertHolds(i, acked);
      }
      f.assertTracesValid();
    });
  }

  @Test
  void after_kill_9_of_every_node_and_a_restart_every_committed_entry_is_present() throws Exception {
    f.withLogs(() -> {
      int leader = f.awaitLeader(f.all(), 5_000);
      Map<Integer, String> acked = f.commit(leader, "c", 20);
      for (int i : f.all()) {
        f.cluster.kill(i);
      }
      f.startAll();
      f.awaitUp(30_000);
      int again = f.awaitLeader(f.all(), 5_000);
      acked.putAll(f.commit(again, "d", 3));
      for (int i : f.all()) {
        assertHolds(i, acked);
      }
      f.assertTracesValid();
    });
  }

  @Test
  void a_killed_follower_restarts_and_catches_up() throws Exception {
    f.withLogs(() -> {
      int leader = f.awaitLeader(f.all(), 5_000);
      int follower = (leader + 1) % 3;
      Map<Integer, String> acked = f.commit(leader, "e", 5);
      f.cluster.kill(follower);
      acked.putAll(f.commit(leader, "f", 30)); // a majority of two keeps committing
      f.cluster.start(follower);
      f.awaitUp(30_000);
      assertHolds(follower, acked);
      String digest = f.status(leader).orElseThrow().path("appliedDigest").asText();
      ClusterFixture.await("the follower applied the same commands as the leader", 10_000,
          () -> f.status(follower).map(s -> s.path("appliedDigest").asText().equals(digest)).orElse(false));
      f.assertTracesValid();
    });
  }

  @Test
  void a_leader_cut_off_from_the_majority_cannot_commit() throws Exception {
    f.withLogs(() -> {
      int leader = f.awaitLeader(f.all(), 5_000);
      Map<Integer, String> acked = new HashMap<>(f.commit(leader, "g", 3));
      long oldTerm = f.term(leader);
      List<Integer> majority = f.all().stream().filter(i -> i != leader).toList();
      for (int p : majority) {
        f.block(leader, p, true);
        f.block(p, leader, true);
      }
      OptionalInt lost = f.propose(leader, "isolated", 1_500);
      assertTrue(lost.isEmpty(), "an isolated leader acknowledged index " + lost);
      int next = f.awaitLeader(majority, 5_000);
      assertTrue(f.term(next) > oldTerm, "the majority elected a leader in a higher term");
      acked.putAll(f.commit(next, "h", 5));
      for (int p : majority) {
        f.block(leader, p, false);
        f.block(p, leader, false);
      }
      for (int i : f.all()) {
        assertHolds(i, acked);
        assertFalse(f.committedLog(i).containsValue("isolated"), "the isolated leader's entry was committed on "
            + LocalCluster.id(i));
      }
      f.assertTracesValid();
    });
  }
}
