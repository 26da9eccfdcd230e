package io.refraft.spec.check;

import io.refraft.spec.Config;
import io.refraft.spec.DurableState;
import io.refraft.spec.Input;
import io.refraft.spec.Message;
import io.refraft.spec.NodeId;
import io.refraft.spec.NodeState;
import io.refraft.spec.Output;
import io.refraft.spec.Payload;
import io.refraft.spec.Transition;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BiFunction;

/**
 * The cluster model: every server's state, the messages in flight, and the ghost history the
 * invariants need. A step is an {@link Event}; servers react through a step function (normally
 * {@code Raft::step}, or a mutant of it), so the model is the same for the real protocol and for
 * deliberately broken ones.
 *
 * <p>Each server has a {@link Disk} apart from its state: what storage holds, and the writes
 * asked for and not yet durable. A write completes as an event of its own ({@link Event.Persist}),
 * so the model explores crashes between a step and its write, and writes completing before or
 * after the messages sent with them are received. A restart recovers the disk only. With a step
 * function of synchronous persistence ({@link io.refraft.spec.Raft#step}) each step leaves its
 * server synced and the disk follows at once: persistence is atomic with the step.
 *
 * @param nodes   one state per server, in a fixed order: the initial members ({@code config.members()}),
 *     then the servers that may join later
 * @param disks   one disk per member, in the same order
 * @param network the messages in flight
 * @param ghost   history for the invariants
 */
public record Cluster(List<NodeState> nodes, List<Disk> disks, Network network, Ghost ghost) {

  public Cluster {
    nodes = List.copyOf(nodes);
    disks = List.copyOf(disks);
    Objects.requireNonNull(network, "network");
    Objects.requireNonNull(ghost, "ghost");
    if (disks.size() != nodes.size()) {
      throw new IllegalArgumentException(nodes.size() + " servers but " + disks.size() + " disks");
    }
  }

  /** A cluster whose disks hold exactly each server's durable state, with nothing pending. */
  public Cluster(List<NodeState> nodes, Network network, Ghost ghost) {
    this(nodes, syncedDisks(nodes), network, ghost);
  }

  /**
   * One server's storage in the model.
   *
   * @param durable what survives a crash now
   * @param pending the writes asked for and not yet durable, oldest first, each as the durable
   *     state it leaves behind (storage completes them in order)
   */
  public record Disk(DurableState durable, List<DurableState> pending) {
    public Disk {
      Objects.requireNonNull(durable, "durable");
      pending = List.copyOf(pending);
    }

    static Disk of(DurableState d) {
      return new Disk(d, List.of());
    }
  }

  private static List<Disk> syncedDisks(List<NodeState> nodes) {
    List<Disk> ds = new ArrayList<>(nodes.size());
    for (NodeState s : nodes) {
      ds.add(Disk.of(s.durable()));
    }
    return ds;
  }

  public Disk disk(NodeId id) {
    return disks.get(indexOf(id));
  }

  /** Every server new: term 0, empty log, follower; nothing in flight. */
  public static Cluster initial(Config config) {
    return initial(config, List.of());
  }

  /**
   * Every server new, the initial members and {@code joining}, servers outside the initial
   * configuration that a configuration change may add (they start as non-members, as a server
   * started to join an existing cluster does).
   */
  public static Cluster initial(Config config, List<NodeId> joining) {
    List<NodeState> ns = new ArrayList<>();
    for (NodeId id : config.members()) {
      ns.add(NodeState.initial(id, config));
    }
    for (NodeId id : joining) {
      if (config.isMember(id)) {
        throw new IllegalArgumentException(id + " is an initial member and cannot join");
      }
      ns.add(NodeState.initial(id, config));
    }
    return new Cluster(ns, Network.EMPTY, Ghost.EMPTY);
  }

  /** Every server of the model, initial members first. */
  public List<NodeId> servers() {
    List<NodeId> ids = new ArrayList<>(nodes.size());
    for (NodeState s : nodes) {
      ids.add(s.self());
    }
    return ids;
  }

  public Config config() {
    return nodes.get(0).config();
  }

  public NodeState node(NodeId id) {
    return nodes.get(indexOf(id));
  }

  public int indexOf(NodeId id) {
    for (int i = 0; i < nodes.size(); i++) {
      if (nodes.get(i).self().equals(id)) {
        return i;
      }
    }
    throw new IllegalArgumentException("no server " + id);
  }

  /**
   * One step taken: the event, the server that stepped and the input it was given (if any), its
   * transition, and the result.
   */
  public record Step(Event event, Optional<NodeId> node, Optional<Input> input, Optional<Transition> transition,
      Cluster next) {}

  /** Every event enabled here, without reads. */
  public List<Event> events(List<Payload> values, Faults faults) {
    return events(values, faults, 0);
  }

  /** Every event enabled here, without snapshots. */
  public List<Event> events(List<Payload> values, Faults faults, int maxReads) {
    return events(values, faults, maxReads, false);
  }

  /**
   * Every event enabled here, in a deterministic order: per server, then per message in flight.
   * A read may arrive at a leader while fewer than {@code maxReads} have arrived in total (a read
   * at any other server is rejected at once and changes nothing but the ghost). With
   * {@code snapshots}, a server that applied entries beyond its snapshot may compact through them.
   */
  public List<Event> events(List<Payload> values, Faults faults, int maxReads, boolean snapshots) {
    return events(values, faults, maxReads, snapshots, Reconfig.NONE);
  }

  /**
   * As above, and at every leader the operator requests {@code reconfig} allows: each configuration
   * one step from the leader's (see {@link Reconfig}) and a transfer to each other voter.
   */
  public List<Event> events(List<Payload> values, Faults faults, int maxReads, boolean snapshots, Reconfig reconfig) {
    List<Event> out = new ArrayList<>();
    List<NodeId> servers = servers();
    for (NodeState s : nodes) {
      NodeId id = s.self();
      if (!s.isLeader() || s.config().checkQuorum()) {
        out.add(new Event.Timeout(id));
      }
      switch (s.role()) {
        case io.refraft.spec.Role.Leader l -> {
          for (NodeId peer : servers) {
            if (l.progress().containsKey(peer)) {
              out.add(new Event.Heartbeat(id, peer));
            }
          }
        }
        case io.refraft.spec.Role.Follower f -> { }
        default -> {
          io.refraft.spec.Membership m = s.membership();
          for (NodeId peer : servers) {
            if (!peer.equals(id) && m.isVoter(peer)) {
              out.add(new Event.Heartbeat(id, peer));
            }
          }
        }
      }
      if (s.isLeader()) {
        for (Payload v : values) {
          out.add(new Event.Propose(id, v));
        }
        if (ghost.reads().size() < maxReads) {
          out.add(new Event.Read(id));
        }
        reconfigurations(s, servers, reconfig, out);
      }
      if (snapshots && s.applied() > s.log().snapshot().index()) {
        out.add(new Event.TakeSnapshot(id));
      }
      if (faults.restart()) {
        out.add(new Event.Crash(id));
      }
      if (!disks.get(indexOf(id)).pending().isEmpty()) {
        out.add(new Event.Persist(id));
      }
    }
    for (Message m : network.inFlight().keySet()) {
      out.add(new Event.Deliver(m));
      if (faults.drop()) {
        out.add(new Event.Drop(m));
      }
      if (faults.duplicate()) {
        out.add(new Event.Duplicate(m));
      }
    }
    return out;
  }

  /** The operator requests {@code reconfig} allows at leader {@code s}. */
  private static void reconfigurations(NodeState s, List<NodeId> servers, Reconfig reconfig, List<Event> out) {
    io.refraft.spec.Membership m = s.membership();
    NodeId id = s.self();
    if (m.isJoint()) {
      if (reconfig.joint() && !m.autoLeave()) {
        out.add(new Event.ChangeMembership(id, m.leaveJoint()));
      }
    } else {
      if (reconfig.single()) {
        for (NodeId x : servers) {
          for (io.refraft.spec.Membership next : MembershipSteps.singleServer(m, x)) {
            out.add(new Event.ChangeMembership(id, next));
          }
        }
      }
      if (reconfig.joint()) {
        for (io.refraft.spec.Membership next : MembershipSteps.replacements(m, servers)) {
          out.add(new Event.ChangeMembership(id, next));
        }
      }
    }
    if (reconfig.transfer()) {
      for (NodeId x : servers) {
        if (!x.equals(id) && m.isVoter(x)) {
          out.add(new Event.Transfer(id, x));
        }
      }
    }
  }

  /**
   * Takes {@code event}, or returns empty when it is not enabled here (a message no longer in
   * flight). Message events must name a message in flight.
   */
  public Optional<Step> next(Event event, BiFunction<NodeState, Input, Transition> step) {
    return switch (event) {
      case Event.Timeout(NodeId n) -> Optional.of(stepNode(event, n, new Input.ElectionTimeout(), network, step));
      case Event.Heartbeat(NodeId n, NodeId peer) ->
          Optional.of(stepNode(event, n, Input.HeartbeatTimeout.to(peer), network, step));
      case Event.Propose(NodeId n, Payload v) ->
          Optional.of(stepNode(event, n, Input.ClientPropose.of(v), network, step));
      case Event.Read(NodeId n) -> Optional.of(stepNode(event, n,
          new Input.ReadIndexRequest(ghost.reads().size() + 1), network, step));
      case Event.TakeSnapshot(NodeId n) -> Optional.of(stepNode(event, n,
          new Input.TakeSnapshot(Math.max(1, node(n).applied())), network, step));
      case Event.Crash(NodeId n) -> Optional.of(stepNode(event, n,
          new Input.Restart(disk(n).durable()), network, step));
      case Event.Persist(NodeId n) -> disk(n).pending().isEmpty() ? Optional.empty()
          : Optional.of(stepNode(event, n, Input.Persisted.of(disk(n).pending().get(0)), network, step));
      case Event.Deliver(Message m) -> network.count(m) == 0 ? Optional.empty()
          : Optional.of(stepNode(event, m.to(), new Input.MessageReceived(m), network.minus(m), step));
      case Event.Drop(Message m) -> network.count(m) == 0 ? Optional.empty()
          : Optional.of(new Step(event, Optional.empty(), Optional.empty(), Optional.empty(),
              new Cluster(nodes, disks, network.minus(m), ghost)));
      case Event.Duplicate(Message m) -> network.count(m) == 0 ? Optional.empty()
          : Optional.of(new Step(event, Optional.empty(), Optional.empty(), Optional.empty(),
              new Cluster(nodes, disks, network.plus(List.of(m)), ghost)));
      case Event.ChangeMembership(NodeId n, io.refraft.spec.Membership next) ->
          Optional.of(stepNode(event, n, new Input.ChangeMembership(next), network, step));
      case Event.Transfer(NodeId n, NodeId target) ->
          Optional.of(stepNode(event, n, new Input.TransferLeadership(target), network, step));
    };
  }

  private Step stepNode(Event event, NodeId id, Input input, Network net,
      BiFunction<NodeState, Input, Transition> step) {
    int i = indexOf(id);
    NodeState before = nodes.get(i);
    Transition t = step.apply(before, input);
    NodeState after = t.next();
    List<Message> sent = new ArrayList<>(2);
    Ghost g = ghost;
    if (input instanceof Input.ReadIndexRequest) {
      g = g.withRead(); // before its answer, which may come in this very step
    }
    for (Output o : t.outputs()) {
      if (o instanceof Output.Send(Message m)) {
        sent.add(m);
      } else if (o instanceof Output.ReadReady r) {
        g = g.withAnswer(r.requestId(), r.readIndex());
      } else if (o instanceof Output.ReadRejected r) {
        g = g.withAnswer(r.requestId(), 0);
      }
    }
    List<NodeState> ns = new ArrayList<>(nodes);
    ns.set(i, after);
    List<Disk> ds = new ArrayList<>(disks);
    ds.set(i, diskAfter(disks.get(i), input, t));
    if (input instanceof Input.Restart) {
      g = g.withRestart();
    }
    if (after.isLeader() && (!before.isLeader() || before.term() != after.term())) {
      g = g.withLeader(after.term(), id);
    }
    if (after.commitIndex() > g.committed().size() && after.log().firstIndex() <= g.committed().size() + 1) {
      g = g.withCommitted(after.log().slice(g.committed().size() + 1, after.commitIndex() + 1), after.term());
    }
    return new Step(event, Optional.of(id), Optional.of(input), Optional.of(t), new Cluster(ns, ds, net.plus(sent), g));
  }

  /**
   * The disk after a step: a crash loses the writes not yet durable; a {@code Persisted} input
   * completed the oldest; a step that writes queues its write. A server left synced by its step
   * (synchronous persistence) has everything durable.
   */
  private static Disk diskAfter(Disk d, Input input, Transition t) {
    if (input instanceof Input.Restart) {
      d = Disk.of(d.durable());
    } else if (input instanceof Input.Persisted && !d.pending().isEmpty()) {
      d = new Disk(d.pending().get(0), d.pending().subList(1, d.pending().size()));
    }
    for (Output o : t.outputs()) {
      if (o instanceof Output.Persist) {
        List<DurableState> more = new ArrayList<>(d.pending());
        more.add(t.next().durable());
        d = new Disk(d.durable(), more);
        break;
      }
    }
    return t.next().isSynced() ? Disk.of(t.next().durable()) : d;
  }
}
