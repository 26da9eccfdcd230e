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
  WRONG_DIRECTION
}
