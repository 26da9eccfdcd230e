package io.refraft.impl.storage;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What {@link Storage#load()} found on disk: the term and vote, the newest valid snapshot, and the
 * log records after it.
 *
 * <p>Invariants: (1) record indexes are consecutive; (2) record terms never decrease; (3) with a
 * snapshot, the records (if any) start at its index + 1, the first with a term no lower than the
 * snapshot's.
 *
 * @param meta     the last durably saved term and vote ({@link Meta#INITIAL} if none)
 * @param snapshot the newest durable snapshot, or empty
 * @param records  the log after the snapshot (from its first record without one), in index order
 */
public record Recovered(Meta meta, Optional<StoredSnapshot> snapshot, List<LogRecord> records) {

  public Recovered {
    Objects.requireNonNull(meta, "meta");
    Objects.requireNonNull(snapshot, "snapshot");
    records = List.copyOf(records);
    for (int i = 1; i < records.size(); i++) {
      LogRecord prev = records.get(i - 1);
      LogRecord r = records.get(i);
      if (r.index() != prev.index() + 1 || r.term() < prev.term()) {
        throw new IllegalArgumentException("records not contiguous with non-decreasing terms at " + prev + ", " + r);
      }
    }
    if (snapshot.isPresent() && !records.isEmpty()) {
      SnapshotMeta s = snapshot.get().meta();
      LogRecord first = records.getFirst();
      if (first.index() != s.index() + 1 || first.term() < s.term()) {
        throw new IllegalArgumentException("records after " + s + " must start at index " + (s.index() + 1)
            + " with a term of at least " + s.term() + ", got " + first);
      }
    }
  }

  /** Without a snapshot. */
  public Recovered(Meta meta, List<LogRecord> records) {
    this(meta, Optional.empty(), records);
  }

  /** The snapshot's index, or 0 without one. */
  public long snapshotIndex() {
    return snapshot.map(s -> s.meta().index()).orElse(0L);
  }

  /** Index of the first record, or {@code lastIndex() + 1} when there is none. */
  public long firstIndex() {
    return records.isEmpty() ? lastIndex() + 1 : records.getFirst().index();
  }

  /** Index of the last record, else the snapshot's index, else 0. */
  public long lastIndex() {
    return records.isEmpty() ? snapshotIndex() : records.getLast().index();
  }
}
