package io.refraft.spec.scenario;

import io.refraft.spec.Config;
import io.refraft.spec.Entry;
import io.refraft.spec.Input;
import io.refraft.spec.Message;
import io.refraft.spec.NodeId;
import io.refraft.spec.NodeState;
import io.refraft.spec.Output;
import io.refraft.spec.Payload;
import io.refraft.spec.Raft;
import io.refraft.spec.Transition;
import io.refraft.spec.check.Cluster;
import io.refraft.spec.check.Event;
import io.refraft.spec.check.Invariant;
import io.refraft.spec.check.StepInvariant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Runs a scenario's commands on the cluster model, one {@link Cluster#next} per server step, and
 * says what happened. After every step it checks every {@link Invariant}, every
 * {@link StepInvariant} and the persist-before-send order of the transition's outputs; a
 * violation stops the script with its file, line and the step that broke it.
 *
 * <p>The network is the model's message bag, delivered here in send order, which keeps each
 * (sender, receiver) pair first-in first-out. A partition drops a message that crosses it when it
 * would be delivered.
 *
 * <p>Commands (see spec/README.md, "Scenarios"): {@code nodes}, {@code timeout}, {@code heartbeat},
 * {@code propose}, {@code read}, {@code deliver}, {@code drop}, {@code partition}, {@code heal},
 * {@code stabilize}, {@code restart}, {@code state}, {@code raft-state}, {@code log},
 * {@code replicas}, {@code in-flight}, {@code reads}.
 */
final class Interpreter {
  private static final int STABILIZE_BOUND = 10_000;

  private final String file;
  private int line;
  private Cluster cluster;
  private final List<Message> inFlight = new ArrayList<>();
  private Set<NodeId> island = Set.of();
  private Input lastInput;
  private BiFunction<NodeState, Input, Transition> protocol;
  private final boolean customProtocol;

  Interpreter(String file) {
    this(file, Raft::step, false);
  }

  /** An interpreter whose servers step with {@code protocol} (a broken one, to test the checks). */
  Interpreter(String file, BiFunction<NodeState, Input, Transition> protocol) {
    this(file, protocol, true);
  }

  private Interpreter(String file, BiFunction<NodeState, Input, Transition> protocol, boolean custom) {
    this.file = file;
    this.protocol = protocol;
    this.customProtocol = custom;
  }

  /** Runs one command and returns what it printed. */
  List<String> run(Script.Case c) {
    line = c.line();
    String[] t = c.command().split("\\s+");
    List<String> out = new ArrayList<>();
    if (cluster == null && !t[0].equals("nodes")) {
      throw error("the first command must be 'nodes N [options]'");
    }
    switch (t[0]) {
      case "nodes" -> nodes(t, out);
      case "timeout" -> eachNode(t, id -> step(new Event.Timeout(id), out));
      case "heartbeat" -> heartbeat(t, out);
      case "propose" -> propose(t, out);
      case "deliver" -> deliver(t, out);
      case "drop" -> drop(t, out);
      case "partition" -> partition(t, out);
      case "heal" -> {
        island = Set.of();
        out.add("healed");
      }
      case "stabilize" -> stabilize(t, out);
      case "restart" -> eachNode(t, id -> step(new Event.Crash(id), out));
      case "persist" -> eachNode(t, id -> persist(id, out));
      case "read" -> eachNode(t, id -> step(new Event.Read(id), out));
      case "state" -> cluster.nodes().forEach(n -> out.add(ScenarioFormat.summary(n)));
      case "raft-state" -> cluster.nodes().forEach(n -> out.add(ScenarioFormat.summary(n) + ScenarioFormat.roleDetail(n)));
      case "log" -> logs(t, out);
      case "replicas" -> replicas(t, out);
      case "in-flight" -> inFlight(out);
      case "reads" -> reads(out);
      default -> throw error("unknown command '" + t[0] + "'");
    }
    if (out.isEmpty()) {
      out.add("ok");
    }
    return out;
  }

  private void nodes(String[] t, List<String> out) {
    if (cluster != null) {
      throw error("'nodes' may be given only once, first");
    }
    if (t.length < 2) {
      throw error("'nodes' needs a cluster size");
    }
    int n = intArg(t[1], "cluster size", 1, 9);
    Config config = Config.ofSize(n);
    for (int i = 2; i < t.length; i++) {
      String[] kv = t[i].split("=", 2);
      if (kv.length != 2) {
        throw error("option '" + t[i] + "' is not key=value");
      }
      config = switch (kv[0]) {
        case "prevote" -> config.withPreVote(onOff(kv));
        case "checkquorum" -> config.withCheckQuorum(onOff(kv));
        case "noop" -> config.withLeaderNoop(onOff(kv));
        case "eager" -> config.withEagerSend(onOff(kv));
        case "batch" -> config.withMaxBatch(intArg(kv[1], "batch", 1, Integer.MAX_VALUE));
        case "async" -> {
          if (onOff(kv) && !customProtocol) {
            protocol = Raft::stepAsync; // writes complete only on 'persist NODE'
          }
          yield config;
        }
        default -> throw error("unknown option '" + kv[0] + "' (prevote, checkquorum, noop, batch, eager, async)");
      };
    }
    cluster = Cluster.initial(config);
    out.add(String.join(" ", config.members().stream().map(NodeId::toString).toList())
        + " prevote=" + onOff(config.preVote()) + " checkquorum=" + onOff(config.checkQuorum())
        + " noop=" + onOff(config.leaderNoop()) + " batch=" + config.maxBatch() + " eager=" + onOff(config.eagerSend()));
  }

  private void heartbeat(String[] t, List<String> out) {
    if (t.length < 2 || t.length > 3) {
      throw error("usage: heartbeat NODE [PEER]");
    }
    NodeId id = node(t[1]);
    List<NodeId> peers = t.length == 3 ? List.of(node(t[2])) : peersOf(id);
    for (NodeId p : peers) {
      if (p.equals(id)) {
        throw error("a server sends no heartbeat to itself");
      }
      step(new Event.Heartbeat(id, p), out);
    }
  }

  private void propose(String[] t, List<String> out) {
    if (t.length < 3) {
      throw error("usage: propose NODE VALUE... (values v0..v127)");
    }
    NodeId id = node(t[1]);
    for (int i = 2; i < t.length; i++) {
      if (!t[i].matches("v\\d{1,3}")) {
        throw error("value '" + t[i] + "' is not v0..v127");
      }
      int v = intArg(t[i].substring(1), "value", 0, 127);
      step(new Event.Propose(id, Payload.Data.of((byte) v)), out);
    }
  }

  private void deliver(String[] t, List<String> out) {
    if (t.length > 3) {
      throw error("usage: deliver [FROM->TO | all] [COUNT]");
    }
    Predicate<Message> which = t.length >= 2 ? pattern(t[1]) : m -> true;
    long limit = t.length == 3 ? intArg(t[2], "count", 1, Integer.MAX_VALUE) : Long.MAX_VALUE;
    List<Message> batch = inFlight.stream().filter(which).limit(limit).toList();
    if (batch.isEmpty()) {
      out.add("no messages in flight" + (t.length >= 2 ? " matching " + t[1] : ""));
    }
    for (Message m : batch) {
      deliverOne(m, out);
    }
  }

  private void drop(String[] t, List<String> out) {
    if (t.length > 2) {
      throw error("usage: drop [FROM->TO | all]");
    }
    Predicate<Message> which = t.length == 2 ? pattern(t[1]) : m -> true;
    List<Message> batch = inFlight.stream().filter(which).toList();
    if (batch.isEmpty()) {
      out.add("no messages in flight" + (t.length == 2 ? " matching " + t[1] : ""));
    }
    for (Message m : batch) {
      dropOne(m);
      out.add("dropped " + ScenarioFormat.message(m));
    }
  }

  private void partition(String[] t, List<String> out) {
    if (t.length < 2) {
      throw error("usage: partition NODE... (the named servers on one side, the rest on the other)");
    }
    Set<NodeId> side = new HashSet<>();
    for (int i = 1; i < t.length; i++) {
      side.add(node(t[i]));
    }
    if (side.size() == cluster.config().members().size()) {
      throw error("a partition needs a server on each side");
    }
    island = Set.copyOf(side);
    List<String> a = new ArrayList<>();
    List<String> b = new ArrayList<>();
    for (NodeId id : cluster.config().members()) {
      (island.contains(id) ? a : b).add(id.toString());
    }
    out.add("partitioned " + String.join(" ", a) + " | " + String.join(" ", b));
  }

  private void stabilize(String[] t, List<String> out) {
    if (t.length > 1) {
      throw error("usage: stabilize");
    }
    if (inFlight.isEmpty() && !writesPending()) {
      out.add("no messages in flight");
    }
    int delivered = 0;
    while (!inFlight.isEmpty() || writesPending()) {
      if (++delivered > STABILIZE_BOUND) {
        throw error("messages still in flight after " + STABILIZE_BOUND + " deliveries");
      }
      for (NodeId id : cluster.config().members()) {
        while (!cluster.disk(id).pending().isEmpty()) {
          step(new Event.Persist(id), out); // storage first, so held replies leave before the next delivery
        }
      }
      if (!inFlight.isEmpty()) {
        deliverOne(inFlight.get(0), out);
      }
    }
  }

  private boolean writesPending() {
    for (Cluster.Disk d : cluster.disks()) {
      if (!d.pending().isEmpty()) {
        return true;
      }
    }
    return false;
  }

  /** Storage completes {@code id}'s oldest pending write (asynchronous scenarios, {@code nodes N async=on}). */
  private void persist(NodeId id, List<String> out) {
    if (cluster.disk(id).pending().isEmpty()) {
      throw error(id + " has no write pending");
    }
    step(new Event.Persist(id), out);
  }

  private void logs(String[] t, List<String> out) {
    List<NodeId> ids = t.length == 1 ? cluster.config().members() : new ArrayList<>();
    for (int i = 1; i < t.length; i++) {
      ids.add(node(t[i]));
    }
    for (NodeId id : ids) {
      NodeState n = cluster.node(id);
      out.add(id + " log=" + n.log() + " commit=" + n.commitIndex());
    }
  }

  /** Which server holds what at one index, and whether it counts as committed there (Figure 8). */
  private void replicas(String[] t, List<String> out) {
    if (t.length != 2) {
      throw error("usage: replicas INDEX");
    }
    long index = intArg(t[1], "index", 1, Integer.MAX_VALUE);
    Map<Entry, List<String>> holders = new LinkedHashMap<>();
    for (NodeState n : cluster.nodes()) {
      Optional<Entry> e = n.log().lastIndex() >= index ? Optional.of(n.log().entry(index)) : Optional.empty();
      out.add(n.self() + " " + e.map(Entry::toString).orElse("-")
          + (n.commitIndex() >= index ? " committed" : " not committed") + " (commit=" + n.commitIndex() + ")");
      e.ifPresent(en -> holders.computeIfAbsent(en, k -> new ArrayList<>()).add(n.self().toString()));
    }
    int size = cluster.config().members().size();
    for (var h : holders.entrySet()) {
      out.add(h.getKey() + " on " + String.join(",", h.getValue()) + ": " + h.getValue().size() + " of " + size
          + (h.getValue().size() >= cluster.config().quorum() ? ", a quorum" : ", not a quorum"));
    }
  }

  /** Every read so far, from the ghost history: what was committed when it arrived, how it was answered. */
  private void reads(List<String> out) {
    if (cluster.ghost().reads().isEmpty()) {
      out.add("no reads");
    }
    for (var r : cluster.ghost().reads()) {
      out.add("read " + r.requestId() + ": committed before arrival=" + r.committedBefore() + " answers=" + r.answers()
          + (r.readIndex() > 0 ? " served at " + r.readIndex() : ""));
    }
  }

  private void inFlight(List<String> out) {
    if (inFlight.isEmpty()) {
      out.add("no messages in flight");
    }
    for (Message m : inFlight) {
      out.add(ScenarioFormat.message(m) + (crosses(m) ? "  (partitioned)" : ""));
    }
  }

  private void deliverOne(Message m, List<String> out) {
    if (crosses(m)) {
      dropOne(m);
      out.add(ScenarioFormat.message(m) + "  dropped: partitioned");
      return;
    }
    inFlight.remove(m);
    step(new Event.Deliver(m), out);
  }

  private void dropOne(Message m) {
    inFlight.remove(m);
    Cluster before = cluster;
    cluster = cluster.next(new Event.Drop(m), Raft::step)
        .orElseThrow(() -> new IllegalStateException("not in the model's network: " + m)).next();
    check(before, Optional.empty(), "drop " + ScenarioFormat.message(m));
  }

  /** One server step: take it, print it, queue its sends, check every invariant. */
  private void step(Event e, List<String> out) {
    Cluster before = cluster;
    Cluster.Step s = cluster.next(e, this::recordingStep)
        .orElseThrow(() -> new IllegalStateException("event not enabled: " + e));
    NodeId id = s.node().orElseThrow();
    Transition tr = s.transition().orElseThrow();
    String trigger = ScenarioFormat.input(id, lastInput);
    out.add(trigger);
    out.add("  actions: " + (tr.actions().isEmpty() ? "none"
        : String.join(" ", tr.actions().stream().map(Enum::name).toList())));
    for (Output o : tr.outputs()) {
      out.add("  " + ScenarioFormat.output(o));
      if (o instanceof Output.Send(Message m)) {
        inFlight.add(m);
      }
    }
    String was = ScenarioFormat.summary(before.node(id));
    String now = ScenarioFormat.summary(tr.next());
    if (!was.equals(now)) {
      out.add("  => " + now);
    }
    cluster = s.next();
    check(before, Optional.of(tr), trigger);
    Optional<Invariant.Violation> d = io.refraft.spec.check.DurabilityInvariant.check(s);
    if (d.isPresent()) {
      throw error("invariant " + d.get().invariant() + " violated after '" + trigger + "': " + d.get().detail());
    }
  }

  private Transition recordingStep(NodeState s, Input in) {
    lastInput = in;
    return protocol.apply(s, in);
  }

  private void check(Cluster before, Optional<Transition> tr, String what) {
    Optional<Invariant.Violation> v = Optional.empty();
    if (tr.isPresent()) {
      NodeState next = tr.get().next();
      v = StepInvariant.check(before.node(next.self()), lastInput, next);
      if (v.isEmpty()) {
        v = persistBeforeSend(tr.get());
      }
    }
    if (v.isEmpty()) {
      v = Invariant.check(cluster);
    }
    if (v.isPresent()) {
      throw error("invariant " + v.get().invariant() + " violated after '" + what + "': " + v.get().detail());
    }
  }

  /** The ordering rule of {@link Output}: no Persist after a Send in one transition (Figure 2). */
  private static Optional<Invariant.Violation> persistBeforeSend(Transition tr) {
    boolean sent = false;
    for (Output o : tr.outputs()) {
      sent |= o instanceof Output.Send;
      if (sent && o instanceof Output.Persist) {
        return Optional.of(new Invariant.Violation("PersistBeforeSend", "outputs " + tr.outputs()));
      }
    }
    return Optional.empty();
  }

  private boolean crosses(Message m) {
    return !island.isEmpty() && island.contains(m.from()) != island.contains(m.to());
  }

  private Predicate<Message> pattern(String p) {
    if (p.equals("all")) {
      return m -> true;
    }
    String[] ends = p.split("->", -1);
    if (ends.length != 2) {
      throw error("'" + p + "' is not FROM->TO (either may be *) or all");
    }
    Optional<NodeId> from = ends[0].equals("*") ? Optional.empty() : Optional.of(node(ends[0]));
    Optional<NodeId> to = ends[1].equals("*") ? Optional.empty() : Optional.of(node(ends[1]));
    return m -> from.map(m.from()::equals).orElse(true) && to.map(m.to()::equals).orElse(true);
  }

  private void eachNode(String[] t, Consumer<NodeId> action) {
    if (t.length < 2) {
      throw error("usage: " + t[0] + " NODE...");
    }
    for (int i = 1; i < t.length; i++) {
      action.accept(node(t[i]));
    }
  }

  private List<NodeId> peersOf(NodeId id) {
    return cluster.config().members().stream().filter(p -> !p.equals(id)).toList();
  }

  private NodeId node(String name) {
    for (NodeId id : cluster.config().members()) {
      if (id.name().equals(name)) {
        return id;
      }
    }
    throw error("no server '" + name + "' (servers: " + cluster.config().members() + ")");
  }

  private int intArg(String s, String what, int lo, int hi) {
    try {
      int v = Integer.parseInt(s);
      if (v >= lo && v <= hi) {
        return v;
      }
    } catch (NumberFormatException e) {
      // reported below with the expected range
    }
    throw error(what + " must be an integer in " + lo + ".." + hi + ", got '" + s + "'");
  }

  private boolean onOff(String[] kv) {
    return switch (kv[1]) {
      case "on" -> true;
      case "off" -> false;
      default -> throw error("option " + kv[0] + " takes on or off, got '" + kv[1] + "'");
    };
  }

  private static String onOff(boolean b) {
    return b ? "on" : "off";
  }

  private Script.ScriptError error(String message) {
    return new Script.ScriptError(file, line, message);
  }
}
