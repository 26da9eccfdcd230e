package io.refraft.verification.trace;

import static io.refraft.verification.trace.ScriptedCluster.between;
import static io.refraft.verification.trace.ScriptedCluster.to;

import io.refraft.spec.Config;
import io.refraft.spec.Message;
import java.util.function.Predicate;

/** The scripted runs of the trace corpus: each a short story of a cluster, valid by construction. */
final class CorpusScenarios {
  private CorpusScenarios() {}

  static Predicate<Message> isA(Class<? extends Message> type) {
    return type::isInstance;
  }

  static Predicate<Message> appendTo(String n) {
    return to(n).and(isA(Message.AppendEntriesRequest.class));
  }

  /**
   * Two followers that know a leader (and so ignore vote requests, thesis §4.2.3) both time out;
   * {@code a} wins {@code b}'s pre-vote and then its vote (3 servers, the third cut off or silent).
   */
  static ScriptedCluster campaign(ScriptedCluster c, String a, String b) {
    c.timeout(a).timeout(b);
    c.deliver(between(a, b).and(isA(Message.RequestVoteRequest.class)));
    c.deliver(between(b, a).and(isA(Message.RequestVoteResponse.class)));
    return c.deliverAll();
  }

  /** Pre-vote, election, the leader's no-op, one proposal, and a heartbeat that spreads the commit. */
  static ScriptedCluster electionAndReplication(ScriptedCluster c) {
    c.timeout("n1").deliverAll();
    c.propose("n1", "x=1").deliverAll();
    return c.heartbeat("n1").deliverAll();
  }

  static ScriptedCluster electionAndReplication() {
    return electionAndReplication(new ScriptedCluster(Config.ofSize(3)));
  }

  /**
   * After election and replication, a read at the leader is served once both followers have
   * answered its round (thesis §6.4), and a read at a follower is rejected naming the leader.
   */
  static ScriptedCluster readIndex() {
    ScriptedCluster c = electionAndReplication();
    c.read("n1", 1).deliverAll();
    return c.read("n2", 2);
  }

  static ScriptedCluster election5() {
    ScriptedCluster c = new ScriptedCluster(Config.ofSize(5));
    return c.timeout("n3").deliverAll().heartbeat("n3").deliverAll();
  }

  static ScriptedCluster replicationBatches5() {
    ScriptedCluster c = new ScriptedCluster(Config.ofSize(5).withMaxBatch(2));
    c.timeout("n1").deliverAll();
    c.propose("n1", "a").propose("n1", "b").propose("n1", "c");
    c.drop(appendTo("n4")).deliverAll();
    c.propose("n1", "d").deliverAll();
    return c.heartbeat("n1").deliverAll().heartbeat("n1").deliverAll();
  }

  static ScriptedCluster electionWithoutPreVote() {
    ScriptedCluster c = new ScriptedCluster(Config.ofSize(3).withPreVote(false));
    c.timeout("n2").deliverAll().propose("n2", "v").deliverAll();
    return c.heartbeat("n2").deliverAll();
  }

  /** Four servers, two candidates in term 1, two votes each: nobody wins; n1 wins term 2. */
  static ScriptedCluster splitVote() {
    ScriptedCluster c = new ScriptedCluster(Config.ofSize(4).withPreVote(false).withCheckQuorum(false));
    c.timeout("n1").timeout("n2");
    c.deliver(between("n1", "n3")).deliver(between("n2", "n4"));
    c.deliverAll();
    c.timeout("n1").deliverAll();
    return c.heartbeat("n1").deliverAll();
  }

  /** The leader is cut off; the majority elects a new leader; the old one steps down and is repaired. */
  static ScriptedCluster leaderIsolated() {
    ScriptedCluster c = new ScriptedCluster(Config.ofSize(3));
    c.timeout("n1").deliverAll().propose("n1", "a").deliverAll();
    c.isolate("n1").propose("n1", "lost").deliverAll();
    campaign(c, "n2", "n3");
    c.timeout("n1").timeout("n1");
    c.heal();
    c.propose("n2", "b").deliverAll();
    return c.heartbeat("n2").deliverAll();
  }

  static ScriptedCluster restartFollower() {
    ScriptedCluster c = new ScriptedCluster(Config.ofSize(3));
    c.timeout("n1").deliverAll().propose("n1", "a");
    c.restart("n3").deliverAll();
    return c.propose("n1", "b").deliverAll().heartbeat("n1").deliverAll();
  }

  /**
   * Asynchronous persistence (FORMAT.md 5.4): the leader's AppendEntries leave before its own write
   * is durable, and followers acknowledge only after theirs; n3 crashes with an append not yet
   * persisted, restarts without it (it never acknowledged it) and catches up.
   */
  static ScriptedCluster asyncPersistence() {
    return asyncPersistence(new ScriptedCluster(Config.ofSize(3)).async());
  }

  static ScriptedCluster asyncPersistence(ScriptedCluster c) {
    c.timeout("n1").settle();
    c.propose("n1", "a").deliver(to("n2")).deliver(to("n3"));
    c.persist("n2").crashLosingPending("n3");
    return c.settle().propose("n1", "b").settle().heartbeat("n1").settle();
  }

  static ScriptedCluster restartLeader() {
    ScriptedCluster c = new ScriptedCluster(Config.ofSize(3));
    c.timeout("n1").deliverAll().propose("n1", "a").deliverAll();
    c.restart("n1");
    campaign(c, "n3", "n2");
    return c.propose("n3", "b").deliverAll().heartbeat("n3").deliverAll();
  }

  /** The old leader's uncommitted entries conflict with the new leader's and are overwritten (§5.3). */
  static ScriptedCluster logConflictRepair() {
    ScriptedCluster c = new ScriptedCluster(Config.ofSize(3));
    c.timeout("n1").deliverAll();
    c.isolate("n1").propose("n1", "a").propose("n1", "b").deliverAll();
    campaign(c, "n2", "n3");
    c.propose("n2", "c").deliverAll();
    c.timeout("n1").timeout("n1").heal();
    return c.heartbeat("n2").deliverAll().heartbeat("n2").deliverAll();
  }

  /** The network delivers vote responses and an AppendEntries twice (the header allows it). */
  static ScriptedCluster duplicates() {
    ScriptedCluster c = new ScriptedCluster(Config.ofSize(3));
    c.timeout("n1");
    c.duplicate(to("n2")).deliverAll();
    c.propose("n1", "a");
    c.duplicate(appendTo("n3")).duplicate(appendTo("n2")).deliverAll();
    return c.heartbeat("n1").duplicate(appendTo("n3")).deliverAll();
  }

  /** A cut-off server's pre-votes fail without raising its term; after healing it follows quietly. */
  static ScriptedCluster preVoteMinority5() {
    ScriptedCluster c = new ScriptedCluster(Config.ofSize(5));
    c.timeout("n1").deliverAll().propose("n1", "a").deliverAll();
    c.isolate("n5").timeout("n5").deliverAll().timeout("n5").deliverAll();
    c.heal().heartbeat("n1").deliverAll();
    return c.propose("n1", "b").deliverAll().heartbeat("n1").deliverAll();
  }

  /**
   * A follower misses three entries that the leader and the other follower then compact; it
   * catches up by InstallSnapshot (thesis §5.1) and AppendEntries after it, and restarts from the
   * snapshot it installed.
   */
  static ScriptedCluster snapshotInstall() {
    return snapshotInstall(new ScriptedCluster(Config.ofSize(3)));
  }

  static ScriptedCluster snapshotInstall(ScriptedCluster c) {
    c.timeout("n1").deliverAll();
    c.isolate("n3");
    for (int i = 1; i <= 3; i++) {
      c.propose("n1", "v" + i).deliverAll();
    }
    c.heartbeat("n1").deliverAll();
    c.snapshot("n1").snapshot("n2");
    c.propose("n1", "v4").deliverAll();
    c.heal();
    c.heartbeat("n1").deliverAll().heartbeat("n1").deliverAll();
    return c.restart("n3").heartbeat("n1").deliverAll();
  }

  /** A follower misses five entries and catches up in batches of two using the conflict hints. */
  static ScriptedCluster laggingFollower() {
    ScriptedCluster c = new ScriptedCluster(Config.ofSize(3).withMaxBatch(2));
    c.timeout("n1").deliverAll();
    c.isolate("n3");
    for (int i = 1; i <= 5; i++) {
      c.propose("n1", "v" + i).deliverAll();
    }
    c.heal();
    return c.heartbeat("n1").deliverAll().heartbeat("n1").deliverAll();
  }

  /** A leader steps down when it hears from no quorum within an election timeout (check-quorum). */
  static ScriptedCluster checkQuorumStepDown() {
    ScriptedCluster c = new ScriptedCluster(Config.ofSize(3));
    c.timeout("n2").deliverAll();
    c.isolate("n2").timeout("n2").timeout("n2");
    campaign(c, "n1", "n3");
    c.heal();
    return c.heartbeat("n1").deliverAll();
  }
}
