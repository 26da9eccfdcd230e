package io.refraft.verification.trace;

import static io.refraft.verification.trace.CorpusScenarios.appendTo;
import static io.refraft.verification.trace.CorpusScenarios.isA;
import static io.refraft.verification.trace.ScriptedCluster.between;

import io.refraft.spec.Config;
import io.refraft.spec.Message;
import io.refraft.verification.trace.Divergence.Kind;
import java.util.List;
import java.util.Optional;

/**
 * Scripted runs where a node is killed and restarts having lost its last steps (traces/FORMAT.md
 * §5.4), with the verdict each must get: valid with so many steps rolled back, or the line and
 * kind of the first divergence. The expectations come from the script (where the crash and the
 * observation are), never from the validator.
 */
final class LostStepScenarios {
  private LostStepScenarios() {}

  /** A run, the bound on lost steps to validate it with, and its verdict. */
  record Scenario(String name, ScriptedCluster cluster, int maxLostSteps, long lostSteps,
      Optional<Expected> divergence) {
    TraceValidator.Options options() {
      return TraceValidator.Options.defaults().withMaxLostSteps(maxLostSteps);
    }
  }

  /** Where and how a scenario's trace diverges. */
  record Expected(long line, Kind kind) {}

  static List<Scenario> all() {
    return List.of(lostVote(), followerLosesAppends(3, 64), followerLosesAppends(3, 2), followerLosesAppends(3, 0),
        lostAppendWasAcknowledged(), lostStepAnsweredARead(), lostVoteReceivedAfterTheRestart(), moreThanTheBound(),
        followerLosesOneAppend(), termWrittenEntriesLost(false), termWrittenEntriesLost(true), tornAppend(false),
        tornAppend(true));
  }

  /**
   * Without pre-vote or check-quorum: n1 leads term 1 with one entry; n2 wins term 2 with n1's vote
   * alone, and its first AppendEntries brings n3 both the new term and its no-op. n3 is killed after
   * writing the term and before the entries: it recovers term 2, no vote, its old log (raft.tla's
   * UpdateTerm, then a crash). Valid, one step lost; invalid at the restart when n2 had already
   * received n3's acknowledgement ({@code acknowledged}).
   */
  static Scenario termWrittenEntriesLost(boolean acknowledged) {
    ScriptedCluster c = new ScriptedCluster(Config.ofSize(3).withPreVote(false).withCheckQuorum(false));
    c.timeout("n1").deliverAll().propose("n1", "a").deliverAll().heartbeat("n1").deliverAll();
    c.timeout("n2").drop(between("n2", "n3")).deliver(between("n2", "n1")).deliver(between("n1", "n2"));
    c.deliver(appendTo("n3"));
    if (acknowledged) {
      c.deliver(between("n3", "n2"));
    }
    long restart = c.nextLine();
    // with the acknowledged entry gone from n3, n2 (whose matchIndex never goes back) and n3 would
    // exchange rejections for ever: a few messages suffice, the verdict is at the restart
    c.crashAfterTermWrite("n3", 1).deliverAll().heartbeat("n2").deliverUpTo(acknowledged ? 6 : 10_000);
    return new Scenario("term-written-entries-lost" + (acknowledged ? "-acknowledged" : ""), c,
        TraceValidator.DEFAULT_LOST_STEPS, acknowledged ? 0 : 1,
        acknowledged ? Optional.of(new Expected(restart, Kind.STATE)) : Optional.empty());
  }

  /**
   * n3 is cut off while n1 commits three entries with n2; back, it rejects n1's heartbeat and gets
   * all three in one AppendEntries, and is killed with only the first of them on disk (a power loss
   * tearing the write). Valid, one step lost: n1 could have sent that entry alone; invalid at the
   * restart when n1 had already received n3's acknowledgement of all three ({@code acknowledged}).
   */
  static Scenario tornAppend(boolean acknowledged) {
    ScriptedCluster c = new ScriptedCluster(Config.ofSize(3));
    c.timeout("n1").deliverAll().isolate("n3");
    for (String v : List.of("a", "b", "c")) {
      c.propose("n1", v).deliverAll();
    }
    c.heal().heartbeat("n1").deliver(appendTo("n3")).deliver(between("n3", "n1")).deliver(appendTo("n3"));
    if (acknowledged) {
      c.deliver(between("n3", "n1"));
    }
    long restart = c.nextLine();
    // acknowledged, n1's matchIndex for n3 stays beyond n3's log: they would exchange rejections for
    // ever, and the verdict is at the restart
    int most = acknowledged ? 6 : 10_000;
    c.crashTearing("n3", 1, 1).deliverUpTo(most).heartbeat("n1").deliverUpTo(most);
    return new Scenario("torn-append" + (acknowledged ? "-acknowledged" : ""), c, TraceValidator.DEFAULT_LOST_STEPS,
        acknowledged ? 0 : 1, acknowledged ? Optional.of(new Expected(restart, Kind.STATE)) : Optional.empty());
  }

  /**
   * n2 campaigns (no pre-vote); n3 grants its vote (durable: term 1, vote n2) and is killed before
   * the grant leaves: it recovers term 0 without a vote. n1's vote still elects n2.
   */
  static Scenario lostVote() {
    ScriptedCluster c = new ScriptedCluster(Config.ofSize(3).withPreVote(false));
    c.timeout("n2").deliver(between("n2", "n3"));
    c.crash("n3", 1, false).deliverAll();
    c.propose("n2", "a").deliverAll().heartbeat("n2").deliverAll();
    return new Scenario("lost-vote", c, TraceValidator.DEFAULT_LOST_STEPS, 1, Optional.empty());
  }

  /**
   * n1 leads; n3 appends {@code k} proposals, one AppendEntries each, and is killed before any of
   * its acknowledgements leaves: it recovers the log without them; n2's acknowledgements commit
   * them and n3 is repaired. Valid when {@code k <= maxLostSteps}, otherwise a state divergence at
   * the restart (its lastLogIndex is not that of any restart the validator may accept).
   */
  static Scenario followerLosesAppends(int k, int maxLostSteps) {
    ScriptedCluster c = new ScriptedCluster(Config.ofSize(3));
    c.timeout("n1").deliverAll();
    for (int i = 0; i < k; i++) {
      c.propose("n1", "v" + i).deliver(appendTo("n3"));
    }
    long restart = c.nextLine();
    c.crash("n3", k, false).deliverAll().heartbeat("n1").deliverAll();
    boolean valid = k <= maxLostSteps;
    return new Scenario("follower-loses-" + k + "-appends-bound-" + maxLostSteps, c, maxLostSteps, valid ? k : 0,
        valid ? Optional.empty() : Optional.of(new Expected(restart, Kind.STATE)));
  }

  /** As {@link #followerLosesAppends} with one append lost: the valid trace of the corpus. */
  static Scenario followerLosesOneAppend() {
    Scenario s = followerLosesAppends(1, TraceValidator.DEFAULT_LOST_STEPS);
    return new Scenario("follower-loses-an-append", s.cluster(), s.maxLostSteps(), 1, Optional.empty());
  }

  /**
   * As {@link #followerLosesAppends} with 3 appends, but n1 received n3's acknowledgement of the
   * first before the crash: that step was observed, so the restart may lose only the last two, and
   * the durable state before them still holds the first entry, which the restart does not show.
   */
  static Scenario lostAppendWasAcknowledged() {
    ScriptedCluster c = new ScriptedCluster(Config.ofSize(3));
    c.timeout("n1").deliverAll();
    c.propose("n1", "a").deliver(appendTo("n3"));
    c.deliver(between("n3", "n1"));
    c.propose("n1", "b").deliver(appendTo("n3"));
    c.propose("n1", "c").deliver(appendTo("n3"));
    long restart = c.nextLine();
    c.crash("n3", 3, false).deliverAll();
    return new Scenario("lost-append-was-acknowledged", c, TraceValidator.DEFAULT_LOST_STEPS, 0,
        Optional.of(new Expected(restart, Kind.STATE)));
  }

  /**
   * Leader n1 takes read 1 (a heartbeat round), appends a proposal and then serves the read on
   * n2's answer; killed before the proposal's AppendEntries leave, it recovers the log without it.
   * Nothing but the read answer observed the two lost steps, and that is enough: the restart may
   * not lose them.
   */
  static Scenario lostStepAnsweredARead() {
    ScriptedCluster c = CorpusScenarios.electionAndReplication();
    c.read("n1", 1).deliver(between("n1", "n2"));
    c.propose("n1", "x");
    c.deliver(between("n2", "n1"));
    long restart = c.nextLine();
    c.crash("n1", 2, false);
    return new Scenario("lost-step-answered-a-read", c, TraceValidator.DEFAULT_LOST_STEPS, 0,
        Optional.of(new Expected(restart, Kind.STATE)));
  }

  /**
   * As {@link #lostVote}, but the grant the lost step sent is received after the restart: the
   * restart rolled that step back (nothing had observed it then), so the receive is of a message
   * never sent.
   */
  static Scenario lostVoteReceivedAfterTheRestart() {
    ScriptedCluster c = new ScriptedCluster(Config.ofSize(3).withPreVote(false));
    c.timeout("n2").deliver(between("n2", "n3"));
    c.crash("n3", 1, true);
    long receive = c.nextLine();
    c.deliver(between("n3", "n2").and(isA(Message.RequestVoteResponse.class))).deliverAll();
    return new Scenario("lost-vote-received-after-the-restart", c, TraceValidator.DEFAULT_LOST_STEPS, 1,
        Optional.of(new Expected(receive, Kind.UNSENT_MESSAGE)));
  }

  /** With the default bound: a follower that lost one append and then 64 heartbeats, 65 steps. */
  static Scenario moreThanTheBound() {
    ScriptedCluster c = new ScriptedCluster(Config.ofSize(3));
    c.timeout("n1").deliverAll();
    c.propose("n1", "a").deliver(appendTo("n3"));
    for (int i = 0; i < TraceValidator.DEFAULT_LOST_STEPS; i++) {
      c.heartbeat("n1").deliver(appendTo("n3"));
    }
    long restart = c.nextLine();
    c.crash("n3", TraceValidator.DEFAULT_LOST_STEPS + 1, false).deliverAll();
    return new Scenario("more-than-the-bound", c, TraceValidator.DEFAULT_LOST_STEPS, 0,
        Optional.of(new Expected(restart, Kind.STATE)));
  }
}
