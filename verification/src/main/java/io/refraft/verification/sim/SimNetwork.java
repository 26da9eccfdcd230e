package io.refraft.verification.sim;

import io.refraft.impl.net.Transport;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The simulated network: each message gets its own delay (so messages reorder), and with the
 * enabled faults may be dropped or delivered twice; a connectivity matrix cuts links in partitions.
 * A message is dropped when its link is cut at send or at delivery time, or when the receiving node
 * is down then (a crash loses what was in its socket buffers).
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
  private final boolean drops;
  private final boolean dups;
  private final boolean[][] cut;
  private final Map<String, Transport.Receiver> receivers = new HashMap<>();
  private final RunDigest digest;
  long sent;
  long dropped;
  long duplicated;
  long delivered;

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
  }

  /** A transport for one incarnation of node {@code self}. */
  Transport transport(String self) {
    return new Transport() {
      @Override
      public void start(Receiver receiver) {
        receivers.put(self, receiver);
      }

      @Override
      public void send(String to, byte[] payload) {
        SimNetwork.this.send(self, to, payload);
      }

      @Override
      public void blockPeer(String peer, boolean blocked) {
        cut[names.indexOf(self)][names.indexOf(peer)] = blocked;
        cut[names.indexOf(peer)][names.indexOf(self)] = blocked;
      }

      @Override
      public boolean connected(String peer) {
        return !cut[names.indexOf(self)][names.indexOf(peer)];
      }

      @Override
      public void close() {
        receivers.remove(self);
      }
    };
  }

  /** Node {@code name} is down: nothing reaches it until a new incarnation starts its transport. */
  void down(String name) {
    receivers.remove(name);
  }

  /** Cuts the links between every pair not in one group; nodes in no group are isolated. */
  void partition(List<List<Integer>> groups, List<int[]> extraLinks) {
    for (boolean[] row : cut) {
      Arrays.fill(row, true);
    }
    for (List<Integer> g : groups) {
      for (int a : g) {
        for (int b : g) {
          cut[a][b] = false;
        }
      }
    }
    for (int[] l : extraLinks) {
      cut[l[0]][l[1]] = false;
      cut[l[1]][l[0]] = false;
    }
  }

  void heal() {
    for (boolean[] row : cut) {
      Arrays.fill(row, false);
    }
  }

  private void send(String from, String to, byte[] payload) {
    sent++;
    digest.add(from);
    digest.add(to);
    digest.add(payload);
    if (isCut(from, to) || (drops && random.nextDouble() < DROP_P)) {
      dropped++;
      return;
    }
    schedule(from, to, payload);
    if (dups && random.nextDouble() < DUP_P) {
      duplicated++;
      schedule(from, to, payload.clone());
    }
  }

  private void schedule(String from, String to, byte[] payload) {
    long delay = MS / 2 + random.nextLong(5 * MS);
    if (random.nextDouble() < SLOW_P) {
      delay += random.nextLong(60 * MS);
    }
    clock.schedule(delay, () -> deliver(from, to, payload));
  }

  private void deliver(String from, String to, byte[] payload) {
    Transport.Receiver r = receivers.get(to);
    if (r == null || isCut(from, to)) {
      dropped++;
      return;
    }
    delivered++;
    r.receive(from, payload);
  }

  private boolean isCut(String from, String to) {
    return cut[names.indexOf(from)][names.indexOf(to)];
  }
}
