package io.refraft.verification.trace;

import static io.refraft.verification.trace.CorpusScenarios.appendTo;
import static io.refraft.verification.trace.CorpusScenarios.isA;
import static io.refraft.verification.trace.ScriptedCluster.between;
import static io.refraft.verification.trace.ScriptedCluster.to;

import io.refraft.spec.Config;
import io.refraft.spec.Message;
import io.refraft.spec.NodeId;
import io.refraft.traces.MessageId;
import io.refraft.traces.Persisted;
import io.refraft.traces.TraceHeader;
import io.refraft.traces.TraceInput;
import io.refraft.traces.TraceStep;
import io.refraft.traces.TracedMessage;
import io.refraft.verification.trace.Divergence.Kind;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * Generates traces/corpus: valid traces from scripted spec runs and invalid ones, each a realistic
 * implementation bug injected into one step, with a sidecar {@code .expected} naming the line where
 * the bug shows and the kind of divergence. The expectations come from where the bug was injected,
 * never from the validator. Model-checker counterexamples of the spec's mutants are added by
 * {@link MutantTraces}.
 *
 * <p>Rewrite the corpus (from the repository root; the script builds what it needs):
 * <pre>
 * bin/refraft-tool corpus-generator traces/corpus
 * </pre>
 * {@code TraceCorpusTest} fails when the files on disk differ from what this generates.
 */
public final class CorpusGenerator {
  private CorpusGenerator() {}

  /** One corpus file: its name (without extension), its text, and for an invalid one what to expect. */
  record Case(String name, String text, Optional<Expected> expected) {}

  /** The first divergent line, its kind, and the bug in words. */
  record Expected(long line, Kind kind, String bug) {
    String sidecar() {
      return "line=" + line + "\nkind=" + kind.name().toLowerCase(Locale.ROOT) + "\nbug=" + bug + "\n";
    }

    static Expected parse(String text) {
      long line = -1;
      Kind kind = null;
      String bug = "";
      for (String l : text.split("\n")) {
        int eq = l.indexOf('=');
        if (eq < 0) {
          continue;
        }
        String k = l.substring(0, eq);
        String v = l.substring(eq + 1);
        switch (k) {
          case "line" -> line = Long.parseLong(v);
          case "kind" -> kind = Kind.valueOf(v.toUpperCase(Locale.ROOT));
          case "bug" -> bug = v;
          default -> throw new IllegalArgumentException("unknown key " + k);
        }
      }
      return new Expected(line, kind, bug);
    }
  }

  public static void main(String[] args) throws IOException {
    if (args.length != 1) {
      System.err.println("usage: CorpusGenerator CORPUS_DIR   (e.g. traces/corpus)");
      System.exit(2);
    }
    Path root = Path.of(args[0]);
    for (String sub : List.of("valid", "invalid")) {
      Path dir = root.resolve(sub);
      Files.createDirectories(dir);
      try (var files = Files.list(dir)) {
        for (Path f : files.toList()) {
          // real-*.ndjson come from real runs (RunMerger), sim-*.ndjson from simulations (SimRunExport),
          // not from this generator: kept.
          String name = f.getFileName().toString();
          boolean real = name.startsWith("real-") || name.startsWith("sim-");
          if (!real && (f.toString().endsWith(".ndjson") || f.toString().endsWith(".expected"))) {
            Files.delete(f);
          }
        }
      }
    }
    int n = 0;
    for (Supplier<List<Case>> group : List.<Supplier<List<Case>>>of(CorpusGenerator::valid, CorpusGenerator::invalid,
        MutantTraces::cases)) {
      for (Case c : group.get()) {
        write(root, c);
        n++;
      }
    }
    System.out.println("wrote " + n + " traces under " + root);
  }

  private static void write(Path root, Case c) throws IOException {
    {
      Path dir = root.resolve(c.expected().isPresent() ? "invalid" : "valid");
      Files.writeString(dir.resolve(c.name() + ".ndjson"), c.text(), StandardCharsets.UTF_8);
      if (c.expected().isPresent()) {
        Files.writeString(dir.resolve(c.name() + ".expected"), c.expected().get().sidecar(), StandardCharsets.UTF_8);
      }
    }
  }

  static List<Case> all() {
    List<Case> out = new ArrayList<>(valid());
    out.addAll(invalid());
    out.addAll(MutantTraces.cases());
    return out;
  }

  static List<Case> valid() {
    List<Case> out = new ArrayList<>();
    out.add(valid("election-and-replication-3", CorpusScenarios.electionAndReplication(),
        "3 nodes: pre-vote, election, no-op, one proposal, commit spread by a heartbeat (the FORMAT.md example)"));
    out.add(valid("election-5", CorpusScenarios.election5(), "5 nodes: one election and a heartbeat"));
    out.add(valid("replication-batches-5", CorpusScenarios.replicationBatches5(),
        "5 nodes, maxBatch 2: proposals, a lost AppendEntries, resends in batches"));
    out.add(valid("election-without-prevote", CorpusScenarios.electionWithoutPreVote(),
        "3 nodes without pre-vote: election, proposal, commit"));
    out.add(valid("split-vote-4", CorpusScenarios.splitVote(),
        "4 nodes without pre-vote or check-quorum: a split vote in term 1, n1 wins term 2"));
    out.add(valid("leader-isolated", CorpusScenarios.leaderIsolated(),
        "the leader is partitioned away, a new leader is elected, the old one steps down and is repaired"));
    out.add(valid("restart-follower", CorpusScenarios.restartFollower(),
        "a follower restarts during replication and catches up"));
    out.add(valid("restart-leader", CorpusScenarios.restartLeader(),
        "the leader restarts as a follower; a new leader is elected"));
    out.add(valid("log-conflict-repair", CorpusScenarios.logConflictRepair(),
        "an isolated leader's uncommitted entries are overwritten by the next leader's (§5.3)"));
    ScriptedCluster dup = CorpusScenarios.duplicates();
    out.add(new Case("duplicates", dup.text(dup.header(true, "the network delivers some messages twice")),
        Optional.empty()));
    out.add(valid("prevote-minority-5", CorpusScenarios.preVoteMinority5(),
        "5 nodes: a cut-off server's pre-votes fail without raising its term"));
    out.add(valid("lagging-follower-batches", CorpusScenarios.laggingFollower(),
        "a follower misses five entries and catches up in batches of two with conflict hints"));
    out.add(valid("check-quorum-step-down", CorpusScenarios.checkQuorumStepDown(),
        "a cut-off leader steps down after an election timeout without hearing from a quorum"));
    out.add(valid("snapshot-install-3", CorpusScenarios.snapshotInstall(),
        "3 nodes: leader and one follower compact; the follower that missed the entries catches up by InstallSnapshot "
        + "and restarts from the snapshot"));
    out.add(valid("read-index-3", CorpusScenarios.readIndex(),
        "3 nodes: a ReadIndex read at the leader served after a round of heartbeats; a read at a follower rejected"));
    out.add(valid("crash-loses-unobserved-steps", LostStepScenarios.followerLosesAppends(3,
        TraceValidator.DEFAULT_LOST_STEPS).cluster(), "a follower is killed before its acknowledgements of three "
        + "appends leave and restarts without them: three steps lost, nothing observed them (FORMAT.md 5.4)"));
    out.add(valid("crash-tears-an-append", LostStepScenarios.tornAppend(false).cluster(), "a follower gets three "
        + "entries in one AppendEntries and is killed with only the first on disk, before its acknowledgement "
        + "leaves: one step lost, its write torn (FORMAT.md 5.4)"));
    out.add(valid("async-persistence-3", CorpusScenarios.asyncPersistence(), "3 nodes, asynchronous persistence: "
        + "the leader sends before its write is durable, followers acknowledge after Persisted; a follower crashes "
        + "before persisting an append and restarts without it (FORMAT.md 5.4)"));
    out.add(valid("membership-learner-promoted-voter-removed", MembershipScenarios.learnerPromotedVoterRemoved(),
        "3 nodes and n4 joining (FORMAT.md revision 6): n4 added as a learner catches up, is promoted to voter, "
        + "then n3 is removed; the leader replicates to n3 until the entry that removes it is committed; n1 and n4 "
        + "compact, n4 restarts from a snapshot holding the configuration"));
    out.add(valid("leadership-transfer-3", MembershipScenarios.leadershipTransfer(),
        "3 nodes: n1 hands leadership to n3, which missed an entry: n1 catches it up, sends TimeoutNow, n3 campaigns "
        + "at once and n2 grants the transfer's vote within the leader's lease (thesis 3.10)"));
    out.add(foreignStyle());
    out.add(coarseSteps());
    return out;
  }

  private static Case valid(String name, ScriptedCluster c, String description) {
    return new Case(name, c.text(c.header(false, description)), Optional.empty());
  }

  /**
   * As another implementation might write it: no actions, durability implicit (each post-state is
   * durable before the step's sends), no leader field.
   */
  private static Case foreignStyle() {
    ScriptedCluster c = CorpusScenarios.electionAndReplication();
    TraceHeader h = new TraceHeader(TraceHeader.VERSION, c.config, Optional.empty(),
        TraceHeader.NetworkModel.NO_DUPLICATES, TraceHeader.Persistence.implicit,
        new TraceHeader.Source("foreign-style", "the election-and-replication run without actions, leader or persisted"));
    return new Case("foreign-style-implicit-persistence", text(h, c, s -> new TraceStep(s.node(), s.seq(),
        s.time(), s.input(), Optional.empty(), new io.refraft.traces.StateSummary(s.state().term(), s.state().vote(),
        s.state().role(), s.state().commitIndex(), s.state().lastLogIndex(), s.state().lastLogTerm(), Optional.empty(),
        false), Optional.empty(), s.sent(), s.reads())), Optional.empty());
  }

  /**
   * An eager implementation traced against a lazy configuration: the header says eagerSend=false,
   * so each step that sends right away is a composition (the input, then a send timeout).
   */
  private static Case coarseSteps() {
    ScriptedCluster c = CorpusScenarios.electionAndReplication();
    Config lazy = c.config.withEagerSend(false);
    TraceHeader h = TraceHeader.of(lazy, TraceHeader.NetworkModel.NO_DUPLICATES, TraceHeader.Persistence.explicit,
        new TraceHeader.Source("refraft-spec", "eager sends traced against eagerSend=false: steps are compositions"));
    return new Case("coarse-steps-compositions", text(h, c, s -> new TraceStep(s.node(), s.seq(), s.time(), s.input(),
        Optional.empty(), s.state(), s.persisted(), s.sent(), s.reads())), Optional.empty());
  }

  private static String text(TraceHeader h, ScriptedCluster c, UnaryOperator<TraceStep> f) {
    java.io.StringWriter sw = new java.io.StringWriter();
    try (io.refraft.traces.TraceWriter w = new io.refraft.traces.TraceWriter(sw)) {
      w.header(h);
      for (TraceStep s : c.steps()) {
        w.step(f.apply(s));
      }
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return sw.toString();
  }

  /** Bugs in one node's handling of its inputs. */
  static List<Case> invalid() {
    List<Case> out = new ArrayList<>();
    out.add(bug("votes-twice", Kind.STATE, "a follower grants a second candidate's vote request in the same term",
        () -> {
          ScriptedCluster c = new ScriptedCluster(Config.ofSize(4).withPreVote(false).withCheckQuorum(false));
          c.timeout("n1").timeout("n2").deliver(between("n1", "n3")).bug(Bugs.votesTwice());
          return c.deliverAll();
        }));
    out.add(bug("commits-without-quorum", Kind.STATE, "a leader commits a proposal before any follower has it",
        () -> CorpusScenarios.electionAndReplication(new ScriptedCluster(Config.ofSize(3))
            .bug(Bugs.commitsWithoutQuorum()))));
    out.add(bug("accepts-mismatching-prevlogterm", Kind.STATE,
        "a follower appends after an entry whose term differs from prevLogTerm, and acknowledges",
        () -> buggyRepair(Bugs.ignoresPrevLogTerm())));
    out.add(bug("sends-vote-before-persisting", Kind.PERSISTED,
        "a follower sends its vote before making the vote durable", () -> {
          ScriptedCluster c = new ScriptedCluster(Config.ofSize(3));
          c.edit(s -> s.persisted().flatMap(Persisted::hardState).filter(h -> h.votedFor().isPresent()).isPresent()
              && !s.node().equals(NodeId.of("n1")) ? withPersisted(s, new Persisted(Optional.empty(),
              s.persisted().get().log())) : null);
          return CorpusScenarios.electionAndReplication(c);
        }));
    out.add(bug("acks-before-persisting-entries", Kind.PERSISTED,
        "a follower acknowledges entries it has not made durable", () -> {
          ScriptedCluster c = new ScriptedCluster(Config.ofSize(3));
          c.edit(s -> s.input() instanceof TraceInput.MessageReceived
              && s.persisted().flatMap(Persisted::log).isPresent()
              ? withPersisted(s, new Persisted(s.persisted().get().hardState(), Optional.empty())) : null);
          return CorpusScenarios.electionAndReplication(c);
        }));
    out.add(bug("loses-term-on-restart", Kind.STATE, "a restart recovers a stale term and no vote",
        CorpusGenerator::restartAfterVote, Bugs.losesTermOnRestart()));
    out.add(bug("forgets-vote-on-restart", Kind.STATE, "a restart forgets votedFor",
        CorpusGenerator::restartAfterVote, Bugs.forgetsVoteOnRestart()));
    out.add(bug("replies-with-old-term", Kind.SENT,
        "a follower that moved to a higher term answers AppendEntries with its old term",
        () -> buggyRepair(Bugs.repliesWithOldTerm())));
    LostStepScenarios.Scenario acked = LostStepScenarios.lostAppendWasAcknowledged();
    String what = "a restart loses an append whose acknowledgement the leader had received";
    out.add(new Case("crash-loses-observed-step", acked.cluster().text(acked.cluster().header(false, "invalid: " + what)),
        acked.divergence().map(d -> new Expected(d.line(), d.kind(), what))));
    LostStepScenarios.Scenario torn = LostStepScenarios.tornAppend(true);
    String tornWhat = "a restart keeps one of three entries whose acknowledgement the leader had received";
    out.add(new Case("crash-tears-an-observed-append", torn.cluster().text(torn.cluster().header(false,
        "invalid: " + tornWhat)), torn.divergence().map(d -> new Expected(d.line(), d.kind(), tornWhat))));
    out.addAll(invalidAcrossNodes());
    out.addAll(invalidAsync());
    out.addAll(invalidMembership());
    return out;
  }

  /** A leader that skips one of the checks before a configuration change or a transfer (thesis chapter 4, 3.10). */
  static List<Case> invalidMembership() {
    List<Case> out = new ArrayList<>();
    out.add(bug("change-before-term-committed", Kind.STATE, "a new leader appends a configuration before it has "
        + "committed an entry of its term (a former leader's uncommitted change may still commit: raft-dev, 2015)",
        MembershipScenarios::changeBeforeTermCommitted));
    out.add(bug("second-change-while-pending", Kind.STATE, "a leader appends a second configuration while the first "
        + "is not committed (one change at a time, thesis 4.1)", MembershipScenarios::secondChangeWhilePending));
    out.add(bug("transfer-while-change-pending", Kind.SENT, "a leader starts a leadership transfer and sends "
        + "TimeoutNow while a configuration entry is not committed", MembershipScenarios::transferWhileChangePending));
    return out;
  }

  /** Bugs in asynchronous persistence (FORMAT.md 5.4): replies before Persisted, storage that lies or loses. */
  static List<Case> invalidAsync() {
    List<Case> out = new ArrayList<>();
    out.add(bug("async-acks-before-persisted", Kind.SENT,
        "a follower acknowledges an append before storage reports it durable (no Persisted step covers it)",
        () -> {
          ScriptedCluster c = new ScriptedCluster(Config.ofSize(3)).async();
          c.timeout("n1").settle().propose("n1", "a");
          c.bug(io.refraft.spec.Raft::step).deliver(to("n2"));
          return c.settle();
        }));
    out.add(bug("async-persisted-never-written", Kind.PERSISTED,
        "storage reports an entry durable that the node never wrote", () -> {
          ScriptedCluster c = new ScriptedCluster(Config.ofSize(3)).async();
          c.edit(s -> s.input() instanceof TraceInput.Persisted p && p.lastIndex() > 0
              ? withInput(s, new TraceInput.Persisted(p.term(), p.vote(), p.lastIndex() + 1, p.lastTerm())) : null);
          return CorpusScenarios.asyncPersistence(c);
        }));
    out.add(bug("async-restart-loses-persisted", Kind.STATE,
        "a restart recovers the log without an entry storage had reported durable (and the node had acknowledged)",
        () -> {
          ScriptedCluster c = new ScriptedCluster(Config.ofSize(3)).async();
          c.timeout("n1").settle().propose("n1", "a").settle();
          io.refraft.spec.DurableState d = c.node("n2").durable();
          c.restartFrom("n2", new io.refraft.spec.DurableState(d.term(), d.votedFor(), d.log().truncateAfter(
              d.log().lastIndex() - 1)));
          return c.settle();
        }));
    return out;
  }

  /** Bugs that show in messages between nodes or in what the trace reports, and a few more in one node. */
  private static List<Case> invalidAcrossNodes() {
    List<Case> out = new ArrayList<>();
    out.add(bug("receives-message-never-sent", Kind.UNSENT_MESSAGE, "a follower handles an AppendEntries nobody sent",
        () -> {
          ScriptedCluster c = CorpusScenarios.electionAndReplication();
          NodeId n1 = NodeId.of("n1");
          NodeId n2 = NodeId.of("n2");
          Message forged = new Message.AppendEntriesRequest(n1, n2, c.node("n1").term(),
              c.node("n2").log().lastIndex(), c.node("n2").log().lastTerm(), List.of(), c.node("n2").commitIndex());
          return c.receiveForged(forged, new MessageId(n1, n2, 999));
        }));
    out.add(bug("truncates-committed-entries", Kind.STATE,
        "a follower truncates after prevLogIndex on a delayed AppendEntries, deleting committed entries", () -> {
          ScriptedCluster c = new ScriptedCluster(Config.ofSize(3));
          c.timeout("n1").deliverAll().propose("n1", "a");
          c.duplicate(appendTo("n3")).deliver(appendTo("n2")).deliver(appendTo("n3"));
          c.propose("n1", "b").deliver(appendTo("n2"))
              .deliver(appendTo("n3").and(m -> ((Message.AppendEntriesRequest) m).prevLogIndex() == 2));
          c.deliver(isA(Message.AppendEntriesResponse.class)).deliver(isA(Message.AppendEntriesResponse.class));
          return c.bug(Bugs.truncatesOnStaleAppend()).deliverAll();
        }, true));
    out.add(bug("duplicate-delivery", Kind.DUPLICATE_DELIVERY,
        "a message is handled twice although the header says the network does not duplicate", () -> {
          ScriptedCluster c = new ScriptedCluster(Config.ofSize(3));
          c.timeout("n1").deliverAll().propose("n1", "a");
          c.duplicate(appendTo("n2")).deliver(appendTo("n2")).deliver(appendTo("n3"));
          c.deliver(isA(Message.AppendEntriesResponse.class)).deliver(isA(Message.AppendEntriesResponse.class));
          c.markBug();
          return c.deliverAll();
        }));
    out.add(bug("altered-in-transit", Kind.ALTERED_MESSAGE,
        "a received AppendEntries carries a leaderCommit other than the one sent", () -> {
          ScriptedCluster c = new ScriptedCluster(Config.ofSize(3));
          c.timeout("n1").deliverAll().propose("n1", "a").deliverAll();
          c.edit(s -> s.input() instanceof TraceInput.MessageReceived(TracedMessage tm)
              && tm.message() instanceof Message.AppendEntriesRequest r && r.leaderCommit() > 0
              ? withInput(s, new TraceInput.MessageReceived(new TracedMessage(tm.id(), new Message.AppendEntriesRequest(
                  r.from(), r.to(), r.term(), r.prevLogIndex(), r.prevLogTerm(), r.entries(), r.leaderCommit() - 1))))
              : null);
          return c.heartbeat("n1").deliverAll();
        }));
    out.add(bug("reuses-message-id", Kind.REUSED_MESSAGE_ID, "a leader numbers two messages alike", () -> {
      ScriptedCluster c = new ScriptedCluster(Config.ofSize(3));
      c.timeout("n1").deliverAll();
      c.edit(s -> s.input() instanceof TraceInput.ClientPropose && s.sent().size() == 2
          ? withSent(s, List.of(new TracedMessage(new MessageId(s.node(), s.sent().get(0).message().to(), 1),
              s.sent().get(0).message()), s.sent().get(1)))
          : null);
      return c.propose("n1", "a").deliverAll();
    }));
    out.add(bug("keeps-old-term-on-append", Kind.STATE,
        "a follower accepts AppendEntries of a higher term without adopting the term",
        () -> buggyRepair(Bugs.keepsOldTermOnAppend())));
    out.add(bug("leader-overwrites-entry", Kind.STATE, "a leader overwrites its last uncommitted entry with a proposal",
        () -> {
          ScriptedCluster c = new ScriptedCluster(Config.ofSize(3));
          c.timeout("n1").deliverAll().isolate("n1").propose("n1", "a");
          return c.bug(Bugs.leaderOverwrites()).propose("n1", "b");
        }));
    out.add(bug("commits-past-leader-commit", Kind.STATE,
        "a follower commits up to its last new entry, beyond the leader's commit index", () -> {
          ScriptedCluster c = new ScriptedCluster(Config.ofSize(3));
          c.timeout("n1").deliverAll().bug(Bugs.commitsPastLeaderCommit());
          return c.propose("n1", "a").deliverAll();
        }));
    out.add(bug("pre-vote-bumps-term", Kind.STATE, "a follower adopts the term of a pre-vote request", () -> {
      ScriptedCluster c = new ScriptedCluster(Config.ofSize(3).withCheckQuorum(false));
      c.bug(Bugs.preVoteBumpsTerm());
      return c.timeout("n2").deliverAll();
    }));
    out.add(bug("misnamed-action", Kind.ACTIONS, "a step names an action other than the one it took", () -> {
      ScriptedCluster c = new ScriptedCluster(Config.ofSize(3));
      c.timeout("n1").deliverAll();
      c.edit(s -> s.input() instanceof TraceInput.ClientPropose ? new TraceStep(s.node(), s.seq(), s.time(), s.input(),
          Optional.of(List.of(io.refraft.spec.Action.AppendEntries)), s.state(), s.persisted(), s.sent()) : null);
      return c.propose("n1", "a").deliverAll();
    }));
    out.add(bug("snapshot-wrong-digest", Kind.PERSISTED,
        "a leader writes a snapshot whose digest is not that of the entries it replaced (FORMAT.md 6.1)", () -> {
          ScriptedCluster c = new ScriptedCluster(Config.ofSize(3));
          c.edit(s -> s.input() instanceof TraceInput.TakeSnapshot && s.persisted().flatMap(Persisted::snapshot).isPresent()
              ? withPersisted(s, withDigest(s.persisted().get(), 1)) : null);
          return CorpusScenarios.snapshotInstall(c);
        }));
    out.add(bug("grants-vote-to-stale-log", Kind.STATE,
        "a voter grants its vote to a candidate whose log is behind its own (§5.4.1)", () -> {
          ScriptedCluster c = new ScriptedCluster(Config.ofSize(3).withPreVote(false).withCheckQuorum(false));
          c.timeout("n1").deliverAll().isolate("n2").propose("n1", "a").deliverAll().heal();
          return c.bug(Bugs.grantsToStaleLog()).timeout("n2").deliverAll();
        }));
    return out;
  }

  /** {@code p} with its snapshot's digest changed by {@code delta}. */
  private static Persisted withDigest(Persisted p, long delta) {
    io.refraft.spec.Snapshot s = p.snapshot().orElseThrow().snapshot();
    return new Persisted(p.hardState(), Optional.of(new io.refraft.spec.Output.SaveSnapshot(
        new io.refraft.spec.Snapshot(s.index(), s.term(), s.digest() + delta))), p.log());
  }

  /** The log-conflict-repair run with {@code bug} armed before the partition heals. */
  private static ScriptedCluster buggyRepair(java.util.function.BiFunction<io.refraft.spec.NodeState,
      io.refraft.spec.Input, io.refraft.spec.Transition> bug) {
    ScriptedCluster c = new ScriptedCluster(Config.ofSize(3));
    c.timeout("n1").deliverAll();
    c.isolate("n1").propose("n1", "a").propose("n1", "b").deliverAll();
    CorpusScenarios.campaign(c, "n2", "n3");
    c.propose("n2", "c").deliverAll();
    c.timeout("n1").timeout("n1").heal().bug(bug);
    return c.heartbeat("n2").deliverUpTo(8);
  }

  /** n1 leads term 1 and is cut off; n3 votes for n2 in term 2 and restarts before hearing more. */
  private static ScriptedCluster restartAfterVote() {
    ScriptedCluster c = new ScriptedCluster(Config.ofSize(3));
    c.timeout("n1").deliverAll().propose("n1", "a").deliverAll().isolate("n1");
    c.timeout("n2").timeout("n3");
    c.deliver(between("n2", "n3").and(isA(Message.RequestVoteRequest.class)));
    c.deliver(between("n3", "n2").and(isA(Message.RequestVoteResponse.class)));
    return c.deliver(between("n2", "n3").and(isA(Message.RequestVoteRequest.class)));
  }

  private static Case bug(String name, Kind kind, String what, Supplier<ScriptedCluster> run,
      java.util.function.BiFunction<io.refraft.spec.NodeState, io.refraft.spec.Input, io.refraft.spec.Transition> b) {
    return bug(name, kind, what, () -> {
      ScriptedCluster c = run.get().bug(b);
      return c.restart("n3").deliverAll();
    });
  }

  private static Case bug(String name, Kind kind, String what, Supplier<ScriptedCluster> run) {
    return bug(name, kind, what, run, false);
  }

  private static Case bug(String name, Kind kind, String what, Supplier<ScriptedCluster> run, boolean duplicates) {
    ScriptedCluster c = run.get();
    if (c.bugLine() < 0) {
      throw new IllegalStateException(name + ": the bug never applied");
    }
    return new Case(name, c.text(c.header(duplicates, "invalid: " + what)),
        Optional.of(new Expected(c.bugLine(), kind, what)));
  }

  private static TraceStep withPersisted(TraceStep s, Persisted p) {
    return new TraceStep(s.node(), s.seq(), s.time(), s.input(), s.actions(), s.state(), Optional.of(p), s.sent(), s.reads());
  }

  private static TraceStep withInput(TraceStep s, TraceInput in) {
    return new TraceStep(s.node(), s.seq(), s.time(), in, s.actions(), s.state(), s.persisted(), s.sent(), s.reads());
  }

  private static TraceStep withSent(TraceStep s, List<TracedMessage> sent) {
    return new TraceStep(s.node(), s.seq(), s.time(), s.input(), s.actions(), s.state(), s.persisted(), sent, s.reads());
  }
}
