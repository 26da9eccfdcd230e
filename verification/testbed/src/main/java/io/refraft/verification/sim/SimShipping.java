package io.refraft.verification.sim;

import io.refraft.impl.node.SnapshotShipping;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * One leader incarnation's side of the simulated snapshot transfer: the file's bytes are read at
 * once (the {@link SnapshotShipping} contract) and travel with the request through the
 * {@link SimNetwork}. A repeat of a transfer still on its way joins it, as in {@code impl.snapshot}:
 * the leader repeats its request on every heartbeat until the follower answers. Like a message, it
 * leaves once the leader's turn has finished its fsync ({@code after}).
 */
final class SimShipping implements SnapshotShipping {
  private final SimNetwork network;
  private final String self;
  private final Consumer<Runnable> after;
  /** The transfer on its way to each peer, by its id (the snapshot's index). */
  private final Map<String, Long> inFlight = new HashMap<>();

  /** @param after runs a send when the leader's current turn has finished its fsync */
  SimShipping(SimNetwork network, String self, Consumer<Runnable> after) {
    this.network = network;
    this.self = self;
    this.after = after;
  }

  @Override
  public void ship(String peer, long transferId, byte[] request, Path file) {
    Long running = inFlight.get(peer);
    if (running != null && running == transferId) {
      return;
    }
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new UncheckedIOException("simulator error: cannot read " + file, e);
    }
    inFlight.put(peer, transferId);
    after.accept(() -> network.ship(self, peer, request, bytes, () -> inFlight.remove(peer, transferId)));
  }
}
