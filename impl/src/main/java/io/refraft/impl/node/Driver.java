package io.refraft.impl.node;

import io.refraft.impl.codec.EntryCodec;
import io.refraft.impl.codec.MalformedMessageException;
import io.refraft.impl.codec.MessageCodec;
import io.refraft.impl.net.Transport;
import io.refraft.impl.storage.LogRecord;
import io.refraft.impl.storage.Meta;
import io.refraft.impl.storage.Recovered;
import io.refraft.impl.storage.Storage;
import io.refraft.spec.Config;
import io.refraft.spec.DurableState;
import io.refraft.spec.Entry;
import io.refraft.spec.Input;
import io.refraft.spec.Log;
import io.refraft.spec.Message;
import io.refraft.spec.NodeId;
import io.refraft.spec.NodeState;
import io.refraft.spec.Output;
import io.refraft.spec.Payload;
import io.refraft.spec.Raft;
import io.refraft.spec.Role;
import io.refraft.spec.Transition;
import io.refraft.traces.StateSummary;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's one state thread (DESIGN §4): owns the {@link NodeState}, steps {@link Raft#step} over
 * a mailbox of inputs and carries out the outputs. It takes no protocol decision of its own.
 *
 * <p><b>A turn.</b> The thread takes every event available in the mailbox and steps each in order
 * (all client proposals of the turn as one {@link Input.ClientPropose}, so one AppendEntries carries
 * them all; a busy leader holds proposals back while its previous batch is uncommitted, so they
 * accumulate into the next batch, see {@link Proposals#mayPropose}; all reads of the turn as one {@link Input.ReadIndexRequest}, so one heartbeat round
 * confirms them all). While stepping, persists only go to the storage buffer. At the end of the turn:
 * <ol>
 *   <li>one {@link Storage#sync()} makes every persist of the turn durable (group commit; a
 *       {@code LogSuffix} that truncates calls {@link Storage#truncateFrom}, which is durable on its
 *       own);</li>
 *   <li>then every message of the turn is sent: a vote or acknowledgement never leaves before it is
 *       durable ({@link Output}'s ordering rule, Figure 2 "respond to RPCs after updating stable
 *       storage");</li>
 *   <li>then committed entries are applied to the {@link StateMachine}, in index order;</li>
 *   <li>then client futures complete, for entries applied in the term they were proposed in.</li>
 * </ol>
 *
 * <p><b>Timers.</b> The spec emits {@code ResetElectionTimer} only where the paper restarts the
 * timer (hearing from the leader, granting a vote, starting an election, restart). The driver
 * additionally re-arms the election timer every time it fires: otherwise a follower whose
 * pre-vote failed (no reset emitted) would never time out again, and a leader running check-quorum
 * would check only once. Each arming draws a fresh timeout uniformly from
 * [{@link Timing#electionMin()}, {@link Timing#electionMax()}] with the injected random generator
 * (§5.2: randomized timeouts make split votes rare); a generation number discards a stale firing
 * that raced a re-arm. The heartbeat timer runs at a fixed period on every role; the spec ignores
 * it on a follower.
 *
 * <p><b>Failure.</b> A storage error (or any exception from a step) is fatal: the driver stops
 * (crash-stop, which Raft tolerates; continuing after a failed fsync could acknowledge data that is
 * not durable), fails every waiting proposal with {@link ProposalLostException} and reports the
 * cause to the {@code onFatal} callback.
 *
 * <p><b>Use.</b> Either {@link #start()} (recover, start the transport and timers, run the thread),
 * or, for a deterministic simulator, {@link #recover()} then {@link #runTurn()} whenever events were
 * posted, with timers on a virtual {@link Clock}. Everything here but {@link #propose},
 * {@link #status()}, {@link #stop()} and the transport receiver runs on one thread.
 */
public final class Driver {
  private static final Logger LOG = LoggerFactory.getLogger(Driver.class);
  /** Inbound messages beyond this many waiting are dropped (Raft retries, thesis §3.3). */
  static final int MAX_QUEUED_MESSAGES = 65_536;
  /** Proposals beyond this many waiting fail at once rather than queue without bound. */
  static final int MAX_QUEUED_PROPOSALS = 65_536;

  private final NodeId self;
  private final Config config;
  private final Timing timing;
  private final Clock clock;
  private final RandomGenerator random;
  private final Transport transport;
  private final Storage storage;
  private final StateMachine stateMachine;
  private final TraceSink trace;
  private final Consumer<Throwable> onFatal;

  private final LinkedBlockingQueue<Mail> mailbox = new LinkedBlockingQueue<>();
  private final AtomicInteger queuedMessages = new AtomicInteger();
  private final AtomicInteger queuedProposals = new AtomicInteger();
  private final AtomicLong droppedMessages = new AtomicLong();
  private final AtomicLong malformedMessages = new AtomicLong();
  private volatile Snapshot published;
  private volatile boolean stopped;
  private Thread thread;

  // Owned by the state thread.
  private NodeState state;
  private long storedLastIndex;
  private long lastApplied;
  private boolean dirty;
  /** Whether this turn persisted term or vote: then nothing at all may leave before the fsync. */
  private boolean hardStateDirty;
  private long syncs;
  private long entriesSynced;
  private long unsyncedEntries;
  private long electionGeneration;
  private Clock.Timer electionTimer;
  private Clock.Timer heartbeatTimer;
  private long nextSendSeq = 1;
  private final List<Outgoing> outbox = new ArrayList<>();
  private final List<Output.Apply> toApply = new ArrayList<>();
  private final Proposals proposals = new Proposals();
  /** The batch being stepped as a {@link Input.ClientPropose}, or null. */
  private Proposals.Batch proposing;
  private final Reads reads = new Reads();
  /** Planted bugs (impl/README.md "Planted bugs"); all false in production. */
  private boolean staleRead;
  private boolean ackBeforeCommit;
  private boolean voteTwice;

  /** A message to send and its number (the {@code seq} of its id {@code from/to/seq}). */
  private record Outgoing(long seq, Message message) {}

  public Driver(NodeId self, Config config, Timing timing, Clock clock, RandomGenerator random,
      Transport transport, Storage storage, StateMachine stateMachine, TraceSink trace,
      Consumer<Throwable> onFatal) {
    if (!config.isMember(self)) {
      throw new IllegalArgumentException(self + " is not a member of " + config.members());
    }
    this.self = self;
    this.config = config;
    this.timing = timing;
    this.clock = clock;
    this.random = random;
    this.transport = transport;
    this.storage = storage;
    this.stateMachine = stateMachine;
    this.trace = trace;
    this.onFatal = onFatal;
    this.state = NodeState.initial(self, config);
    publishStatus();
  }

  /**
   * Numbers this node's next message {@code seq} (default 1). Message ids must never repeat, across
   * restarts too (traces/FORMAT.md §2.2), so a process that traces starts above anything used
   * before. Call before {@link #recover()}.
   */
  public void firstMessageSeq(long seq) {
    if (seq < 1) {
      throw new IllegalArgumentException("seq must be >= 1, got " + seq);
    }
    nextSendSeq = seq;
  }

  /**
   * Plants deliberate bugs ({@link InjectedBug}) that live in the driver: {@code stale-read},
   * {@code ack-before-commit}, {@code vote-twice}. For tests of the verification tools only; call
   * before {@link #recover()}.
   */
  public void plantBugs(Set<InjectedBug> bugs) {
    staleRead = bugs.contains(InjectedBug.STALE_READ);
    ackBeforeCommit = bugs.contains(InjectedBug.ACK_BEFORE_COMMIT);
    voteTwice = bugs.contains(InjectedBug.VOTE_TWICE);
  }

  /** Recovers, starts the transport's receiver and the timers, and runs the state thread. */
  public synchronized void start() throws IOException {
    if (thread != null) {
      throw new IllegalStateException("already started");
    }
    recover();
    transport.start(this::receive);
    armHeartbeat();
    thread = new Thread(this::loop, "raft-" + self);
    thread.start();
  }

  /**
   * What {@link #start()} does without the thread, for a deterministic simulator: recovers, registers
   * with the transport and arms the heartbeat timer on the injected {@link Clock}; the caller then
   * calls {@link #runTurn()} whenever a timer or the transport posted an event.
   */
  public void startWithoutThread() throws IOException {
    recover();
    transport.start(this::receive);
    armHeartbeat();
  }

  /**
   * Loads durable state and steps {@link Input.Restart} with it (Figure 2: a server starts from
   * its persistent state; everything volatile starts afresh). Call once, before any turn.
   */
  public void recover() throws IOException {
    Recovered r = storage.load();
    List<Entry> entries = new ArrayList<>(r.records().size());
    long expected = 1;
    for (LogRecord rec : r.records()) {
      if (rec.index() != expected) {
        throw new IOException("the log starts at index " + r.firstIndex() + "; this node has no snapshots, so it "
            + "needs the log from index 1");
      }
      expected++;
      try {
        entries.add(EntryCodec.fromRecord(rec));
      } catch (MalformedMessageException e) {
        throw new IOException("log entry " + rec.index() + " cannot be decoded: " + e.getMessage(), e);
      }
    }
    Meta m = r.meta();
    DurableState durable = new DurableState(m.term(), Optional.ofNullable(m.votedFor()).map(NodeId::of),
        Log.of(entries));
    storedLastIndex = durable.log().lastIndex();
    step(new Input.Restart(durable), 0);
    if (trace != TraceSink.OFF) {
      trace.endTurn();
    }
    publishStatus();
  }

  /**
   * Asks the cluster to commit {@code command}. The future completes with the entry's index once
   * this node has applied it; fails with {@link NotLeaderException} when this node is not the
   * leader, or with {@link ProposalLostException} when the outcome became unknown here. Completes
   * on the state thread: attach only non-blocking callbacks, or the {@code *Async} variants.
   */
  public CompletableFuture<Long> propose(byte[] command) {
    CompletableFuture<Long> result = new CompletableFuture<>();
    if (stopped) {
      result.completeExceptionally(new ProposalLostException(self + " is stopped"));
    } else if (queuedProposals.incrementAndGet() > MAX_QUEUED_PROPOSALS) {
      queuedProposals.decrementAndGet();
      result.completeExceptionally(new ProposalLostException(self + " is overloaded: "
          + MAX_QUEUED_PROPOSALS + " proposals waiting"));
    } else {
      mailbox.add(new Mail.Propose(command, result));
      if (stopped) {
        // raced shutDown's final drain: nobody will take it from the mailbox
        result.completeExceptionally(new ProposalLostException(self + " is stopped"));
      }
    }
    return result;
  }

  /**
   * A linearizable read point (thesis §6.4, ReadIndex): the future completes with a read index once
   * this node, the leader, has confirmed its leadership with a quorum after the request arrived and
   * has applied the log up to that index; the state machine may then be read. Fails with
   * {@link NotLeaderException} on a follower or when leadership is lost, and with
   * {@link ProposalLostException} when the node stops. Completes on the state thread.
   */
  public CompletableFuture<Long> read() {
    CompletableFuture<Long> result = new CompletableFuture<>();
    if (stopped) {
      result.completeExceptionally(new ProposalLostException(self + " is stopped"));
    } else {
      mailbox.add(new Mail.Read(result));
      if (stopped) {
        result.completeExceptionally(new ProposalLostException(self + " is stopped"));
      }
    }
    return result;
  }

  /** The status as of the end of the last turn; any thread. */
  public NodeStatus status() {
    return published.status(self);
  }

  /** Messages dropped because the mailbox was full, and messages that did not decode. */
  public long droppedMessages() {
    return droppedMessages.get();
  }

  public long malformedMessages() {
    return malformedMessages.get();
  }

  /** Stops the state thread and the timers, failing waiting proposals; idempotent, any thread. */
  public void stop() throws InterruptedException {
    Thread t;
    synchronized (this) {
      t = thread;
    }
    mailbox.add(new Mail.Stop());
    if (t != null && t != Thread.currentThread()) {
      t.join();
    }
  }

  /** The transport's receiver: decodes on the transport thread and posts; never blocks. */
  void receive(String from, byte[] bytes) {
    MessageCodec.Envelope envelope;
    try {
      envelope = MessageCodec.decode(bytes);
    } catch (MalformedMessageException e) {
      malformedMessages.incrementAndGet();
      LOG.warn("{}: dropping a malformed message from {}: {}", self, from, e.getMessage());
      return;
    }
    Message m = envelope.message();
    if (!m.from().name().equals(from) || !m.to().equals(self) || !config.isMember(m.from())) {
      malformedMessages.incrementAndGet();
      LOG.warn("{}: dropping a message from connection {} addressed {} -> {}", self, from, m.from(), m.to());
      return;
    }
    if (queuedMessages.incrementAndGet() > MAX_QUEUED_MESSAGES) {
      queuedMessages.decrementAndGet();
      droppedMessages.incrementAndGet();
      return;
    }
    mailbox.add(new Mail.Deliver(envelope.seq(), m));
  }

  private void loop() {
    List<Mail> batch = new ArrayList<>();
    try {
      while (!stopped) {
        batch.add(mailbox.take());
        mailbox.drainTo(batch);
        turn(batch);
        batch.clear();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      shutDown(new ProposalLostException(self + " was interrupted"));
    }
  }

  /** Runs one turn over every event now in the mailbox, without blocking; for simulators. */
  public void runTurn() {
    if (mailbox.isEmpty()) { // a simulator asks after every event, mostly of other nodes: no lock then
      return;
    }
    List<Mail> batch = new ArrayList<>();
    mailbox.drainTo(batch);
    if (!batch.isEmpty()) {
      turn(batch);
    }
  }

  private void turn(List<Mail> events) {
    try {
      List<CompletableFuture<Long>> turnReads = new ArrayList<>();
      boolean stop = false;
      for (Mail e : events) {
        switch (e) {
          case Mail.Deliver(long seq, Message m) -> {
            queuedMessages.decrementAndGet();
            step(new Input.MessageReceived(m), seq);
          }
          case Mail.ElectionFired(long generation) -> {
            if (generation == electionGeneration) {
              step(new Input.ElectionTimeout(), 0);
              armElectionTimer();
            }
          }
          case Mail.HeartbeatFired h -> {
            step(Input.HeartbeatTimeout.all(), 0);
            armHeartbeat();
          }
          case Mail.Propose(byte[] command, CompletableFuture<Long> result) -> {
            proposals.hold(command, result);
          }
          case Mail.Read(CompletableFuture<Long> result) when staleRead -> result.complete(lastApplied);
          case Mail.Read(CompletableFuture<Long> result) -> turnReads.add(result);
          case Mail.Stop s -> stop = true;
        }
      }
      if (!turnReads.isEmpty()) {
        // Every read of the turn arrived before this one request, so one confirmation round started
        // after all of them serves them all (thesis §6.4: "the leader can batch read-only queries").
        step(new Input.ReadIndexRequest(reads.request(turnReads)), 0);
      }
      if (proposals.anyHeld() && proposals.mayPropose(state)) {
        proposing = proposals.takeHeld();
        queuedProposals.addAndGet(-proposing.results().size());
        step(new Input.ClientPropose(proposing.commands()), 0);
        proposing = null;
      }
      finishTurn();
      if (stop) {
        shutDown(new ProposalLostException(self + " stopped before the entry was applied"));
      }
    } catch (IOException | RuntimeException e) {
      LOG.error("{}: fatal error, stopping the node: {}", self, e.toString(), e);
      shutDown(new ProposalLostException(self + " failed: " + e));
      onFatal.accept(e);
    }
  }

  /** Durability, then sends, then applies, then completions (the class comment's order). */
  private void finishTurn() throws IOException {
    if (dirty && (trace == TraceSink.OFF || trace.allowsEarlySend()) && !hardStateDirty) {
      sendLeaderAppendsEarly();
    }
    hardStateDirty = false;
    if (dirty) {
      storage.sync();
      syncs++;
      entriesSynced += unsyncedEntries;
      unsyncedEntries = 0;
      dirty = false;
    }
    if (trace != TraceSink.OFF) {
      trace.endTurn(); // the trace shows a step durable only once it is, and before its sends leave
    }
    for (Outgoing o : outbox) {
      transport.send(o.message().to().name(), MessageCodec.encode(o.seq(), o.message()));
    }
    outbox.clear();
    for (Output.Apply a : toApply) {
      apply(a);
    }
    toApply.clear();
    reads.serveUpTo(lastApplied);
    publishStatus();
  }

  /**
   * Thesis §10.2.1: the leader may write its log in parallel with replicating it, as long as it
   * counts itself towards a majority only once its own copy is durable. Here it sends this turn's
   * AppendEntries requests before the turn's fsync; its own match is counted by the spec when an
   * acknowledgement is stepped, which happens in a later turn, after this turn's fsync returned (one
   * thread runs both), so the leader never counts an entry it has not made durable. Only a leader's
   * AppendEntries go early: its term and vote are durable from its election, and a turn that
   * persisted term or vote sends nothing early. Votes and acknowledgements still wait for the fsync
   * (Figure 2). With tracing on the strict order is kept, so a crash between the send and the end of
   * the turn cannot leave a receiver's trace naming a message its sender's trace never shows.
   */
  private void sendLeaderAppendsEarly() {
    var it = outbox.iterator();
    while (it.hasNext()) {
      Outgoing o = it.next();
      if (o.message() instanceof Message.AppendEntriesRequest) {
        transport.send(o.message().to().name(), MessageCodec.encode(o.seq(), o.message()));
        it.remove();
      }
    }
  }

  /** One spec step; {@code receivedSeq} numbers a received message (0 for other inputs). */
  private void step(Input input, long receivedSeq) throws IOException {
    NodeState before = voteTwice ? InjectedBug.forgetVote(state, input) : state;
    Transition t = Raft.step(before, input);
    if (trace != TraceSink.OFF) {
      trace.step(before, input, receivedSeq, t, nextSendSeq);
    }
    state = t.next();
    for (Output o : t.outputs()) {
      switch (o) {
        case Output.HardState h -> {
          storage.saveMeta(new Meta(h.term(), h.votedFor().map(NodeId::name).orElse(null)));
          dirty = true;
          hardStateDirty = true;
        }
        case Output.LogSuffix s -> persistSuffix(s);
        case Output.Send s -> outbox.add(new Outgoing(nextSendSeq++, s.message()));
        case Output.Apply a -> toApply.add(a);
        case Output.ResetElectionTimer r -> armElectionTimer();
        case Output.ProposalAccepted a -> proposals.accepted(a, proposing, ackBeforeCommit);
        case Output.ProposalRejected r -> {
          NotLeaderException e = new NotLeaderException(r.leader());
          proposing.results().forEach(f -> f.completeExceptionally(e));
        }
        case Output.ReadReady r -> reads.ready(r);
        case Output.ReadRejected r -> reads.rejected(r);
      }
    }
  }

  private void persistSuffix(Output.LogSuffix s) throws IOException {
    if (s.firstIndex() <= storedLastIndex) {
      // A follower drops a conflicting suffix (§5.3); proposals waiting there will not commit here.
      ProposalLostException lost = new ProposalLostException(
          "entry replaced by another leader's (" + self + " truncated its log from " + s.firstIndex() + ")");
      proposals.truncated(s.firstIndex(), lost);
      storage.truncateFrom(s.firstIndex());
      storedLastIndex = s.firstIndex() - 1;
    }
    if (!s.entries().isEmpty()) {
      List<LogRecord> records = new ArrayList<>(s.entries().size());
      long index = s.firstIndex();
      for (Entry e : s.entries()) {
        records.add(EntryCodec.toRecord(index++, e));
      }
      storage.append(records);
      storedLastIndex = index - 1;
      unsyncedEntries += records.size();
      dirty = true;
    }
  }

  private void apply(Output.Apply a) {
    long index = a.firstIndex();
    for (Entry e : a.entries()) {
      if (index > lastApplied) {
        if (e.payload() instanceof Payload.Data d) {
          stateMachine.apply(index, d.toByteArray());
        }
        lastApplied = index;
        proposals.applied(index, e.term());
      }
      index++;
    }
  }

  private void armElectionTimer() {
    if (electionTimer != null) {
      electionTimer.cancel();
    }
    long generation = ++electionGeneration;
    long min = timing.electionMin().toNanos();
    long delay = min + random.nextLong(timing.electionMax().toNanos() - min + 1);
    electionTimer = clock.schedule(delay, () -> mailbox.add(new Mail.ElectionFired(generation)));
  }

  private void armHeartbeat() {
    heartbeatTimer = clock.schedule(timing.heartbeat().toNanos(), () -> mailbox.add(new Mail.HeartbeatFired()));
  }

  private void shutDown(Exception cause) {
    stopped = true;
    if (electionTimer != null) {
      electionTimer.cancel();
    }
    if (heartbeatTimer != null) {
      heartbeatTimer.cancel();
    }
    proposals.failAll(cause);
    reads.failAll(cause);
    List<Mail> left = new ArrayList<>();
    mailbox.drainTo(left);
    for (Mail e : left) {
      if (e instanceof Mail.Propose p) {
        p.result().completeExceptionally(cause);
      } else if (e instanceof Mail.Read r) {
        r.result().completeExceptionally(cause);
      }
    }
  }

  /**
   * Publishes the turn's end state for other threads: a reference to the immutable state and three
   * counters. The {@link NodeStatus} (role name, progress map) is built only when someone reads it,
   * once per snapshot: a node takes thousands of turns per second, and reads of its status are rare.
   */
  private void publishStatus() {
    published = new Snapshot(state, lastApplied, syncs, entriesSynced);
  }

  /** One turn's end state; its status is built at the first read (a race builds equal copies). */
  private static final class Snapshot {
    private final NodeState state;
    private final long lastApplied;
    private final long syncs;
    private final long entriesSynced;
    /** Safe to publish without a lock: a record whose fields are final and whose map is immutable. */
    private NodeStatus status;

    Snapshot(NodeState state, long lastApplied, long syncs, long entriesSynced) {
      this.state = state;
      this.lastApplied = lastApplied;
      this.syncs = syncs;
      this.entriesSynced = entriesSynced;
    }

    NodeStatus status(NodeId self) {
      NodeStatus st = status;
      if (st == null) {
        NodeState s = state;
        Map<NodeId, NodeStatus.Progress> progress = new TreeMap<>();
        if (s.role() instanceof Role.Leader l) {
          l.progress().forEach((peer, p) -> progress.put(peer, new NodeStatus.Progress(p.match(), p.next())));
        }
        st = new NodeStatus(self, StateSummary.roleName(s.role()), s.term(), s.leader(), s.commitIndex(),
            s.log().lastIndex(), lastApplied, progress, syncs, entriesSynced, s.log());
        status = st;
      }
      return st;
    }
  }
}
