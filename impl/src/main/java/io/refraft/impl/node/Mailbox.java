package io.refraft.impl.node;

import io.refraft.impl.codec.MalformedMessageException;
import io.refraft.impl.codec.MessageCodec;
import io.refraft.spec.Config;
import io.refraft.spec.Message;
import io.refraft.spec.NodeId;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A driver's mailbox: the one queue through which other threads (transport, timers, clients) reach
 * its state thread, with bounds on waiting messages and proposals. Also the transport's receiver
 * ({@link #receive}), which decodes and checks a message on the transport's thread, so the state
 * thread only steps. Every method but {@link #take}, {@link #drainTo}, {@link #messageTaken} and
 * {@link #proposalsTaken} (the state thread's) may be called from any thread.
 */
final class Mailbox {
  /** The driver's logger: its warnings are the driver's. */
  private static final Logger LOG = LoggerFactory.getLogger(Driver.class);
  /** Inbound messages beyond this many waiting are dropped (Raft retries, thesis §3.3). */
  static final int MAX_QUEUED_MESSAGES = 65_536;
  /** Proposals beyond this many waiting fail at once rather than queue without bound. */
  static final int MAX_QUEUED_PROPOSALS = 65_536;

  private final NodeId self;
  private final Config config;
  private final LinkedBlockingQueue<Mail> queue = new LinkedBlockingQueue<>();
  private final AtomicInteger queuedMessages = new AtomicInteger();
  private final AtomicInteger queuedProposals = new AtomicInteger();
  private final AtomicLong droppedMessages = new AtomicLong();
  private final AtomicLong malformedMessages = new AtomicLong();

  Mailbox(NodeId self, Config config) {
    this.self = self;
    this.config = config;
  }

  void post(Mail mail) {
    queue.add(mail);
  }

  /** Counts one more waiting proposal; false, counting nothing, when {@link #MAX_QUEUED_PROPOSALS} wait. */
  boolean admitProposal() {
    if (queuedProposals.incrementAndGet() > MAX_QUEUED_PROPOSALS) {
      queuedProposals.decrementAndGet();
      return false;
    }
    return true;
  }

  /** The state thread took {@code n} proposals out to step them. */
  void proposalsTaken(int n) {
    queuedProposals.addAndGet(-n);
  }

  /** The state thread took a delivered message out to step it. */
  void messageTaken() {
    queuedMessages.decrementAndGet();
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
    if (m instanceof Message.InstallSnapshotRequest) {
      // The request comes with its data through Driver.snapshotArrived; alone on this path it has none,
      // and installing it would leave the state machine behind the log. Dropped like any lost message.
      malformedMessages.incrementAndGet();
      LOG.warn("{}: dropping an InstallSnapshotRequest from {} that came without its snapshot data", self, from);
      return;
    }
    if (queuedMessages.incrementAndGet() > MAX_QUEUED_MESSAGES) {
      queuedMessages.decrementAndGet();
      droppedMessages.incrementAndGet();
      return;
    }
    queue.add(new Mail.Deliver(envelope.seq(), m));
  }

  /** Waits for the next mail (state thread). */
  Mail take() throws InterruptedException {
    return queue.take();
  }

  /** Moves every mail now waiting to {@code into}, in arrival order. */
  void drainTo(List<Mail> into) {
    queue.drainTo(into);
  }

  boolean isEmpty() {
    return queue.isEmpty();
  }

  long droppedMessages() {
    return droppedMessages.get();
  }

  long malformedMessages() {
    return malformedMessages.get();
  }

  /** Takes everything left and fails what a client waits on (proposals, reads, forced snapshots). */
  void failWaiting(Exception cause) {
    List<Mail> left = new ArrayList<>();
    drainTo(left);
    for (Mail m : left) {
      switch (m) {
        case Mail.Propose p -> p.result().completeExceptionally(cause);
        case Mail.Read r -> r.result().completeExceptionally(cause);
        case Mail.TakeSnapshot t -> t.result().completeExceptionally(cause);
        case Mail.SnapshotArrived a -> a.file().toFile().delete(); // nobody will install it
        case Mail.Deliver d -> { }
        case Mail.ElectionFired e -> { }
        case Mail.HeartbeatFired h -> { }
        case Mail.Synced y -> { }
        case Mail.Stop x -> { }
      }
    }
  }
}
