package io.refraft.impl.net;

/** Why a handshake was refused; each refusal is logged and counted by this reason. */
public enum Refusal {
  /** The handshake frame is too short, too long, has trailing bytes or an id that is not UTF-8. */
  MALFORMED,
  /** The first four bytes are not the refraft magic: not a refraft node at all. */
  BAD_MAGIC,
  /** The peer speaks another protocol version. */
  VERSION_MISMATCH,
  /** The peer belongs to another cluster (a misconfigured address or a leftover node). */
  CLUSTER_MISMATCH,
  /** The peer's node id is not in this node's configured peer set. */
  UNKNOWN_NODE,
  /** This node dialed one peer id and the address answered with another. */
  UNEXPECTED_NODE,
  /** A peer dialed although the connection rule says this node dials it (smaller id dials). */
  WRONG_DIRECTION,
  /** A plaintext peer connected to a TLS port (its first byte is not a TLS handshake record). */
  NOT_TLS,
  /** A TLS handshake arrived at a plaintext port: the peer runs with --peer-cert, this node without. */
  TLS_ON_PLAINTEXT_PORT,
  /** The peer's certificate failed validation: not signed by the trusted CA, expired or not yet valid. */
  TLS_CERTIFICATE,
  /** Another TLS failure: the peer refused this node's certificate, sent none, or broke the protocol. */
  TLS_HANDSHAKE,
  /** A valid certificate, but not for the node id the peer claims (or was dialed as). */
  CERTIFICATE_IDENTITY
}
