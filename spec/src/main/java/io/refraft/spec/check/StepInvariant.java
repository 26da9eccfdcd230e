package io.refraft.spec.check;

import io.refraft.spec.Input;
import io.refraft.spec.NodeState;
import java.util.Optional;

/**
 * Properties of one step of one server, checked on every transition the model takes (TLA+ action
 * properties).
 */
public enum StepInvariant {
  /**
   * §5.1: a server's currentTerm never decreases, across restarts too (it is durable): a restart
   * may lose only a term storage had not confirmed, which nobody has heard of (replies wait for it).
   */
  MonotonicTerm {
    @Override
    public Optional<String> violation(NodeState before, Input input, NodeState after) {
      long floor = input instanceof Input.Restart ? before.sync().term() : before.term();
      return after.term() < floor
          ? Optional.of(after.self() + "'s term went from " + floor + (floor == before.term() ? "" : " (durable)")
              + " to " + after.term())
          : Optional.empty();
    }
  },

  /** commitIndex never decreases, except that a restart forgets it (it is volatile, Figure 2). */
  MonotonicCommit {
    @Override
    public Optional<String> violation(NodeState before, Input input, NodeState after) {
      if (input instanceof Input.Restart) {
        return Optional.empty();
      }
      return after.commitIndex() < before.commitIndex()
          ? Optional.of(after.self() + "'s commitIndex went from " + before.commitIndex() + " to " + after.commitIndex())
          : Optional.empty();
    }
  },

  /**
   * §5.2: a server votes for at most one candidate in a term, across restarts too (votedFor is
   * durable): a restart may lose only a vote storage had not confirmed, which nobody was told of.
   */
  VoteOncePerTerm {
    @Override
    public Optional<String> violation(NodeState before, Input input, NodeState after) {
      long term = input instanceof Input.Restart ? before.sync().term() : before.term();
      Optional<io.refraft.spec.NodeId> vote = input instanceof Input.Restart ? before.sync().votedFor()
          : before.votedFor();
      if (after.term() == term && vote.isPresent() && !after.votedFor().equals(vote)) {
        return Optional.of(after.self() + " voted for " + vote.get() + " and then "
            + after.votedFor().map(Object::toString).orElse("nobody") + " in term " + after.term());
      }
      return Optional.empty();
    }
  },

  /** Figure 3 Leader Append-Only: a leader never overwrites or deletes entries in its log; it only appends. */
  LeaderAppendOnly {
    @Override
    public Optional<String> violation(NodeState before, Input input, NodeState after) {
      if (!before.isLeader() || !after.isLeader() || before.term() != after.term()) {
        return Optional.empty();
      }
      if (after.log().lastIndex() < before.log().lastIndex()) {
        return Optional.of("leader " + after.self() + " shortened its log from " + before.log().lastIndex()
            + " to " + after.log().lastIndex());
      }
      if (before.log().firstDifference(after.log()) > before.log().lastIndex()) {
        return Optional.empty(); // before's log is a prefix of after's (cheap: the versions share structure)
      }
      long floor = Math.max(before.log().snapshot().index(), after.log().snapshot().index());
      for (long i = before.log().lastIndex(); i > floor; i--) {
        if (!before.log().entry(i).equals(after.log().entry(i))) {
          return Optional.of("leader " + after.self() + " overwrote index " + i + ": " + before.log().entry(i)
              + " became " + after.log().entry(i));
        }
      }
      return Optional.of("leader " + after.self() + " replaced entries through " + floor + " by "
          + after.log().snapshot() + ", which differs from them");
    }
  },

  /**
   * Thesis §5.1: a server's snapshot never moves back while it runs (it replaces committed entries,
   * which stay committed). A restart may recover an older one: the newer was not yet durable.
   */
  MonotonicSnapshot {
    @Override
    public Optional<String> violation(NodeState before, Input input, NodeState after) {
      if (input instanceof Input.Restart) {
        return Optional.empty();
      }
      long was = before.log().snapshot().index();
      long now = after.log().snapshot().index();
      return now < was
          ? Optional.of(after.self() + "'s snapshot went from index " + was + " to " + now)
          : Optional.empty();
    }
  },

  /**
   * Figure 2: a leader's matchIndex for a follower never decreases while it leads (a stale,
   * reordered acknowledgement must not lower it; ongardie/raft.tla issue 18).
   */
  MonotonicMatchIndex {
    @Override
    public Optional<String> violation(NodeState before, Input input, NodeState after) {
      if (!(before.role() instanceof io.refraft.spec.Role.Leader b) || !(after.role() instanceof io.refraft.spec.Role.Leader a)
          || before.term() != after.term()) {
        return Optional.empty();
      }
      for (var e : b.progress().entrySet()) {
        if (!a.progress().containsKey(e.getKey())) {
          continue; // a server the leader no longer replicates to (removed, and committed)
        }
        io.refraft.spec.Role.Progress p = a.progress().get(e.getKey()); // absent: removed from the configuration
        long now = p == null ? Long.MAX_VALUE : p.match();
        if (now < e.getValue().match()) {
          return Optional.of("leader " + after.self() + " lowered matchIndex of " + e.getKey() + " from "
              + e.getValue().match() + " to " + now);
        }
      }
      return Optional.empty();
    }
  },

  /**
   * Figure 2, all servers: a response of a higher term makes the receiver adopt that term (and
   * follow). Requests are exempt (a vote request may be ignored while a leader is known, thesis
   * §4.2.3), and so is pre-vote traffic, which never changes terms (thesis §9.6).
   */
  AdoptsHigherTerm {
    @Override
    public Optional<String> violation(NodeState before, Input input, NodeState after) {
      if (!(input instanceof Input.MessageReceived(io.refraft.spec.Message m)) || m.term() <= before.term()) {
        return Optional.empty();
      }
      boolean response = m instanceof io.refraft.spec.Message.AppendEntriesResponse
          || m instanceof io.refraft.spec.Message.InstallSnapshotResponse
          || (m instanceof io.refraft.spec.Message.RequestVoteResponse r && !(r.preVote() && r.voteGranted()));
      return response && after.term() < m.term()
          ? Optional.of(after.self() + " stayed in term " + after.term() + " after a response of term " + m.term())
          : Optional.empty();
    }
  },

  /**
   * Ongaro's fix to single-server changes (raft-dev, 2015): a leader appends a configuration entry only
   * once it has committed an entry of its own term; until then a former leader's uncommitted change may
   * still commit, and two changes made from different configurations may have disjoint majorities.
   */
  ChangeAfterTermCommit {
    @Override
    public Optional<String> violation(NodeState before, Input input, NodeState after) {
      long at = appendedConfiguration(before, after);
      if (at == 0) {
        return Optional.empty();
      }
      long committed = Math.min(after.commitIndex(), at - 1);
      return after.log().term(committed) == after.term() ? Optional.empty()
          : Optional.of("leader " + after.self() + " appended configuration " + after.log().entry(at) + " at " + at
              + " before committing an entry of its term " + after.term() + " (commit " + after.commitIndex() + ")");
    }
  },

  /** Thesis §4.1: one change at a time: a leader appends a configuration only when no other is pending. */
  OneChangeAtATime {
    @Override
    public Optional<String> violation(NodeState before, Input input, NodeState after) {
      long at = appendedConfiguration(before, after);
      if (at == 0) {
        return Optional.empty();
      }
      long previous = after.log().lastConfigIndex(at - 1);
      return previous > settled(after) ? Optional.of("leader " + after.self() + " appended configuration at " + at
          + " while the one at " + previous + " is pending (commit " + after.commitIndex() + ")") : Optional.empty();
    }
  },

  /** tikv/raft-rs #221: a leader starts no leadership transfer while a configuration change is pending. */
  NoTransferDuringChange {
    @Override
    public Optional<String> violation(NodeState before, Input input, NodeState after) {
      if (!(after.role() instanceof io.refraft.spec.Role.Leader a) || a.transferee().isEmpty()) {
        return Optional.empty();
      }
      if (before.role() instanceof io.refraft.spec.Role.Leader b && b.transferee().equals(a.transferee())
          && before.term() == after.term()) {
        return Optional.empty();
      }
      long pending = after.log().lastConfigIndex(after.log().lastIndex());
      return pending > settled(after) ? Optional.of("leader " + after.self() + " started a transfer to "
          + a.transferee().get() + " while the configuration at " + pending + " is pending") : Optional.empty();
    }
  },

  /**
   * A server campaigns only as a voter of its configuration, and not while a committed configuration
   * entry is unapplied here (etcd #7280): its election would count the wrong servers.
   */
  CampaignOnlyWhenAllowed {
    @Override
    public Optional<String> violation(NodeState before, Input input, NodeState after) {
      boolean starts = (after.role() instanceof io.refraft.spec.Role.Candidate && after.term() > before.term())
          || (after.role() instanceof io.refraft.spec.Role.PreCandidate && !(before.role()
              instanceof io.refraft.spec.Role.PreCandidate));
      if (!starts || input instanceof Input.Restart) {
        return Optional.empty();
      }
      if (!before.membership().isVoter(before.self())) {
        return Optional.of(after.self() + " campaigned while not a voter of " + before.membership());
      }
      long conf = before.log().lastConfigIndex(before.commitIndex());
      return conf > before.applied() ? Optional.of(after.self() + " campaigned with the configuration at " + conf
          + " committed but not applied (applied " + before.applied() + ")") : Optional.empty();
    }
  },

  /**
   * Thesis §3.10: a voter that receives TimeoutNow of its leader's term campaigns at once, without
   * pre-vote (a pre-vote would be refused by servers within the leader's lease: canonical/raft #203).
   */
  TransferCampaignsAtOnce {
    @Override
    public Optional<String> violation(NodeState before, Input input, NodeState after) {
      if (!(input instanceof Input.MessageReceived(io.refraft.spec.Message.TimeoutNow m)) || m.term() < before.term()
          || (before.isLeader() && m.term() == before.term()) || !before.membership().isVoter(before.self())
          || before.log().lastConfigIndex(before.commitIndex()) > before.applied()) {
        return Optional.empty();
      }
      return after.role() instanceof io.refraft.spec.Role.Candidate c && c.transfer() && after.term() == m.term() + 1
          ? Optional.empty()
          : Optional.of(after.self() + " received TimeoutNow of term " + m.term() + " and became "
              + after.role().getClass().getSimpleName() + " of term " + after.term()
              + ", not a transfer candidate of term " + (m.term() + 1));
    }
  };

  /** The index of the configuration entry a leader appended in this step, or 0. */
  private static long appendedConfiguration(NodeState before, NodeState after) {
    if (!after.isLeader()) {
      return 0;
    }
    long at = after.log().lastConfigIndex(after.log().lastIndex());
    boolean isNew = at > before.log().lastIndex() || (before.isLeader() && before.term() == after.term()
        && at > 0 && at != before.log().lastConfigIndex(before.log().lastIndex()));
    return isNew && at > 0 && after.log().entry(at).term() == after.term() ? at : 0;
  }

  /** What a configuration entry must not be above to no longer be pending. */
  private static long settled(NodeState s) {
    return s.config().confOnApply() ? s.applied() : s.commitIndex();
  }

  public abstract Optional<String> violation(NodeState before, Input input, NodeState after);

  /** The first violated step property, in declaration order. */
  public static Optional<Invariant.Violation> check(NodeState before, Input input, NodeState after) {
    for (StepInvariant inv : values()) {
      Optional<String> v = inv.violation(before, input, after);
      if (v.isPresent()) {
        return Optional.of(new Invariant.Violation(inv.name(), v.get()));
      }
    }
    return Optional.empty();
  }
}
