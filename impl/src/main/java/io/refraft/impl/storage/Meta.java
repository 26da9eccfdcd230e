package io.refraft.impl.storage;

import java.nio.charset.StandardCharsets;

/**
 * The durable non-log state of Raft (paper Figure 2, "Persistent state on all servers"):
 * {@code currentTerm} and {@code votedFor}.
 *
 * @param term     the latest term this node has seen, at least 0
 * @param votedFor the node voted for in {@code term}, or {@code null} for none; when present,
 *                 1 to {@link #MAX_VOTED_FOR_BYTES} bytes of UTF-8
 */
public record Meta(long term, String votedFor) {

  /** Upper bound on the UTF-8 length of a node id stored as {@code votedFor}. */
  public static final int MAX_VOTED_FOR_BYTES = 1024;

  /** The state of a node that has never persisted anything: term 0, no vote. */
  public static final Meta INITIAL = new Meta(0, null);

  public Meta {
    if (term < 0) {
      throw new IllegalArgumentException("term must be >= 0, was " + term);
    }
    if (votedFor != null) {
      int n = votedFor.getBytes(StandardCharsets.UTF_8).length;
      if (n == 0 || n > MAX_VOTED_FOR_BYTES) {
        throw new IllegalArgumentException(
            "votedFor must be 1.." + MAX_VOTED_FOR_BYTES + " UTF-8 bytes, was " + n);
      }
    }
  }
}
