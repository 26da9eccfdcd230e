/**
 * The node's network transport: opaque byte payloads between node ids over TCP.
 *
 * <p>{@link io.refraft.impl.net.Transport} is the contract the node driver relies on (never blocks,
 * never throws, at-most-once delivery); {@link io.refraft.impl.net.TcpTransport} implements it with
 * one TCP connection per pair of nodes, length-prefixed frames ({@link io.refraft.impl.net.FrameCodec}),
 * a handshake ({@link io.refraft.impl.net.Hello}), bounded per-peer queues
 * ({@link io.refraft.impl.net.OutboundQueue}) and reconnection with jittered exponential backoff
 * ({@link io.refraft.impl.net.Backoff}). The byte layout is documented in {@code impl/FORMATS.md}.
 *
 * <p>Knows nothing of Raft messages: the message codec sits on top. Must not depend on
 * {@code io.refraft.spec} protocol logic, on the rest of {@code io.refraft.impl} (the driver depends
 * on this package, not the reverse) or on {@code verification}.
 */
package io.refraft.impl.net;
