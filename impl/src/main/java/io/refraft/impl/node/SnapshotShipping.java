package io.refraft.impl.node;

import java.nio.file.Path;

/**
 * The seam between the driver and the snapshot transfer ({@code impl.snapshot}): where a leader's
 * {@code InstallSnapshotRequest} leaves. The spec sees a whole snapshot as the request's metadata;
 * its data is the leader's snapshot file (impl/FORMATS.md, "Snapshot files"), which travels beside
 * the request. The follower's side of the seam is {@link Driver#snapshotArrived}: the transfer hands
 * the request and the received, verified file to the follower's driver, which steps the request.
 *
 * <p>Obligations of an implementation: never blocks (it runs on the state thread); open
 * {@code file} at once (storage deletes a snapshot file once two newer ones are durable; an open
 * file stays readable); delivery may fail like any message (the spec sends again).
 */
@FunctionalInterface
public interface SnapshotShipping {

  /** Drops every request: a follower behind the leader's snapshot then never catches up. */
  SnapshotShipping NONE = (peer, transferId, request, file) -> { };

  /**
   * Sends {@code file} and {@code request} (the encoded message, {@code MessageCodec}) to {@code peer}.
   *
   * @param transferId the snapshot's index: the leader repeats the request while the data is on its way
   *     (every heartbeat), and a repeat of the same id joins the running transfer
   */
  void ship(String peer, long transferId, byte[] request, Path file);
}
