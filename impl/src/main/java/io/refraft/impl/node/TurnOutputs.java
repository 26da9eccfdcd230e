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
 * state machine, buffered while the turn steps and carried out by {@link #finishTurn} in the order
 * of {@link Driver}'s class comment (durability, then sends, then applies). Owned by the state
 * thread.
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
  /** Whether this turn persisted term or vote: then nothing at all may leave before the fsync. */
  private boolean hardStateDirty;
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
    hardStateDirty = true;
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

  /** Durability, then sends, then applies ({@link Driver}'s class comment); completions follow from the applies. */
  void finishTurn() throws IOException {
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
      applyNow(a);
    }
    toApply.clear();
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
