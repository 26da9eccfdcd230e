package io.refraft.verification.trace;

import io.refraft.spec.Config;
import io.refraft.spec.DurableState;
import io.refraft.spec.Input;
import io.refraft.spec.Message;
import io.refraft.spec.NodeId;
import io.refraft.spec.NodeState;
import io.refraft.spec.Output;
import io.refraft.spec.Payload;
import io.refraft.spec.Raft;
import io.refraft.spec.Transition;
import io.refraft.traces.MessageId;
import io.refraft.traces.TraceHeader;
import io.refraft.traces.TraceRecorder;
import io.refraft.traces.TraceStep;
import io.refraft.traces.TraceWriter;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

/**
 * A scripted run of the spec for traces: nodes step through {@link Raft#step}, or after
 * {@link #async()} through {@link Raft#stepAsync} with {@code Persisted} steps the script takes
 * ({@link #persist}, {@link #settle}) and crashes that lose what was not persisted
 * ({@link #crashLosingPending}); the network is a
 * FIFO list of messages in flight that the script delivers, drops, duplicates or cuts with
 * partitions. A script may replace one step's transition (a bug in the node) or one step's trace
 * line (a bug in what the node reports); {@link #markBug} records the line where it shows.
 */
final class ScriptedCluster {
  final Config config;
  /** Every server: the initial members, then the joining ones. */
  private final List<NodeId> servers;
  private final List<NodeId> joining;
  private final NodeState[] nodes;
  private final List<Message> network = new ArrayList<>();
  private final TraceRecorder recorder;
  private final List<TraceStep> steps = new ArrayList<>();
  private final List<StepValidator.Witness> witnesses = new ArrayList<>();
  private UnaryOperator<NodeState> nextTamper;
  private final Set<NodeId> isolated = new HashSet<>();
  private BiFunction<NodeState, Input, Transition> nextBug;
  private UnaryOperator<TraceStep> nextEdit;
  private int bugLine = -1;
  private MessageId forged;
  private long time;
  private boolean async;
  /** With {@link #async()}: each node's durable state as its last Persisted or restart left it. */
  private final DurableState[] confirmed;
  /** Per node, its steps since its last restart (or the start): the state after each and what it sent. */
  private final List<List<Past>> pasts = new ArrayList<>();

  /** One step of a node: its state after, and the messages it sent. */
  private record Past(NodeState after, List<Message> sent) {}

  ScriptedCluster(Config config) {
    this(config, new String[0]);
  }

  /**
   * A cluster of {@code config.members()} and the servers {@code joining}, which start outside the
   * configuration (revision 6: the header names them) until a configuration change adds them.
   */
  ScriptedCluster(Config config, String... joining) {
    this.config = config;
    List<NodeId> all = new ArrayList<>(config.members());
    List<NodeId> newcomers = new ArrayList<>();
    for (String j : joining) {
      all.add(id(j));
      newcomers.add(id(j));
    }
    this.servers = List.copyOf(all);
    this.joining = List.copyOf(newcomers);
    this.nodes = new NodeState[servers.size()];
    for (int i = 0; i < nodes.length; i++) {
      nodes[i] = NodeState.initial(servers.get(i), config);
      pasts.add(new ArrayList<>(List.of(new Past(nodes[i], List.of()))));
    }
    this.recorder = new TraceRecorder(config);
    this.confirmed = new DurableState[nodes.length];
    Arrays.fill(confirmed, DurableState.EMPTY);
  }

  /** From here on the nodes step with asynchronous persistence; call before the first step. */
  ScriptedCluster async() {
    if (!steps.isEmpty()) {
      throw new IllegalStateException("async() before the first step");
    }
    this.async = true;
    return this;
  }

  /** {@code node}'s storage reports everything it was handed durable. */
  ScriptedCluster persist(String node) {
    NodeState s = node(node);
    confirmed[servers.indexOf(id(node))] = s.durable();
    step(node, Input.Persisted.of(s.durable()));
    return this;
  }

  /** Persists every node with writes pending and delivers, until nothing is pending or in flight. */
  ScriptedCluster settle() {
    for (int round = 0; round < 1_000; round++) {
      boolean any = !network.isEmpty();
      deliverAll();
      for (NodeId n : servers) {
        if (!node(n.name()).isSynced()) {
          persist(n.name());
          any = true;
        }
      }
      if (!any) {
        return this;
      }
    }
    throw new IllegalStateException("the cluster does not settle");
  }

  /**
   * {@code node} crashes (asynchronous persistence) and restarts from what its last Persisted
   * confirmed: the writes handed to storage since are lost. Messages it sent stay in flight.
   */
  ScriptedCluster crashLosingPending(String node) {
    step(node, new Input.Restart(confirmed[servers.indexOf(id(node))]));
    return this;
  }

  /** {@code node} restarts from {@code disk}, whatever it persisted: a storage bug; its line is the divergence. */
  ScriptedCluster restartFrom(String node, DurableState disk) {
    markBug();
    step(node, new Input.Restart(disk));
    return this;
  }

  static NodeId id(String name) {
    return NodeId.of(name);
  }

  NodeState node(String name) {
    return nodes[servers.indexOf(id(name))];
  }

  List<Message> inFlight() {
    return List.copyOf(network);
  }

  /**
   * The first node step for which {@code bug} returns a transition takes it instead of the spec's
   * (null: not this step); its line is the expected divergence.
   */
  ScriptedCluster bug(BiFunction<NodeState, Input, Transition> bug) {
    this.nextBug = bug;
    return this;
  }

  /**
   * The first node step for which {@code edit} returns a line (null: not this step) is written as
   * that line; its line is the expected divergence.
   */
  ScriptedCluster edit(UnaryOperator<TraceStep> edit) {
    this.nextEdit = edit;
    return this;
  }

  /** The line (header = 1) of the step a bug or edit changed, or -1. */
  int bugLine() {
    return bugLine;
  }

  /** The line the next step will be written on; for bugs injected by hand. */
  int nextLine() {
    return steps.size() + 2;
  }

  /** Marks the next line as where the injected bug shows (the first mark counts). */
  void markBug() {
    if (bugLine < 0) {
      bugLine = nextLine();
    }
  }

  /**
   * The next node step starts from {@code tamper} applied to the node's state, as a node that
   * changed its state outside the spec would (refraft's planted {@code vote-twice}); the trace and
   * the step's witness show the step it took. Its line is the expected divergence.
   */
  ScriptedCluster tamper(UnaryOperator<NodeState> tamper) {
    this.nextTamper = tamper;
    return this;
  }

  TraceStep step(String node, Input in) {
    int i = servers.indexOf(id(node));
    NodeState before = nodes[i];
    if (nextTamper != null) {
      before = nextTamper.apply(before);
      nextTamper = null;
      markBug();
    }
    Transition t = nextBug == null ? null : nextBug.apply(before, in);
    if (t != null) {
      nextBug = null;
      markBug();
    } else {
      t = async ? Raft.stepAsync(before, in) : Raft.step(before, in);
    }
    TraceStep s = forged != null ? recorder.record(before, in, forged, t, OptionalLong.of(++time))
        : recorder.record(before, in, t, OptionalLong.of(++time));
    forged = null;
    TraceStep edited = nextEdit == null ? null : nextEdit.apply(s);
    if (edited != null) {
      s = edited;
      nextEdit = null;
      markBug();
    }
    nodes[i] = t.next();
    steps.add(s);
    witnesses.add(new StepValidator.Witness(before, in, t));
    List<Message> sent = new ArrayList<>();
    for (Output o : t.outputs()) {
      if (o instanceof Output.Send(Message m)) {
        network.add(m);
        sent.add(m);
      }
    }
    if (in instanceof Input.Restart(DurableState recovered)) {
      pasts.get(i).clear();
      confirmed[i] = recovered;
    }
    pasts.get(i).add(new Past(t.next(), sent));
    return s;
  }

  /** {@code node} receives {@code m}, which nobody sent, as message {@code id}: a forged receive. */
  ScriptedCluster receiveForged(Message m, MessageId id) {
    forged = id;
    markBug();
    step(m.to().name(), new Input.MessageReceived(m));
    return this;
  }

  ScriptedCluster timeout(String node) {
    step(node, new Input.ElectionTimeout());
    return this;
  }

  ScriptedCluster heartbeat(String node) {
    step(node, Input.HeartbeatTimeout.all());
    return this;
  }

  ScriptedCluster propose(String node, String value) {
    step(node, Input.ClientPropose.of(Payload.Data.of(value.getBytes(StandardCharsets.UTF_8))));
    return this;
  }

  /** An operator asks {@code node} to append configuration {@code next} (thesis chapter 4). */
  ScriptedCluster change(String node, io.refraft.spec.Membership next) {
    step(node, new Input.ChangeMembership(next));
    return this;
  }

  /** An operator asks {@code node} to hand leadership to {@code target} (thesis §3.10). */
  ScriptedCluster transfer(String node, String target) {
    step(node, new Input.TransferLeadership(id(target)));
    return this;
  }

  /** A client's linearizable read {@code requestId} arrives at {@code node} (thesis §6.4). */
  ScriptedCluster read(String node, long requestId) {
    step(node, new Input.ReadIndexRequest(requestId));
    return this;
  }

  /** {@code node} compacts its log through everything it has applied (thesis §5.1). */
  ScriptedCluster snapshot(String node) {
    step(node, new Input.TakeSnapshot(node(node).applied()));
    return this;
  }

  ScriptedCluster restart(String node) {
    step(node, new Input.Restart(node(node).durable()));
    return this;
  }

  /**
   * {@code node} is killed and restarts having lost its last {@code lost} steps, as a node killed
   * between writing a turn's trace lines and its storage writes reaching the OS does: it recovers
   * the durable state it had before them. Their messages never left (they leave the network
   * unseen) unless {@code sendsLeft}, a node that sent before its writes were durable.
   */
  ScriptedCluster crash(String node, int lost, boolean sendsLeft) {
    return crash(node, lost, sendsLeft, -1);
  }

  /**
   * As {@link #crash(String, int, boolean)} without the sends, where the first lost step's new term
   * reached the disk and its entries did not: the node recovers that term, no vote, and the log it
   * had before the step (a kill between a storage's term write and its records).
   */
  ScriptedCluster crashAfterTermWrite(String node, int lost) {
    return crash(node, lost, false, 0);
  }

  /**
   * As {@link #crash(String, int, boolean)} without the sends, where the first lost step's term and
   * vote and only the first {@code kept} of the entries it wrote reached the disk (a power loss
   * tearing its log write).
   */
  ScriptedCluster crashTearing(String node, int lost, int kept) {
    return crash(node, lost, false, kept);
  }

  /** @param torn -1, or how many of the first lost step's entries the disk kept with its hard state */
  private ScriptedCluster crash(String node, int lost, boolean sendsLeft, int torn) {
    List<Past> past = pasts.get(servers.indexOf(id(node)));
    if (lost >= past.size()) {
      throw new IllegalArgumentException(node + " took only " + (past.size() - 1) + " steps since its last restart");
    }
    if (!sendsLeft) {
      for (Past p : past.subList(past.size() - lost, past.size())) {
        for (Message m : p.sent()) {
          if (network.remove(m)) {
            recorder.drop(m);
          }
        }
      }
    }
    DurableState disk = past.get(past.size() - 1 - lost).after().durable();
    if (torn >= 0) {
      NodeState first = past.get(past.size() - lost).after();
      long written = disk.log().firstDifference(first.log());
      disk = new DurableState(first.term(), first.votedFor(), first.log().truncateAfter(written - 1 + torn));
    }
    step(node, new Input.Restart(disk));
    return this;
  }

  /** Cuts {@code names} off from the rest: messages across the cut are lost when their turn comes. */
  ScriptedCluster isolate(String... names) {
    for (String n : names) {
      isolated.add(id(n));
    }
    return this;
  }

  ScriptedCluster heal() {
    isolated.clear();
    return this;
  }

  /** Delivers (or loses, across a partition) the first message in flight matching {@code p}. */
  ScriptedCluster deliver(Predicate<Message> p) {
    for (int k = 0; k < network.size(); k++) {
      Message m = network.get(k);
      if (p.test(m)) {
        network.remove(k);
        if (isolated.contains(m.from()) != isolated.contains(m.to())) {
          recorder.drop(m);
        } else {
          step(m.to().name(), new Input.MessageReceived(m));
        }
        return this;
      }
    }
    throw new IllegalStateException("no message in flight matches");
  }

  /** Delivers messages in FIFO order until none is in flight (at most {@code 10,000}). */
  ScriptedCluster deliverAll() {
    for (int n = 0; !network.isEmpty(); n++) {
      if (n > 10_000) {
        throw new IllegalStateException("the network does not drain");
      }
      deliver(m -> true);
    }
    return this;
  }

  /** Delivers up to {@code n} messages in FIFO order (a buggy node may keep the network busy forever). */
  ScriptedCluster deliverUpTo(int n) {
    for (int k = 0; k < n && !network.isEmpty(); k++) {
      deliver(m -> true);
    }
    return this;
  }

  /** Loses the first message in flight matching {@code p}. */
  ScriptedCluster drop(Predicate<Message> p) {
    for (int k = 0; k < network.size(); k++) {
      if (p.test(network.get(k))) {
        recorder.drop(network.remove(k));
        return this;
      }
    }
    throw new IllegalStateException("no message in flight matches");
  }

  /** Puts a second copy of the first message matching {@code p} at the end of the network. */
  ScriptedCluster duplicate(Predicate<Message> p) {
    for (Message m : network) {
      if (p.test(m)) {
        recorder.duplicate(m);
        network.add(m);
        return this;
      }
    }
    throw new IllegalStateException("no message in flight matches");
  }

  static Predicate<Message> to(String n) {
    return m -> m.to().name().equals(n);
  }

  static Predicate<Message> from(String n) {
    return m -> m.from().name().equals(n);
  }

  static Predicate<Message> between(String from, String to) {
    return m -> m.from().name().equals(from) && m.to().name().equals(to);
  }

  List<TraceStep> steps() {
    return List.copyOf(steps);
  }

  /** Per step, the spec step the node took (what a producer hands {@link StepValidator}). */
  List<StepValidator.Witness> witnesses() {
    return List.copyOf(witnesses);
  }

  /** The whole trace as NDJSON text. */
  String text(TraceHeader header) {
    StringWriter sw = new StringWriter();
    try (TraceWriter w = new TraceWriter(sw)) {
      w.header(header);
      for (TraceStep s : steps) {
        w.step(s);
      }
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return sw.toString();
  }

  /** A self-contained header for this run. */
  TraceHeader header(boolean duplicates, String description) {
    return TraceHeader.of(config, duplicates ? TraceHeader.NetworkModel.DUPLICATES
        : TraceHeader.NetworkModel.NO_DUPLICATES, async ? TraceHeader.Persistence.async
        : TraceHeader.Persistence.explicit, new TraceHeader.Source("refraft-spec", description)).withJoining(joining);
  }
}
