/**
 * Snapshot files streamed between nodes (InstallSnapshot's data, issue #17): the spec sees a whole
 * snapshot beside one {@code InstallSnapshotRequest}; chunking, checksums, flow control and
 * resumption are this package's business.
 *
 * <p>{@link io.refraft.impl.snapshot.SnapshotShipper} sends a file to a peer as chunk payloads over
 * the node's {@link io.refraft.impl.net.Transport}, multiplexed with Raft messages on the same
 * connection (a first byte no Raft message starts with: {@link io.refraft.impl.snapshot.TransferCodec}),
 * with a bounded window of unacknowledged chunks, retransmission and resumption from the offset the
 * receiver verified. {@link io.refraft.impl.snapshot.SnapshotReceiver} checks each chunk's CRC32C,
 * writes it to a temporary file, checks the whole file and fsyncs it before handing it on.
 * {@link io.refraft.impl.snapshot.SnapshotTransfers} puts both on one transport and gives the driver
 * a view of it that carries Raft messages only. Layout: {@code impl/FORMATS.md}.
 *
 * <p>Knows files and the transport only: must not depend on the driver, storage, the KV service or
 * the spec (the request message travels as opaque bytes).
 */
package io.refraft.impl.snapshot;
