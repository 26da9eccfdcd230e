package io.refraft.impl.net;

/**
 * Counters of one peer link at one moment, for status pages, metrics and tests.
 *
 * @param peer the peer's node id
 * @param connected whether a handshaken connection is up
 * @param queued frames waiting in the outbound queue
 * @param sent frames written and flushed to the socket
 * @param received frames handed to the receiver
 * @param droppedQueueFull sends dropped because the queue was full or the transport closed
 * @param droppedBlockedOutbound frames to the peer dropped (at send or before writing) while it
 *     was blocked
 * @param droppedBlockedInbound frames from the peer dropped on arrival while it was blocked
 * @param droppedTooLarge sends dropped because the payload exceeded the maximum frame size
 * @param droppedInFlight frames taken from the queue but lost when the connection failed
 * @param connectionsEstablished handshakes completed with this peer
 * @param malformedFrames connections closed because the peer broke the framing rules
 */
public record PeerStats(
    String peer,
    boolean connected,
    int queued,
    long sent,
    long received,
    long droppedQueueFull,
    long droppedBlockedOutbound,
    long droppedBlockedInbound,
    long droppedTooLarge,
    long droppedInFlight,
    long connectionsEstablished,
    long malformedFrames) {}
