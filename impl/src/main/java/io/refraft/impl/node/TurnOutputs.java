package io.refraft.impl.node;

import io.refraft.impl.codec.EntryCodec;
import io.refraft.impl.codec.MessageCodec;
import io.refraft.impl.net.Transport;
import io.refraft.impl.storage.LogRecord;
import io.refraft.impl.storage.Meta;
import io.refraft.impl.storage.SnapshotMeta;
import io.refraft.impl.storage.Storage;
import io.refraft.spec.Entry;
import io.refraft.spec.Message;
import io.refraft.spec.NodeId;
import io.refraft.spec.Output;
import io.refraft.spec.Payload;
import io.refraft.spec.Snapshot;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * What a driver's turn does outside its state: the outputs that touch storage, the network and the
 * state machine. Writes go to the storage buffer as the steps produce them; messages are sent by
 * {@link #sendReleased} (the spec releases a message only when it may leave: at once for a leader's
 * AppendEntries, after the {@code Persisted} that covers its writes for anything else); committed
 * entries are applied by {@link #applyCommitted}. Owned by the state thread.
 */
final class TurnOutputs {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(TurnOutputs.class);
  private final NodeId self;
  private final Transport transport;
  private final Storage storage;
  private final StateMachine stateMachine;
  private final TraceSink trace;
  private final Proposals proposals;
  private SnapshotShipping shipping = SnapshotShipping.NONE;

  private long storedLastIndex;
  /** The newest durable snapshot's index; payload bytes applied since it. */
  private long snapshotIndex;
  private long bytesSinceSnapshot;
  /** The data of a snapshot about to be saved: the state machine's (TakeSnapshot) or a leader's (installed). */
  private SnapshotData pendingSnapshot;
  /**
   * Leaders' snapshots saved and not yet restored, by index: the spec restores one once it is durable,
   * turns later on a slow disk, and another leader's snapshot may arrive in between (it replaces
   * {@link #pendingSnapshot}, not these).
   */
  private final java.util.TreeMap<Long, byte[]> toRestore = new java.util.TreeMap<>();
  private long lastApplied;
  private boolean dirty;
  private long syncs;
  private long entriesSynced;
  private long unsyncedEntries;
  /** Leaders' snapshots restored by this process; written on the state thread, read by any. */
  private volatile long snapshotsInstalled;
  private long nextSendSeq = 1;
  private final List<Outgoing> outbox = new ArrayList<>();
  /** {@link Output.Apply} and {@link Output.RestoreSnapshot}, in order. */
  private final List<Output> toApply = new ArrayList<>();

  /**
   * The state machine's bytes at {@code index}: its own (captured before stepping TakeSnapshot) or
   * a leader's (installed: {@code restoreFollows}, the state machine is then reset to it).
   */
  record SnapshotData(long index, byte[] body, boolean restoreFollows) {}

  /** A message to send and its number (the {@code seq} of its id {@code from/to/seq}). */
  private record Outgoing(long seq, Message message) {}

  TurnOutputs(NodeId self, Transport transport, Storage storage, StateMachine stateMachine, TraceSink trace,
      Proposals proposals) {
    this.self = self;
    this.transport = transport;
    this.storage = storage;
    this.stateMachine = stateMachine;
    this.trace = trace;
    this.proposals = proposals;
  }

  /** The number the next message sent gets ({@link Driver#firstMessageSeq}). */
  long nextSendSeq() {
    return nextSendSeq;
  }

  void firstSendSeq(long seq) {
    nextSendSeq = seq;
  }

  /** The log recovered from storage ends at {@code lastIndex}; the state machine holds the snapshot at {@code snapshot}. */
  void recovered(long lastIndex, long snapshot) {
    storedLastIndex = lastIndex;
    snapshotIndex = snapshot;
    lastApplied = snapshot;
  }

  void shipping(SnapshotShipping s) {
    shipping = s;
  }

  long snapshotIndex() {
    return snapshotIndex;
  }

  /** Entries and payload bytes applied since the newest snapshot (the policy's measure). */
  long entriesSinceSnapshot() {
    return lastApplied - snapshotIndex;
  }

  long bytesSinceSnapshot() {
    return bytesSinceSnapshot;
  }

  long snapshotsInstalled() {
    return snapshotsInstalled;
  }

  /** The data the next {@link Output.SaveSnapshot} at {@code data.index()} saves. */
  void snapshotData(SnapshotData data) {
    pendingSnapshot = data;
  }

  /** Captures the state machine's state as of {@link #lastApplied()}, for a TakeSnapshot at that index. */
  void captureSnapshot() {
    pendingSnapshot = new SnapshotData(lastApplied, stateMachine.snapshot(), false);
  }

  /** At recovery: the state machine restarts from the durable snapshot at {@code index}. */
  void restoreRecovered(long index, byte[] body) throws IOException {
    stateMachine.restore(index, body);
  }

  long lastApplied() {
    return lastApplied;
  }

  long syncs() {
    return syncs;
  }

  long entriesSynced() {
    return entriesSynced;
  }

  void saveHardState(Output.HardState h) throws IOException {
    storage.saveMeta(new Meta(h.term(), h.votedFor().map(NodeId::name).orElse(null)));
    dirty = true;
  }

  /**
   * Makes the snapshot durable with the data given for it ({@link #snapshotData}) and compacts the
   * log (storage syncs what came before it first: the term is durable before the snapshot).
   */
  void saveSnapshot(Output.SaveSnapshot save) throws IOException {
    Snapshot s = save.snapshot();
    if (pendingSnapshot == null || pendingSnapshot.index() != s.index()) {
      throw new IllegalStateException(self + ": SaveSnapshot " + s + " without its data (have "
          + (pendingSnapshot == null ? "none" : "data at " + pendingSnapshot.index()) + ")");
    }
    storage.saveSnapshot(new SnapshotMeta(s.index(), s.term(), s.digest()), pendingSnapshot.body());
    if (pendingSnapshot.restoreFollows()) {
      toRestore.put(s.index(), pendingSnapshot.body());
    } else {
      pendingSnapshot = null; // a snapshot of this state machine: nothing to restore, no copy to keep
    }
    storedLastIndex = Math.max(storedLastIndex, s.index());
    snapshotIndex = s.index();
    bytesSinceSnapshot = 0;
    dirty = true; // the spec learns it is durable from the Persisted that follows
  }

  void persistSuffix(Output.LogSuffix s) throws IOException {
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

  /** Numbers {@code m} and holds it until the turn's end. */
  void send(Message m) {
    outbox.add(new Outgoing(nextSendSeq++, m));
  }

  /** Holds newly committed entries, or a snapshot to restore, until the turn's end. */
  void apply(Output a) {
    toApply.add(a);
  }

  /**
   * Sends the messages the turn's steps released so far. The trace's lines for those steps are
   * written first, so no receiver's trace can name a message its sender's trace does not show; the
   * spec decided which messages may leave before their writes are durable, so tracing changes
   * nothing about what leaves when.
   */
  void sendReleased() {
    if (trace != TraceSink.OFF) {
      trace.endTurn();
    }
    for (Outgoing o : outbox) {
      byte[] bytes = MessageCodec.encode(o.seq(), o.message());
      if (o.message() instanceof Message.InstallSnapshotRequest r) {
        shipSnapshot(r, bytes);
      } else {
        transport.send(o.message().to().name(), bytes);
      }
    }
    outbox.clear();
  }

  /** Whether writes were handed to storage since the last {@link #syncWrites}. */
  boolean hasUnsyncedWrites() {
    return dirty;
  }

  /** Makes every write handed to storage since the last call durable (one fsync: group commit). */
  void syncWrites() throws IOException {
    if (dirty) {
      storage.sync();
      syncs++;
      entriesSynced += unsyncedEntries;
      unsyncedEntries = 0;
      dirty = false;
    }
  }

  /**
   * Seam to the snapshot transfer: the request goes with the leader's snapshot file, whose data the
   * follower's driver gets beside it ({@link Driver#snapshotArrived}).
   */
  private void shipSnapshot(Message.InstallSnapshotRequest r, byte[] request) {
    java.util.Optional<java.nio.file.Path> file = storage.snapshotFile(r.snapshot().index());
    if (file.isEmpty()) {
      // a newer snapshot replaced it since the request was made (two are kept); the spec sends again
      LOG.warn("{}: no file for {} to send to {}; dropped", self, r.snapshot(), r.to());
      return;
    }
    // The id is the snapshot's index: the leader repeats the request on every heartbeat while the data
    // is on its way, and a repeat joins the running transfer (a newer snapshot replaces it).
    shipping.ship(r.to().name(), r.snapshot().index(), request, file.get());
  }

  /**
   * Applies the entries the turn committed and restores installed snapshots, in order (the spec
   * applies only what is durable here); completions follow.
   */
  void applyCommitted() throws IOException {
    for (Output o : toApply) {
      if (o instanceof Output.RestoreSnapshot r) {
        restore(r.snapshot());
      } else {
        applyNow((Output.Apply) o);
      }
    }
    toApply.clear();
  }

  /** Resets the state machine to an installed snapshot (durable by now); apply continues after it. */
  private void restore(Snapshot s) throws IOException {
    byte[] body = toRestore.get(s.index());
    if (body == null) {
      throw new IllegalStateException(self + ": RestoreSnapshot " + s + " without its data (saved: "
          + toRestore.keySet() + ")");
    }
    stateMachine.restore(s.index(), body);
    toRestore.headMap(s.index(), true).clear(); // older ones are superseded
    if (pendingSnapshot != null && pendingSnapshot.index() <= s.index()) {
      pendingSnapshot = null;
    }
    // what waited at these indexes may or may not be what the snapshot holds: the outcome is unknown
    proposals.truncated(lastApplied + 1, new ProposalLostException(self + " installed a snapshot at " + s.index()));
    lastApplied = s.index();
    bytesSinceSnapshot = 0;
    snapshotsInstalled++; // the state thread is the one writer
  }

  private void applyNow(Output.Apply a) {
    long index = a.firstIndex();
    for (Entry e : a.entries()) {
      if (index > lastApplied) {
        if (e.payload() instanceof Payload.Data d) {
          stateMachine.apply(index, d.toByteArray());
          bytesSinceSnapshot += d.length();
        }
        lastApplied = index;
        proposals.applied(index, e.term());
      }
      index++;
    }
  }
}
