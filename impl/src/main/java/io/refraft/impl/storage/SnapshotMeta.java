package io.refraft.impl.storage;

/**
 * A snapshot's metadata as storage keeps it: the spec's {@code Snapshot} without its type (storage
 * knows no protocol types). The node never computes {@code digest}; it stores what the spec gave it
 * and hands it back on recovery.
 *
 * @param index  the last log index the snapshot covers, at least 1
 * @param term   the term of the entry at {@code index}, at least 0
 * @param digest the spec's 64-bit digest of the entries 1..index, opaque here
 */
public record SnapshotMeta(long index, long term, long digest) {

  public SnapshotMeta {
    if (index < 1) {
      throw new IllegalArgumentException("snapshot index must be >= 1, was " + index);
    }
    if (term < 0) {
      throw new IllegalArgumentException("snapshot term must be >= 0, was " + term);
    }
  }
}
