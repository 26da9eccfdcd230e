package io.refraft.impl.node;

/**
 * When a node takes a snapshot of its state machine and compacts its log: once {@code entries}
 * entries, or {@code bytes} bytes of entry payloads, have been applied since the last snapshot,
 * whichever comes first (checked at the end of a turn).
 *
 * <p>Defaults: 100,000 entries (the interval the benchmark targets and etcd's
 * {@code --snapshot-count} default; a restart replays at most that many entries, and the log in
 * memory holds about as many) and 64 MiB of payloads (one write-ahead log segment, so the log on
 * disk stays within a few segments when entries are large).
 *
 * @param entries applied entries between snapshots, at least 1
 * @param bytes   applied payload bytes between snapshots, at least 1
 */
public record SnapshotPolicy(long entries, long bytes) {

  public static final SnapshotPolicy DEFAULT = new SnapshotPolicy(100_000, 64L << 20);
  /** Never snapshots on its own (a forced snapshot still can). */
  public static final SnapshotPolicy NEVER = new SnapshotPolicy(Long.MAX_VALUE, Long.MAX_VALUE);

  public SnapshotPolicy {
    if (entries < 1 || bytes < 1) {
      throw new IllegalArgumentException("snapshot intervals must be >= 1, got " + entries + " entries and "
          + bytes + " bytes");
    }
  }

  /** Whether a snapshot is due after {@code entries} entries and {@code bytes} payload bytes applied since the last. */
  public boolean due(long entriesSince, long bytesSince) {
    return entriesSince >= entries || bytesSince >= bytes;
  }
}
