package io.refraft.impl.node;

import io.refraft.impl.net.Transport;
import io.refraft.impl.storage.DiskFullException;
import io.refraft.impl.storage.Recovered;
import io.refraft.impl.storage.Storage;
import io.refraft.spec.Config;
import io.refraft.spec.DurableState;
import io.refraft.spec.Input;
import io.refraft.spec.Message;
import io.refraft.spec.NodeId;
import io.refraft.spec.NodeState;
import io.refraft.spec.Output;
import io.refraft.spec.Transition;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's one state thread (docs/ARCHITECTURE.md#the-node): owns the {@link NodeState}, steps the spec (its
 * {@link StepFunction}, {@code Raft.stepAsync}) over a mailbox of inputs and carries out the outputs,
 * and tells the spec what its storage made durable ({@link Input.Persisted}). It takes no protocol
 * decision of its own: not even which message may leave before its fsync.
 *
 * <p><b>Parts.</b> The driver itself runs the turns and dispatches each step's outputs; its parts,
 * all owned by the state thread but the mailbox: the {@link Mailbox} (the queue other threads post
 * {@link Mail} to, and the transport's receiver); {@link TurnOutputs} (persists, sends and applies, at
 * the end of the turn); {@link Timers} (election and heartbeat); {@link Proposals} and
 * {@link Reads} (client futures from arrival to outcome); {@link StatusSnapshot} (what other
 * threads read).
 *
 * <p><b>A turn.</b> The thread takes every mail available in the mailbox and steps each in order
 * (all client proposals of the turn as one {@link Input.ClientPropose}, so one AppendEntries carries
 * them all; a busy leader holds proposals back while its previous batch is uncommitted, so they
 * accumulate into the next batch, see {@link BatchedProposals#mayPropose}; all reads of the turn as
 * one {@link Input.ReadIndexRequest}, so one heartbeat round confirms them all). While stepping,
 * persists only go to the storage buffer, and the spec holds every message that must wait for them
 * ({@code Sync}). At the end of the turn:
 * <ol>
 *   <li>the messages the spec released are sent: a leader's AppendEntries leave before its own
 *       copy is durable (thesis §10.2.1; the spec counts the leader's own log only once durable);</li>
 *   <li>one {@link Storage#sync()} makes every persist of the turn durable (group commit; a
 *       {@code LogSuffix} that truncates calls {@link Storage#truncateFrom}, which is durable on its
 *       own), and the driver steps {@link Input.Persisted} with what is now durable;</li>
 *   <li>the messages that step released are sent: votes and acknowledgements leave only now (Figure 2,
 *       "respond to RPCs after updating stable storage"), and a leader counts itself toward commit.
 *       A {@code Persisted} step that writes again (a candidate that wins becomes leader and appends
 *       its no-op) repeats 2–3 until nothing is pending;</li>
 *   <li>then committed entries are applied to the {@link StateMachine}, in index order (the spec
 *       applies only what is committed and durable here);</li>
 *   <li>then client futures complete, for entries applied in the term they were proposed in, and for
 *       reads whose read index is now applied.</li>
 * </ol>
 *
 * <p><b>A full disk.</b> A sync whose write finds no space ({@link DiskFullException}) is not fatal:
 * the storage keeps what it could not write, the spec is told nothing (so nothing waiting for that
 * write is sent, acknowledged, counted or applied), new proposals are refused with
 * {@link NoSpaceException} before they reach the log, and every later turn tries the sync again;
 * reads go on. The first sync that succeeds ends it.
 *
 * <p><b>Failure.</b> Any other storage error (or any exception from a step) is fatal: the driver stops
 * (crash-stop, which Raft tolerates; continuing after a failed fsync could acknowledge data that is
 * not durable), fails every waiting proposal and read with {@link ProposalLostException} and reports
 * the cause to the {@code onFatal} callback.
 *
 * <p><b>Use.</b> Either {@link #start()} (recover, start the transport and timers, run the thread),
 * or, for a deterministic simulator, {@link #startWithoutThread()} then {@link #runTurn()} whenever
 * mail was posted, with timers on a virtual {@link Clock}. Everything here but {@link #propose},
 * {@link #read}, {@link #status()}, {@link #droppedMessages()}, {@link #malformedMessages()},
 * {@link #stop()} and the transport receiver runs on one thread.
 */
public final class Driver {
  private static final Logger LOG = LoggerFactory.getLogger(Driver.class);

  /**
   * How a driver steps the spec and tracks client requests. {@link #standard()} in every node: a
   * seam for test instruments that wrap them (the planted bugs of {@code impl.planted}).
   *
   * @param step      the protocol step ({@link StepFunction#RAFT})
   * @param proposals this driver's own proposals ({@link Proposals#batched()})
   * @param reads     this driver's own reads ({@link Reads#readIndex()})
   */
  public record Parts(StepFunction step, Proposals proposals, Reads reads) {

    /** The node's parts, new for one driver. */
    public static Parts standard() {
      return new Parts(StepFunction.RAFT, Proposals.batched(), Reads.readIndex());
    }
  }

  private final NodeId self;
  private final Transport transport;
  private final Storage storage;
  private final TraceSink trace;
  private final Consumer<Throwable> onFatal;
  private final StepFunction stepFunction;
  private final Proposals proposals;
  private final Reads reads;
  private final Mailbox mailbox;
  private final Timers timers;
  private final TurnOutputs outputs;
  private final SnapshotTrigger snapshots = new SnapshotTrigger();
  private volatile StatusSnapshot published;
  private volatile boolean stopped;
  private Thread thread;

  // Owned by the state thread.
  private NodeState state;
  /** The batch being stepped as a {@link Input.ClientPropose}, or null. */
  private Proposals.Batch proposing;
  /** What a flush still under way will have made durable ({@link Storage#syncCompletesLater}), or null. */
  private DurableState flushing;
  /** Whether the last sync found no space; written by the state thread, read by any. */
  private volatile boolean diskFull;

  /** A driver with the {@link Parts#standard()} parts. */
  public Driver(NodeId self, Config config, Timing timing, Clock clock, RandomGenerator random,
      Transport transport, Storage storage, StateMachine stateMachine, TraceSink trace,
      Consumer<Throwable> onFatal) {
    this(self, config, timing, clock, random, transport, storage, stateMachine, trace, Parts.standard(), onFatal);
  }

  public Driver(NodeId self, Config config, Timing timing, Clock clock, RandomGenerator random,
      Transport transport, Storage storage, StateMachine stateMachine, TraceSink trace, Parts parts,
      Consumer<Throwable> onFatal) {
    if (!config.isMember(self)) {
      throw new IllegalArgumentException(self + " is not a member of " + config.members());
    }
    this.self = self;
    this.transport = transport;
    this.storage = storage;
    this.trace = trace;
    this.onFatal = onFatal;
    this.stepFunction = parts.step();
    this.proposals = parts.proposals();
    this.reads = parts.reads();
    this.mailbox = new Mailbox(self, config);
    this.timers = new Timers(timing, clock, random, mailbox::post);
    this.outputs = new TurnOutputs(self, transport, storage, stateMachine, trace, proposals);
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
    outputs.firstSendSeq(seq);
  }

  /**
   * When to snapshot and compact ({@link SnapshotPolicy#NEVER} by default: only when forced) and
   * where a leader's snapshots leave ({@link SnapshotShipping#NONE} by default). Call before
   * {@link #recover()}.
   */
  public void snapshotting(SnapshotPolicy policy, SnapshotShipping shipping) {
    snapshots.policy(policy);
    outputs.shipping(java.util.Objects.requireNonNull(shipping, "shipping"));
  }

  /** Recovers, starts the transport's receiver and the timers, and runs the state thread. */
  public synchronized void start() throws IOException {
    if (thread != null) {
      throw new IllegalStateException("already started");
    }
    recover();
    transport.start(mailbox::receive);
    timers.armHeartbeat();
    thread = new Thread(this::loop, "raft-" + self);
    thread.start();
  }

  /**
   * What {@link #start()} does without the thread, for a deterministic simulator: recovers, registers
   * with the transport and arms the heartbeat timer on the injected {@link Clock}; the caller then
   * calls {@link #runTurn()} whenever a timer or the transport posted mail.
   */
  public void startWithoutThread() throws IOException {
    recover();
    transport.start(mailbox::receive);
    timers.armHeartbeat();
  }

  /**
   * Loads durable state and steps {@link Input.Restart} with it (Figure 2: a server starts from
   * its persistent state; everything volatile starts afresh). Call once, before any turn.
   */
  public void recover() throws IOException {
    Recovered r = storage.load();
    DurableState durable = Recovery.durableState(r, outputs);
    long snap = durable.log().snapshot().index();
    outputs.recovered(durable.log().lastIndex(), snap);
    step(new Input.Restart(durable), 0);
    if (trace != TraceSink.OFF) {
      trace.endTurn();
    }
    publishStatus();
  }

  /**
   * Takes a snapshot of everything applied so far and compacts the log (at the end of the next
   * turn). The future completes with the newest durable snapshot's index then (0: none, when
   * nothing was applied); fails with {@link ProposalLostException} when the node stops first. Any
   * thread.
   */
  public CompletableFuture<Long> snapshot() {
    CompletableFuture<Long> result = new CompletableFuture<>();
    mailbox.post(new Mail.TakeSnapshot(result));
    if (stopped) {
      result.completeExceptionally(new ProposalLostException(self + " is stopped"));
    }
    return result;
  }

  /**
   * The seam from the snapshot transfer ({@code impl.snapshot}): a leader's snapshot arrived whole,
   * with {@code request} (its encoded {@code InstallSnapshotRequest}) and {@code file} (the received
   * snapshot file, checksums verified). The next turn reads the file, checks it against the request,
   * deletes it and steps the request ({@link SnapshotShipping} is the leader's side). Any thread.
   */
  public void snapshotArrived(String from, byte[] request, java.nio.file.Path file) {
    mailbox.post(new Mail.SnapshotArrived(from, request, file));
  }

  /**
   * Asks the cluster to commit {@code command}. The future completes with the entry's index once
   * this node has applied it; fails with {@link NotLeaderException} when this node is not the
   * leader, with {@link NodeStoppedException} when this node had stopped before it took the proposal,
   * with {@link NoSpaceException} while its disk is full, or with {@link ProposalLostException} when
   * the outcome became unknown here. Completes
   * on the state thread: attach only non-blocking callbacks, or the {@code *Async} variants.
   */
  public CompletableFuture<Long> propose(byte[] command) {
    CompletableFuture<Long> result = new CompletableFuture<>();
    if (stopped) {
      result.completeExceptionally(new NodeStoppedException(self + " is stopped"));
    } else if (!mailbox.admitProposal()) {
      result.completeExceptionally(new ProposalLostException(self + " is overloaded: "
          + Mailbox.MAX_QUEUED_PROPOSALS + " proposals waiting"));
    } else {
      mailbox.post(new Mail.Propose(command, result));
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
      mailbox.post(new Mail.Read(result));
      if (stopped) {
        result.completeExceptionally(new ProposalLostException(self + " is stopped"));
      }
    }
    return result;
  }

  /**
   * The flush the storage said completes later ({@link Storage#syncCompletesLater}, a simulated
   * slow disk) has completed: the next turn tells the spec. Any thread.
   */
  public void synced() {
    mailbox.post(new Mail.Synced());
  }

  /** Whether this node's last sync found its disk full (writes refused until one succeeds); any thread. */
  public boolean diskFull() {
    return diskFull;
  }

  /** The status as of the end of the last turn; any thread. */
  public NodeStatus status() {
    return published.status(self);
  }

  /** Messages dropped because the mailbox was full; any thread. */
  public long droppedMessages() {
    return mailbox.droppedMessages();
  }

  /**
   * Leaders' snapshots this process installed (InstallSnapshot, §7: its state machine reset to one)
   * since it started; any thread. The harness counts catch-ups by snapshot with it.
   */
  public long snapshotsInstalled() {
    return outputs.snapshotsInstalled();
  }

  /** Messages that did not decode; any thread. */
  public long malformedMessages() {
    return mailbox.malformedMessages();
  }

  /** Stops the state thread and the timers, failing waiting proposals; idempotent, any thread. */
  public void stop() throws InterruptedException {
    Thread t;
    synchronized (this) {
      t = thread;
    }
    mailbox.post(new Mail.Stop());
    if (t != null && t != Thread.currentThread()) {
      t.join();
    }
  }

  /** The transport's receiver ({@link Mailbox#receive}), for tests that start the transport themselves. */
  void receive(String from, byte[] bytes) {
    mailbox.receive(from, bytes);
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

  /** Runs one turn over all mail now in the mailbox, without blocking; for simulators. */
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

  private void turn(List<Mail> mail) {
    try {
      if (diskFull) {
        finishTurn(); // try the writes that found no space first: with space back, this turn's proposals are taken
      }
      boolean stop = false;
      for (Mail m : mail) {
        switch (m) {
          case Mail.Deliver(long seq, Message message) -> {
            mailbox.messageTaken();
            step(new Input.MessageReceived(message), seq);
          }
          case Mail.ElectionFired(long generation) -> {
            if (timers.isCurrent(generation)) {
              step(new Input.ElectionTimeout(), 0);
              timers.armElection();
            }
          }
          case Mail.HeartbeatFired h -> {
            step(Input.HeartbeatTimeout.all(), 0);
            timers.armHeartbeat();
          }
          case Mail.Propose(byte[] command, CompletableFuture<Long> result) -> {
            if (diskFull) {
              result.completeExceptionally(new NoSpaceException(self + ": disk full, writes refused until space returns"));
            } else {
              proposals.hold(command, result);
            }
          }
          case Mail.Read(CompletableFuture<Long> result) -> reads.arrived(result);
          case Mail.Synced s -> {
            if (flushing != null) {
              DurableState durable = flushing;
              flushing = null;
              step(Input.Persisted.of(durable), 0);
            }
          }
          case Mail.TakeSnapshot t -> snapshots.force(t.result());
          case Mail.SnapshotArrived a -> {
            Optional<ArrivedSnapshot> arrived = ArrivedSnapshot.read(self, a.from(), a.request(), a.file());
            if (arrived.isPresent()) {
              outputs.snapshotData(arrived.get().data());
              step(new Input.MessageReceived(arrived.get().request()), arrived.get().seq());
            }
          }
          case Mail.Stop s -> stop = true;
        }
      }
      OptionalLong readRequest = reads.requestArrived();
      if (readRequest.isPresent()) {
        step(new Input.ReadIndexRequest(readRequest.getAsLong()), 0);
      }
      if (proposals.anyHeld() && proposals.mayPropose(state)) {
        proposing = proposals.takeHeld();
        mailbox.proposalsTaken(proposing.results().size());
        step(new Input.ClientPropose(proposing.commands()), 0);
        proposing = null;
      }
      finishTurn();
      takeSnapshotIfWanted();
      reads.serveUpTo(outputs.lastApplied());
      publishStatus();
      if (stop) {
        shutDown(new ProposalLostException(self + " stopped before the entry was applied"));
      }
    } catch (IOException | RuntimeException e) {
      LOG.error("{}: fatal error, stopping the node: {}", self, e.toString(), e);
      shutDown(new ProposalLostException(self + " failed: " + e));
      onFatal.accept(e);
    }
  }

  /** Most fsync rounds one turn takes (a candidate that wins alone writes its no-op after its vote). */
  private static final int MAX_SYNC_ROUNDS = 8;

  /** The end of a turn, as the class comment lists it: send, fsync and Persisted, send, apply. */
  private void finishTurn() throws IOException {
    outputs.sendReleased();
    for (int round = 0; flushing == null && (outputs.hasUnsyncedWrites() || !state.isSynced()); round++) {
      if (round == MAX_SYNC_ROUNDS) {
        throw new IllegalStateException(self + " still has writes pending after " + MAX_SYNC_ROUNDS
            + " fsync rounds: " + state.sync());
      }
      DurableState written = state.durable();
      try {
        outputs.syncWrites();
      } catch (DiskFullException e) {
        if (!diskFull) {
          diskFull = true;
          LOG.error("{}: disk full, refusing writes and retrying every turn: {}", self, e.getMessage());
        }
        break; // the writes stay buffered and the spec waits: nothing that needs them leaves
      }
      if (diskFull) {
        diskFull = false;
        LOG.warn("{}: space again, writes resumed", self);
      }
      if (storage.syncCompletesLater()) {
        flushing = written; // a simulated slow disk: Persisted when it says it is done (synced())
        break;
      }
      if (!state.isSynced()) {
        step(Input.Persisted.of(written), 0);
        outputs.sendReleased();
      }
    }
    outputs.applyCommitted();
  }

  /**
   * Steps {@link Input.TakeSnapshot} at the applied index when the policy says one is due or a
   * client forced one, with the state machine's state captured first (§7: a snapshot of the
   * state machine at exactly that index), then writes it as the turn's writes are written.
   */
  private void takeSnapshotIfWanted() throws IOException {
    if (!snapshots.wanted(outputs.entriesSinceSnapshot(), outputs.bytesSinceSnapshot())) {
      return;
    }
    if (outputs.lastApplied() > state.log().snapshot().index() && !diskFull && flushing == null) {
      outputs.captureSnapshot();
      step(new Input.TakeSnapshot(outputs.lastApplied()), 0);
      finishTurn();
    }
    snapshots.completeForced(outputs.snapshotIndex());
  }

  /** One spec step; {@code receivedSeq} numbers a received message (0 for other inputs). */
  private void step(Input input, long receivedSeq) throws IOException {
    Transition t = stepFunction.step(state, input);
    if (trace != TraceSink.OFF) {
      trace.step(state, input, receivedSeq, t, outputs.nextSendSeq());
    }
    state = t.next();
    for (Output o : t.outputs()) {
      switch (o) {
        case Output.HardState h -> outputs.saveHardState(h);
        case Output.SaveSnapshot s -> outputs.saveSnapshot(s);
        case Output.LogSuffix s -> outputs.persistSuffix(s);
        case Output.RestoreSnapshot r -> outputs.apply(r);
        case Output.Send s -> outputs.send(s.message());
        case Output.Apply a -> outputs.apply(a);
        case Output.ResetElectionTimer r -> timers.armElection();
        case Output.ProposalAccepted a -> proposals.accepted(a, proposing);
        case Output.ProposalRejected r -> proposals.rejected(r, proposing);
        case Output.ReadReady r -> reads.ready(r);
        case Output.ReadRejected r -> reads.rejected(r);
        // This node never steps ChangeMembership or TransferLeadership yet (its admin API is #18's node part),
        // so no step can answer one: reaching these is a bug in the driver, not an operator's mistake.
        case Output.MembershipRejected r -> throw new IllegalStateException("a membership change was refused ("
            + r.reason() + ") though this node asked for none");
        case Output.TransferRejected r -> throw new IllegalStateException("a leadership transfer was refused ("
            + r.reason() + ") though this node asked for none");
      }
    }
  }

  private void shutDown(Exception cause) {
    stopped = true;
    timers.cancelAll();
    proposals.failAll(cause);
    reads.failAll(cause);
    snapshots.failAll(cause);
    mailbox.failWaiting(cause);
  }

  /** Publishes the turn's end state for other threads ({@link StatusSnapshot}). */
  private void publishStatus() {
    published = new StatusSnapshot(state, outputs.lastApplied(), outputs.syncs(), outputs.entriesSynced());
  }
}
