package io.refraft.spec.explore;

import io.refraft.spec.DurableState;
import io.refraft.spec.Input;
import io.refraft.spec.Log;
import io.refraft.spec.Message;
import io.refraft.spec.NodeState;
import io.refraft.spec.Output;
import io.refraft.spec.Raft;
import io.refraft.spec.Role;
import io.refraft.spec.Sync;
import io.refraft.spec.Transition;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * The bodies of the {@link Mutant}s about persistence and about stale or reordered messages: each
 * wraps {@link Raft#stepAsync}, altering its input or its result.
 */
final class DurabilityMutations {
  private DurabilityMutations() {}

  /** Sends the held messages {@code which} selects at once, as if they were durable already. */
  static Transition sendEarly(NodeState s, Input in, Predicate<Message> which) {
    Transition t = Raft.stepAsync(s, in);
    NodeState n = t.next();
    List<Sync.Held> keep = new ArrayList<>();
    List<Output> outputs = new ArrayList<>(t.outputs());
    for (Sync.Held h : n.sync().held()) {
      if (which.test(h.message())) {
        outputs.add(new Output.Send(h.message()));
      } else {
        keep.add(h);
      }
    }
    if (keep.size() == n.sync().held().size()) {
      return t;
    }
    Sync sync = n.sync();
    return new Transition(n.withSync(new Sync(sync.term(), sync.votedFor(), sync.lastIndex(), keep)), outputs,
        t.actions());
  }

  /** A leader counts its whole log toward commitment, durable or not. */
  static Transition leaderCountsItselfEarly(NodeState s, Input in) {
    Transition t = Raft.stepAsync(s, in);
    NodeState n = t.next();
    if (!(n.role() instanceof Role.Leader l)) {
      return t;
    }
    long quorumIndex = quorumIndex(n, l, n.log().lastIndex());
    if (quorumIndex <= n.commitIndex() || n.log().term(quorumIndex) != n.term()) {
      return t;
    }
    return new Transition(rebuild(n, n.term(), n.votedFor(), n.log(), quorumIndex, n.role()), t.outputs(),
        t.actions());
  }

  /** Applies every committed entry at once, durable here or not. */
  static Transition applyEarly(NodeState s, Input in) {
    Transition t = Raft.stepAsync(s, in);
    NodeState n = t.next();
    if (in instanceof Input.Restart || n.commitIndex() <= s.commitIndex()) {
      return t;
    }
    List<Output> outputs = new ArrayList<>();
    for (Output o : t.outputs()) {
      if (!(o instanceof Output.Apply)) {
        outputs.add(o);
      }
    }
    long applied = Math.min(s.commitIndex(), s.sync().lastIndex());
    if (n.commitIndex() > applied) {
      outputs.add(new Output.Apply(applied + 1, n.log().slice(applied + 1, n.commitIndex() + 1)));
    }
    return new Transition(n, outputs, t.actions());
  }

  /** Restarts with {@code recovered} altered. */
  static Transition restartWith(NodeState s, Input in, java.util.function.UnaryOperator<DurableState> alter) {
    if (in instanceof Input.Restart(DurableState d)) {
      return Raft.stepAsync(s, new Input.Restart(alter.apply(d)));
    }
    return Raft.stepAsync(s, in);
  }

  /** A leader takes an acknowledgement's matchIndex as is, even when a later one already raised it. */
  static Transition matchIndexRegress(NodeState s, Input in) {
    Transition t = Raft.stepAsync(s, in);
    if (!(in instanceof Input.MessageReceived(Message.AppendEntriesResponse r)) || !r.success()
        || r.term() != s.term() || !(t.next().role() instanceof Role.Leader l) || t.next().term() != s.term()) {
      return t;
    }
    Role.Progress p = l.progressOf(r.from());
    if (r.matchIndex() >= p.match()) {
      return t;
    }
    var progress = new java.util.HashMap<>(l.progress());
    progress.put(r.from(), new Role.Progress(p.next(), r.matchIndex()));
    NodeState n = t.next();
    return new Transition(rebuild(n, n.term(), n.votedFor(), n.log(), n.commitIndex(),
        l.withProgress(progress)), t.outputs(), t.actions());
  }

  /** A leader or candidate treats a response of a higher term as one of its own term. */
  static Transition ignoreHigherTermInResponse(NodeState s, Input in) {
    if (!(s.role() instanceof Role.Leader || s.role() instanceof Role.Candidate)
        || !(in instanceof Input.MessageReceived(Message m)) || m.term() <= s.term()) {
      return Raft.stepAsync(s, in);
    }
    Message same = switch (m) {
      case Message.AppendEntriesResponse r -> new Message.AppendEntriesResponse(r.from(), r.to(), s.term(), r.success(),
          r.matchIndex(), r.conflictIndex(), r.conflictTerm(), r.round());
      case Message.RequestVoteResponse r -> r.preVote() ? r
          : new Message.RequestVoteResponse(r.from(), r.to(), s.term(), r.voteGranted(), false);
      case Message.InstallSnapshotResponse r -> new Message.InstallSnapshotResponse(r.from(), r.to(), s.term(),
          r.matchIndex());
      case Message.AppendEntriesRequest r -> r;
      case Message.RequestVoteRequest r -> r;
      case Message.InstallSnapshotRequest r -> r;
      case Message.TimeoutNow r -> r;
    };
    return Raft.stepAsync(s, new Input.MessageReceived(same));
  }

  /** A candidate counts a vote granted in an earlier term as one for its current term. */
  static Transition countStaleVotes(NodeState s, Input in) {
    if (s.role() instanceof Role.Candidate && in instanceof Input.MessageReceived(Message.RequestVoteResponse r)
        && !r.preVote() && r.voteGranted() && r.term() < s.term()) {
      return Raft.stepAsync(s, new Input.MessageReceived(
          new Message.RequestVoteResponse(r.from(), r.to(), s.term(), true, false)));
    }
    return Raft.stepAsync(s, in);
  }

  /**
   * A follower that accepts an AppendEntries replaces everything after prevLogIndex with the
   * request's entries, even where they match: a delayed, shorter request truncates entries a later
   * one appended (and that were acknowledged).
   */
  static Transition truncateWithoutConflict(NodeState s, Input in) {
    Transition t = Raft.stepAsync(s, in);
    if (!(in instanceof Input.MessageReceived(Message.AppendEntriesRequest r)) || r.term() < s.term()
        || t.next().isLeader()) {
      return t;
    }
    NodeState n = t.next();
    long end = r.prevLogIndex() + r.entries().size();
    if (!n.log().matches(r.prevLogIndex(), r.prevLogTerm()) || n.log().lastIndex() <= end) {
      return t;
    }
    Log cut = n.log().truncateAfter(end);
    long commit = Math.min(n.commitIndex(), end);
    List<Output> outputs = new ArrayList<>();
    for (Output o : t.outputs()) {
      if (o instanceof Output.LogSuffix) {
        continue;
      }
      outputs.add(o);
    }
    long from = s.log().firstDifference(cut);
    List<Output> withSuffix = new ArrayList<>();
    if (from <= Math.max(s.log().lastIndex(), cut.lastIndex())) {
      withSuffix.add(new Output.LogSuffix(from, cut.slice(from, cut.lastIndex() + 1)));
    }
    withSuffix.addAll(outputs);
    return new Transition(rebuild(n, n.term(), n.votedFor(), cut, commit, n.role()), withSuffix, t.actions());
  }

  /**
   * A leader serves a read as soon as a quorum confirmed its round, without first committing an
   * entry of its own term: its commitIndex may still be below what an earlier leader committed.
   */
  static Transition readBeforeTermCommit(NodeState s, Input in) {
    Transition t = Raft.stepAsync(s, in);
    NodeState n = t.next();
    if (!(n.role() instanceof Role.Leader l) || l.reads().pending().isEmpty() || n.commitIndex() == 0
        || n.log().term(n.commitIndex()) == n.term()) {
      return t;
    }
    long confirmed = confirmedRound(n, l);
    List<Output> outputs = new ArrayList<>(t.outputs());
    List<Role.PendingRead> waiting = new ArrayList<>();
    for (Role.PendingRead p : l.reads().pending()) {
      if (p.round() <= confirmed) {
        outputs.add(new Output.ReadReady(p.requestId(), n.commitIndex()));
      } else {
        waiting.add(p);
      }
    }
    if (waiting.size() == l.reads().pending().size()) {
      return t;
    }
    Role.Reads r = l.reads();
    Role.Leader served = l.withReads(new Role.Reads(r.round(), r.acked(), waiting));
    return new Transition(rebuild(n, n.term(), n.votedFor(), n.log(), n.commitIndex(), served), outputs, t.actions());
  }

  /** The highest index a quorum holds, the leader counting itself up to {@code selfMatch}. */
  static long quorumIndex(NodeState n, Role.Leader l, long selfMatch) {
    long[] match = new long[n.config().members().size()];
    int i = 0;
    for (var id : n.config().members()) {
      match[i++] = id.equals(n.self()) ? selfMatch : l.progressOf(id).match();
    }
    Arrays.sort(match);
    return match[match.length - n.config().quorum()];
  }

  private static long confirmedRound(NodeState s, Role.Leader l) {
    long[] acked = new long[s.config().members().size()];
    int i = 0;
    for (var m : s.config().members()) {
      acked[i++] = m.equals(s.self()) ? l.reads().round() : l.reads().acked().getOrDefault(m, 0L);
    }
    Arrays.sort(acked);
    return acked[acked.length - s.config().quorum()];
  }

  /** {@code n} with its fields replaced, keeping what storage confirmed as far as the new state still has it. */
  static NodeState rebuild(NodeState n, long term, Optional<io.refraft.spec.NodeId> vote, Log log, long commit,
      Role role) {
    Sync s = n.sync();
    long synced = Math.min(s.lastIndex(), n.log().firstDifference(log) - 1);
    Sync sync = s.term() > term ? new Sync(term, vote, synced, s.held()) : new Sync(s.term(), s.votedFor(), synced,
        s.held());
    return new NodeState(n.self(), n.config(), term, vote, log, commit, role, sync);
  }

  /** {@code d} without its last entry. */
  static DurableState withoutLastEntry(DurableState d) {
    if (d.log().isEmpty()) {
      return d;
    }
    return new DurableState(d.term(), d.votedFor(), d.log().truncateAfter(d.log().lastIndex() - 1));
  }

  /** {@code d} with the term of its last entry and no vote: the term and vote were not written. */
  static DurableState withoutTerm(DurableState d) {
    return new DurableState(d.log().lastTerm(), Optional.empty(), d.log());
  }
}
