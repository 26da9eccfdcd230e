package io.refraft.verification.sim;

import io.refraft.impl.kv.Command;
import io.refraft.impl.kv.CommandCodec;
import io.refraft.impl.kv.KvOp;
import io.refraft.impl.kv.Result;
import io.refraft.impl.node.Clock;
import io.refraft.impl.node.Driver;
import io.refraft.impl.node.NotLeaderException;
import io.refraft.impl.server.KvAnswers;
import io.refraft.impl.server.KvService;
import io.refraft.spec.NodeId;
import io.refraft.verification.history.Op.Type;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;

/**
 * Jepsen-style clients of the simulated cluster, going through the same entry points as the KV
 * HTTP API: each client opens a session, then issues one {@link SimWorkload} operation at a time —
 * writes and transactions proposed as {@link CommandCodec} commands in its session
 * ({@link Driver#propose}, answered by the node's {@link KvService}), reads by ReadIndex
 * ({@link Driver#read}, then the state machine). Every operation is recorded as an invocation and a
 * completion with virtual times:
 * <ul>
 *   <li>a {@link NotLeaderException} means nothing was appended: the client follows the hint to the
 *       leader, and after {@link #MAX_HOPS} gives up with {@code :fail};</li>
 *   <li>an unknown outcome (the node lost the proposal, crashed, or did not answer within
 *       {@link #OP_TIMEOUT}) is retried with the same session sequence number on another node, up
 *       to {@link #MAX_ATTEMPTS} times (exactly-once by the session, thesis §6.3), and is
 *       {@code :info} if still unknown; the process then counts as crashed and continues under a
 *       new process number, as Jepsen's do. A read that times out had no effect: {@code :fail}.</li>
 * </ul>
 */
final class ClientLoad {
  private static final int MAX_HOPS = 5;
  private static final int MAX_ATTEMPTS = 3;
  private static final long OP_TIMEOUT = 500 * SimNetwork.MS;

  /** A proposal the cluster acknowledged: applied at {@code index} on the node it was proposed to. */
  record Acked(long index, byte[] command) {}

  /** What the clients need of the simulated cluster. */
  interface Cluster {
    /** Node {@code i}'s driver, or null while it is down. */
    Driver driver(int i);

    /** Node {@code i}'s KV service as its clients see it. */
    KvAnswers kv(int i);

    /** Runs {@code task} once node {@code i}'s turn would really have finished (after a slow fsync), unless it crashed. */
    void afterTurn(int i, Runnable task);
  }

  private final class Client {
    long process;
    long clientId;
    long seq;
    int node;
    int token;
    SimWorkload.Invocation current;
    byte[] command;
    long mustSee;
    /** An attempt of the current write may have taken effect: it can no longer end in {@code :fail}. */
    boolean uncertain;
  }

  private final SimClock clock;
  private final SplittableRandom random;
  private final int nodes;
  private final SimWorkload workload;
  private final Cluster cluster;
  private final List<Client> clients = new ArrayList<>();
  private final ListReads lists = new ListReads();
  private final List<Acked> acked = new ArrayList<>();
  private final List<io.refraft.verification.history.Op> history = new ArrayList<>();
  private long maxAckedIndex;
  private boolean quiet;
  private Optional<String> violation = Optional.empty();
  long ok;
  long failed;
  long unknown;
  long retries;

  ClientLoad(SimClock clock, SplittableRandom random, int nodes, boolean reads, Cluster cluster) {
    this.clock = clock;
    this.random = random;
    this.nodes = nodes;
    this.workload = new SimWorkload(random.split(), reads);
    this.cluster = cluster;
    for (int i = 0; i < 2 * nodes; i++) {
      Client c = new Client();
      c.process = i;
      c.node = i % nodes;
      clients.add(c);
    }
  }

  void start() {
    for (Client c : clients) {
      clock.schedule(delay(1, 20), () -> next(c));
    }
  }

  /** Stops issuing new operations (those in progress finish, by answer or timeout). */
  void quiet() {
    quiet = true;
  }

  List<Acked> acked() {
    return acked;
  }

  /** The history so far: invocations and completions in real (virtual) time order. */
  List<io.refraft.verification.history.Op> history() {
    return history;
  }

  /** A read whose read index is below a write acknowledged before it began (thesis §6.4). */
  Optional<String> violation() {
    return violation;
  }

  private void next(Client c) {
    if (quiet) {
      return;
    }
    c.seq++;
    if (c.clientId == 0) {
      c.current = new SimWorkload.Invocation(null, null, new KvOp.OpenSession(), false);
      c.command = CommandCodec.encode(Command.of(clock.nanoTime() / SimNetwork.MS, new KvOp.OpenSession()));
    } else {
      c.current = workload.next();
      c.command = c.current.read() ? null
          : CommandCodec.encode(Command.of(clock.nanoTime() / SimNetwork.MS, c.clientId, c.seq, c.current.op()));
      c.mustSee = maxAckedIndex;
      record(c, Type.INVOKE, c.current.value(), null);
    }
    attempt(c, 0, 1);
  }

  private void attempt(Client c, int hops, int tries) {
    int token = ++c.token;
    int node = c.node;
    Driver d = cluster.driver(node);
    if (d == null) { // connection refused: nothing was sent
      redirect(c, Optional.empty(), hops, tries);
      return;
    }
    CompletableFuture<Long> f = c.command == null ? d.read() : d.propose(c.command);
    Clock.Timer timer = clock.schedule(OP_TIMEOUT, () -> {
      if (c.token == token) {
        c.token++;
        lost(c, hops, tries, "timeout");
      }
    });
    f.whenComplete((index, error) -> cluster.afterTurn(node, () -> {
      if (c.token != token) {
        return; // timed out, or the answer of an earlier attempt
      }
      timer.cancel();
      c.token++;
      if (error == null) {
        answered(c, node, index);
      } else if (error instanceof NotLeaderException nl) {
        redirect(c, nl.leader(), hops, tries);
      } else {
        lost(c, hops, tries, error.getMessage());
      }
    }));
  }

  private void redirect(Client c, Optional<NodeId> hint, int hops, int tries) {
    if (hops >= MAX_HOPS) {
      finish(c, c.uncertain ? Type.INFO : Type.FAIL, c.current.value(), "no leader reached");
      return;
    }
    c.node = hint.map(SimNetworkNames::index).orElseGet(() -> random.nextInt(nodes));
    clock.schedule(hint.isPresent() ? delay(0, 2) : delay(10, 50), () -> attempt(c, hops + 1, tries));
  }

  private void lost(Client c, int hops, int tries, String why) {
    if (c.command == null) {
      finish(c, Type.FAIL, c.current.value(), "read not confirmed: " + why);
    } else if (tries < MAX_ATTEMPTS) {
      retries++;
      c.uncertain = true;
      c.node = random.nextInt(nodes);
      clock.schedule(delay(10, 50), () -> attempt(c, 0, tries + 1)); // same session and sequence number
    } else {
      finish(c, Type.INFO, c.current.value(), why);
    }
  }

  private void answered(Client c, int node, long index) {
    KvAnswers kv = cluster.kv(node);
    if (c.command == null) {
      if (index < c.mustSee) {
        violation = violation.or(() -> Optional.of("ReadLinearizable: a read served at index " + index
            + " started after the write at index " + c.mustSee + " was acknowledged: a stale read"));
      }
      SimWorkload.Completion done = SimWorkload.complete(c.current, kv.read(c.current.op()), lists);
      finish(c, done.type(), done.value(), done.error());
      return;
    }
    Optional<Result> r = kv.answer(index, c.current.op());
    if (r.isEmpty()) {
      finish(c, Type.INFO, c.current.value(), "result of index " + index + " no longer known");
      return;
    }
    acked.add(new Acked(index, c.command));
    maxAckedIndex = Math.max(maxAckedIndex, index);
    if (c.current.f() == null) { // a session was opened
      if (r.get() instanceof Result.SessionOpened s) {
        c.clientId = s.clientId();
        c.seq = 0;
      }
      finish(c, null, null, null);
      return;
    }
    if (r.get() instanceof Result.SessionExpired) {
      c.clientId = 0; // opens a new session before its next operation
    }
    SimWorkload.Completion done = SimWorkload.complete(c.current, r.get(), lists);
    finish(c, done.type(), done.value(), done.error());
  }

  private void finish(Client c, Type type, Object value, String error) {
    if (c.current.f() != null) {
      record(c, type, value, error);
      switch (type) {
        case OK -> ok++;
        case FAIL -> failed++;
        case INFO -> unknown++;
        case INVOKE -> throw new IllegalStateException("a completion is not an invocation");
      }
      if (type == Type.INFO) {
        c.process += clients.size(); // Jepsen: a process with an unknown outcome is replaced
      }
    }
    c.current = null;
    c.command = null;
    c.uncertain = false;
    clock.schedule(delay(5, 40), () -> next(c));
  }

  private void record(Client c, Type type, Object value, String error) {
    history.add(new io.refraft.verification.history.Op(history.size(), type, c.process, c.current.f(), value,
        clock.nanoTime(), error));
  }

  private long delay(int minMs, int maxMs) {
    return (minMs + random.nextLong(maxMs - minMs + 1)) * SimNetwork.MS;
  }
}
