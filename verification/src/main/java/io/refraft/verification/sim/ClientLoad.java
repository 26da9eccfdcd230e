package io.refraft.verification.sim;

import io.refraft.impl.node.Driver;
import io.refraft.impl.node.NotLeaderException;
import io.refraft.spec.NodeId;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.function.IntFunction;

/**
 * Clients of the simulated cluster: proposals of unique commands sent to a random node, following
 * {@link NotLeaderException} hints to the leader (a rejected proposal was never appended, so a
 * retry cannot duplicate it), and ReadIndex reads. A proposal whose outcome became unknown is not
 * retried. Every acknowledged proposal and every answered read is recorded for the final checks.
 */
final class ClientLoad {
  private static final int MAX_HOPS = 5;

  /** A proposal the cluster acknowledged: applied at {@code index} on the node it was proposed to. */
  record Acked(long index, byte[] command) {}

  private final SimClock clock;
  private final SplittableRandom random;
  private final int nodes;
  private final boolean reads;
  private final IntFunction<Driver> driver;
  private final List<Acked> acked = new ArrayList<>();
  private long nextOp = 1;
  private long maxAckedIndex;
  private boolean quiet;
  private Optional<String> violation = Optional.empty();
  long proposed;
  long lost;
  /** Proposals abandoned after {@link #MAX_HOPS} rejections: never appended, so certainly not committed. */
  long gaveUp;
  long readsOk;
  long readsFailed;

  ClientLoad(SimClock clock, SplittableRandom random, int nodes, boolean reads, IntFunction<Driver> driver) {
    this.clock = clock;
    this.random = random;
    this.nodes = nodes;
    this.reads = reads;
    this.driver = driver;
  }

  void start() {
    clock.schedule(delay(2, 20), this::proposeNext);
    if (reads) {
      clock.schedule(delay(20, 100), this::readNext);
    }
  }

  /** Stops issuing new operations (those in progress finish). */
  void quiet() {
    quiet = true;
  }

  List<Acked> acked() {
    return acked;
  }

  /** A read that missed an acknowledged write: not linearizable (thesis §6.4). */
  Optional<String> violation() {
    return violation;
  }

  private void proposeNext() {
    if (quiet) {
      return;
    }
    proposed++;
    byte[] command = ("c" + nextOp++).getBytes(StandardCharsets.US_ASCII);
    propose(command, random.nextInt(nodes), 0);
    clock.schedule(delay(2, 20), this::proposeNext);
  }

  private void propose(byte[] command, int node, int hops) {
    Driver d = driver.apply(node);
    if (d == null) {
      retry(command, Optional.empty(), hops);
      return;
    }
    d.propose(command).whenComplete((index, error) -> {
      if (error == null) {
        acked.add(new Acked(index, command));
        maxAckedIndex = Math.max(maxAckedIndex, index);
      } else if (error instanceof NotLeaderException nl) {
        retry(command, nl.leader(), hops);
      } else {
        lost++;
      }
    });
  }

  private void retry(byte[] command, Optional<NodeId> hint, int hops) {
    if (hops >= MAX_HOPS) {
      gaveUp++;
      return;
    }
    int next = hint.map(SimNetworkNames::index).orElseGet(() -> random.nextInt(nodes));
    clock.schedule(hint.isPresent() ? delay(0, 2) : delay(10, 50), () -> propose(command, next, hops + 1));
  }

  private void readNext() {
    if (quiet) {
      return;
    }
    Driver d = driver.apply(random.nextInt(nodes));
    if (d != null) {
      long mustSee = maxAckedIndex;
      d.read().whenComplete((readIndex, error) -> {
        if (error != null) {
          readsFailed++;
        } else if (readIndex < mustSee) {
          violation = violation.or(() -> Optional.of("ReadLinearizable: a read served at index " + readIndex
              + " started after the write at index " + mustSee + " was acknowledged: a stale read"));
        } else {
          readsOk++;
        }
      });
    }
    clock.schedule(delay(20, 100), this::readNext);
  }

  private long delay(int minMs, int maxMs) {
    return (minMs + random.nextLong(maxMs - minMs + 1)) * SimNetwork.MS;
  }
}
