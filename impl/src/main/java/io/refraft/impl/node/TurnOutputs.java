package io.refraft.impl.node;

import io.refraft.impl.codec.EntryCodec;
import io.refraft.impl.codec.MessageCodec;
import io.refraft.impl.net.Transport;
import io.refraft.impl.storage.LogRecord;
import io.refraft.impl.storage.Meta;
import io.refraft.impl.storage.Storage;
import io.refraft.spec.Entry;
import io.refraft.spec.Message;
import io.refraft.spec.NodeId;
import io.refraft.spec.Output;
import io.refraft.spec.Payload;
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
  private final NodeId self;
  private final Transport transport;
  private final Storage storage;
  private final StateMachine stateMachine;
  private final TraceSink trace;
  private final Proposals proposals;

  private long storedLastIndex;
  private long lastApplied;
  private boolean dirty;
  private long syncs;
  private long entriesSynced;
  private long unsyncedEntries;
  private long nextSendSeq = 1;
  private final List<Outgoing> outbox = new ArrayList<>();
  private final List<Output.Apply> toApply = new ArrayList<>();

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

  /** The log recovered from storage ends at {@code lastIndex}. */
  void recovered(long lastIndex) {
    storedLastIndex = lastIndex;
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

  /** Holds newly committed entries until the turn's end. */
  void apply(Output.Apply a) {
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
      transport.send(o.message().to().name(), MessageCodec.encode(o.seq(), o.message()));
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

  /** Applies the entries the turn committed (the spec applies only what is durable here); completions follow. */
  void applyCommitted() {
    for (Output.Apply a : toApply) {
      applyNow(a);
    }
    toApply.clear();
  }

  private void applyNow(Output.Apply a) {
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
}
