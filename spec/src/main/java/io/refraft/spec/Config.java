package io.refraft.spec;

import java.util.HashSet;
import java.util.List;

/**
 * The cluster and the protocol options every server runs with.
 *
 * <p>Invariants: (1) {@code members} is non-empty, without duplicates, in a fixed order that every
 * iteration over servers follows (determinism); (2) {@code maxBatch >= 1}.
 *
 * @param members     the initial configuration's voters, in a fixed order (thesis §4: a server's
 *     configuration is then that of its log's latest configuration entry, or its snapshot's; see
 *     {@link NodeState#membership()}). A server that joins later starts with these too, outside them.
 * @param preVote     run a pre-vote round before an election (thesis §9.6)
 * @param checkQuorum a leader that hears from no quorum for an election timeout steps down, and a
 *     server that heard from a live leader within the election timeout ignores vote requests
 *     (leader stickiness; thesis §6.2 and §4.2.3)
 * @param maxBatch    most entries one AppendEntries carries (1 when model checking)
 * @param leaderNoop  a new leader appends a no-op entry of its term (§5.4.2, §8)
 * @param eagerSend   send as soon as there is something to send (a new candidate's requests, a new
 *     leader's or a proposal's entries, the next batch after a response). Off, messages leave only
 *     on {@link Input.HeartbeatTimeout}, one peer at a time as in raft.tla's
 *     {@code RequestVote(i, j)} and {@code AppendEntries(i, j)}; the states reached are the same,
 *     the interleavings finer.
 * @param confOnApply a configuration takes effect once its entry is applied (etcd-io/raft), not once
 *     it is in the log (the thesis, §4.1: "a server always uses the latest configuration in its log,
 *     regardless of whether the entry is committed"); see spec/README, "Membership changes"
 */
public record Config(
    List<NodeId> members, boolean preVote, boolean checkQuorum, int maxBatch, boolean leaderNoop,
    boolean eagerSend, boolean confOnApply) {

  /** Options with configurations taking effect on append (the thesis's rule, refraft's default). */
  public Config(List<NodeId> members, boolean preVote, boolean checkQuorum, int maxBatch, boolean leaderNoop,
      boolean eagerSend) {
    this(members, preVote, checkQuorum, maxBatch, leaderNoop, eagerSend, false);
  }

  public Config {
    members = List.copyOf(members);
    if (members.isEmpty()) {
      throw new IllegalArgumentException("a cluster needs at least one member");
    }
    if (new HashSet<>(members).size() != members.size()) {
      throw new IllegalArgumentException("duplicate member in " + members);
    }
    if (maxBatch < 1) {
      throw new IllegalArgumentException("maxBatch must be >= 1, got " + maxBatch);
    }
  }

  /** Production defaults: pre-vote and check-quorum on, batches of 1024, leader no-op, eager sends. */
  public static Config of(List<NodeId> members) {
    return new Config(members, true, true, 1024, true, true);
  }

  /** Servers named {@code n1..nN} with production defaults. */
  public static Config ofSize(int n) {
    NodeId[] ids = new NodeId[n];
    for (int i = 0; i < n; i++) {
      ids[i] = NodeId.of("n" + (i + 1));
    }
    return of(List.of(ids));
  }

  /** Votes needed for a majority of the initial configuration. */
  public int quorum() {
    return members.size() / 2 + 1;
  }

  /** Whether {@code id} is a voter of the initial configuration. */
  public boolean isMember(NodeId id) {
    return members.contains(id);
  }

  /** The initial configuration: {@link #members} vote, nobody learns. */
  public Membership initialMembership() {
    return Membership.voters(members);
  }

  public Config withConfOnApply(boolean on) {
    return new Config(members, preVote, checkQuorum, maxBatch, leaderNoop, eagerSend, on);
  }

  public Config withPreVote(boolean on) {
    return new Config(members, on, checkQuorum, maxBatch, leaderNoop, eagerSend, confOnApply);
  }

  public Config withCheckQuorum(boolean on) {
    return new Config(members, preVote, on, maxBatch, leaderNoop, eagerSend, confOnApply);
  }

  public Config withMaxBatch(int n) {
    return new Config(members, preVote, checkQuorum, n, leaderNoop, eagerSend, confOnApply);
  }

  public Config withLeaderNoop(boolean on) {
    return new Config(members, preVote, checkQuorum, maxBatch, on, eagerSend, confOnApply);
  }

  public Config withEagerSend(boolean on) {
    return new Config(members, preVote, checkQuorum, maxBatch, leaderNoop, on, confOnApply);
  }
}
