package io.refraft.spec.explore;

import io.refraft.spec.Config;
import io.refraft.spec.Input;
import io.refraft.spec.NodeState;
import io.refraft.spec.Payload;
import io.refraft.spec.Raft;
import io.refraft.spec.Transition;
import io.refraft.spec.check.Faults;
import io.refraft.spec.check.Reconfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The model of Raft that the model checker and the simulator explore (a TLC model, in TLA+ terms):
 * the protocol configuration, the client values, the faults, and the step function — {@link
 * Raft#step}, or a {@link Mutant} of it.
 *
 * @param config the servers' configuration (the model always runs with {@code eagerSend} off: see
 *     {@link Config#eagerSend()}; eager sends are compositions of the per-peer sends explored)
 * @param values the values clients propose
 * @param faults which faults are on
 * @param mutant the deliberate bug, if any
 * @param reads  how many client reads arrive in total (at leaders)
 * @param asyncPersistence whether writes complete as events of their own ({@link Raft#stepAsync});
 *     otherwise each step is synchronous ({@link Raft#synchronously}), as in raft.tla
 * @param snapshots whether servers compact their logs ({@link io.refraft.spec.check.Event.TakeSnapshot})
 * @param joining  servers outside the initial configuration, which a configuration change may add
 * @param reconfig which operator requests leaders receive (configuration changes, transfers)
 */
public record RaftModel(Config config, List<Payload> values, Faults faults, Optional<Mutant> mutant, int reads,
    boolean asyncPersistence, boolean snapshots, List<io.refraft.spec.NodeId> joining, Reconfig reconfig) {
  public RaftModel {
    Objects.requireNonNull(config, "config");
    values = List.copyOf(values);
    Objects.requireNonNull(faults, "faults");
    Objects.requireNonNull(mutant, "mutant");
    joining = List.copyOf(joining);
    Objects.requireNonNull(reconfig, "reconfig");
    if (reads < 0) {
      throw new IllegalArgumentException("reads must be >= 0, got " + reads);
    }
  }

  /** A model of a fixed configuration: nobody joins, leaders receive no operator request. */
  public RaftModel(Config config, List<Payload> values, Faults faults, Optional<Mutant> mutant, int reads,
      boolean asyncPersistence, boolean snapshots) {
    this(config, values, faults, mutant, reads, asyncPersistence, snapshots, List.of(), Reconfig.NONE);
  }

  /** This model with servers {@code n(N+1)..n(N+k)} able to join and leaders receiving {@code r}. */
  public RaftModel withReconfig(int joiningServers, Reconfig r) {
    List<io.refraft.spec.NodeId> ids = new ArrayList<>();
    for (int k = 1; k <= joiningServers; k++) {
      ids.add(io.refraft.spec.NodeId.of("n" + (config.members().size() + k)));
    }
    return new RaftModel(config, values, faults, mutant, reads, asyncPersistence, snapshots, ids, r);
  }

  /** This model with configurations taking effect when applied (etcd-io/raft) or when appended. */
  public RaftModel withConfOnApply(boolean on) {
    return new RaftModel(config.withConfOnApply(on), values, faults, mutant, reads, asyncPersistence, snapshots,
        joining, reconfig);
  }

  /** Every server of the model: the initial members, then the joining ones. */
  public List<io.refraft.spec.NodeId> servers() {
    List<io.refraft.spec.NodeId> all = new ArrayList<>(config.members());
    all.addAll(joining);
    return all;
  }

  /**
   * Whether the model's servers are interchangeable (symmetry reduction is sound): not when some
   * start outside the configuration, nor when configurations or transfers name servers.
   */
  public boolean symmetric() {
    return joining.isEmpty() && !reconfig.any();
  }

  /** The initial state: every server new. */
  public io.refraft.spec.check.Cluster initial() {
    return io.refraft.spec.check.Cluster.initial(config, joining);
  }

  /** A model without reads, with synchronous persistence. */
  public RaftModel(Config config, List<Payload> values, Faults faults, Optional<Mutant> mutant) {
    this(config, values, faults, mutant, 0, false, false);
  }

  /** Every event enabled in {@code c} under this model. */
  public List<io.refraft.spec.check.Event> events(io.refraft.spec.check.Cluster c) {
    return c.events(values, faults, reads, snapshots, reconfig);
  }

  /**
   * A model of {@code bounds.servers()} servers n1..nN proposing values v1..vK.
   *
   * @param profileRaftTla make the model match ongardie/raft.tla: no pre-vote, no check-quorum,
   *     one entry per message, no leader no-op (the caller sets faults to drop, dup, restart)
   */
  public static RaftModel of(Bounds bounds, boolean preVote, boolean checkQuorum, int batch, boolean leaderNoop,
      Faults faults, Optional<Mutant> mutant) {
    Config config = Config.ofSize(bounds.servers())
        .withPreVote(preVote).withCheckQuorum(checkQuorum).withMaxBatch(batch).withLeaderNoop(leaderNoop)
        .withEagerSend(false);
    List<Payload> values = new ArrayList<>();
    for (int v = 1; v <= bounds.values(); v++) {
      values.add(Payload.Data.of((byte) v));
    }
    return new RaftModel(config, values, faults, mutant, bounds.reads(), bounds.maxPending() > 0, bounds.snapshots());
  }

  /** One step of one server under this model's step function. */
  public Transition step(NodeState s, Input in) {
    return asyncPersistence ? stepAsync(s, in) : Raft.synchronously(this::stepAsync, s, in);
  }

  private Transition stepAsync(NodeState s, Input in) {
    return mutant.isPresent() ? mutant.get().step(s, in) : Raft.stepAsync(s, in);
  }
}
