package io.refraft.verification.sim;

import io.refraft.impl.net.Transport;
import io.refraft.verification.fault.PartitionShape;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * The simulated network: each message gets its own delay (so messages reorder), and with the
 * enabled faults may be dropped or delivered twice; a connectivity matrix cuts links in partitions.
 * A message is dropped when its link is cut at send or at delivery time, or when the receiving node
 * is down then (a crash loses what was in its socket buffers). A leader's snapshot travels the same
 * way, its file's bytes beside its request as one message ({@link #ship}).
 */
final class SimNetwork {
  static final long MS = 1_000_000L;
  private static final double DROP_P = 0.02;
  private static final double DUP_P = 0.02;
  /** A message is occasionally held back much longer than the others: reordering beyond jitter. */
  private static final double SLOW_P = 0.02;

  private final SimClock clock;
  private final SplittableRandom random;
  private final List<String> names;
  /** Random loss and duplication are faults: on while the nemesis runs, off once it stops. */
  private boolean drops;
  private boolean dups;
  private final boolean[][] cut;
  /** Node indices by name: every send and delivery looks two up. */
  private final Map<String, Integer> index = new HashMap<>();
  /** By node index; null while the node is down. */
  private final Transport.Receiver[] receivers;
  /** By node index; null while the node is down. */
  private final SnapshotReceiver[] snapshotReceivers;
  private final RunDigest digest;
  long sent;
  long dropped;
  long duplicated;
  long delivered;
  long snapshotsShipped;
  long snapshotsDelivered;

  /** Where a node's incoming snapshots go. */
  @FunctionalInterface
  interface SnapshotReceiver {
    /** {@code request} is the encoded InstallSnapshotRequest, {@code file} the snapshot file's bytes. */
    void receive(String from, byte[] request, byte[] file);
  }

  /** @param digest hears every message sent, as its sender encoded it */
  SimNetwork(SimClock clock, SplittableRandom random, List<String> names, boolean drops, boolean dups,
      RunDigest digest) {
    this.clock = clock;
    this.digest = digest;
    this.random = random;
    this.names = List.copyOf(names);
    this.drops = drops;
    this.dups = dups;
    this.cut = new boolean[names.size()][names.size()];
    this.receivers = new Transport.Receiver[names.size()];
    this.snapshotReceivers = new SnapshotReceiver[names.size()];
    for (int i = 0; i < names.size(); i++) {
      index.put(names.get(i), i);
    }
  }

  /** A transport for one incarnation of node {@code self}. */
  Transport transport(String self) {
    int me = index.get(self);
    return new Transport() {
      @Override
      public void start(Receiver receiver) {
        receivers[me] = receiver;
      }

      @Override
      public void send(String to, byte[] payload) {
        SimNetwork.this.send(me, index.get(to), payload);
      }

      @Override
      public void blockPeer(String peer, boolean blocked) {
        cut[me][index.get(peer)] = blocked;
        cut[index.get(peer)][me] = blocked;
      }

      @Override
      public boolean connected(String peer) {
        return !cut[me][index.get(peer)];
      }

      @Override
      public void close() {
        receivers[me] = null;
      }
    };
  }

  /** Node {@code name} is down: nothing reaches it until a new incarnation starts its transport. */
  void down(String name) {
    receivers[index.get(name)] = null;
    snapshotReceivers[index.get(name)] = null;
  }

  /** Node {@code name}'s current incarnation takes the snapshots shipped to it with {@code r}. */
  void snapshots(String name, SnapshotReceiver r) {
    snapshotReceivers[index.get(name)] = r;
  }

  /**
   * Sends a snapshot: lost and delayed like a message (whole or not at all: the real
   * transfer verifies a file's checksums before it hands it over). {@code done} runs when it arrived
   * or was lost.
   */
  void ship(String fromName, String toName, byte[] request, byte[] file, Runnable done) {
    int from = index.get(fromName);
    int to = index.get(toName);
    snapshotsShipped++;
    digest.add(fromName);
    digest.add(toName);
    digest.add(request);
    digest.add(file.length);
    if (cut[from][to] || (drops && random.nextDouble() < DROP_P)) {
      dropped++;
      done.run();
      return;
    }
    clock.schedule(delay(), () -> {
      SnapshotReceiver r = snapshotReceivers[to];
      if (r == null || cut[from][to]) {
        dropped++;
      } else {
        snapshotsDelivered++;
        r.receive(fromName, request, file);
      }
      done.run();
    });
  }

  /** Cuts exactly the links in {@code links}: a partition replaces the one before. */
  void partition(Set<PartitionShape.Link> links) {
    heal();
    for (PartitionShape.Link l : links) {
      cut[l.a()][l.b()] = true;
      cut[l.b()][l.a()] = true;
    }
  }

  void heal() {
    for (boolean[] row : cut) {
      Arrays.fill(row, false);
    }
  }

  /**
   * The network stops misbehaving for good: every link is up and no message is lost or duplicated any
   * more. Delays and reordering stay: they are the network, not a fault.
   */
  void stopFaults() {
    heal();
    drops = false;
    dups = false;
  }

  private void send(int from, int to, byte[] payload) {
    sent++;
    digest.add(names.get(from));
    digest.add(names.get(to));
    digest.add(payload);
    if (cut[from][to] || (drops && random.nextDouble() < DROP_P)) {
      dropped++;
      return;
    }
    schedule(from, to, payload);
    if (dups && random.nextDouble() < DUP_P) {
      duplicated++;
      schedule(from, to, payload.clone());
    }
  }

  private void schedule(int from, int to, byte[] payload) {
    clock.schedule(delay(), () -> deliver(from, to, payload));
  }

  private long delay() {
    long delay = MS / 2 + random.nextLong(5 * MS);
    if (random.nextDouble() < SLOW_P) {
      delay += random.nextLong(60 * MS);
    }
    return delay;
  }

  private void deliver(int from, int to, byte[] payload) {
    Transport.Receiver r = receivers[to];
    if (r == null || cut[from][to]) {
      dropped++;
      return;
    }
    delivered++;
    r.receive(names.get(from), payload);
  }
}
