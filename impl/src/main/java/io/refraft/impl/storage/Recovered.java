package io.refraft.impl.storage;

import java.util.List;
import java.util.Objects;

/**
 * What {@link Storage#load()} found on disk.
 *
 * <p>Invariants: (1) record indexes are consecutive; (2) record terms never decrease.
 *
 * @param meta    the last durably saved term and vote ({@link Meta#INITIAL} if none)
 * @param records the log, in index order
 */
public record Recovered(Meta meta, List<LogRecord> records) {

  public Recovered {
    Objects.requireNonNull(meta, "meta");
    records = List.copyOf(records);
    for (int i = 1; i < records.size(); i++) {
      LogRecord prev = records.get(i - 1);
      LogRecord r = records.get(i);
      if (r.index() != prev.index() + 1 || r.term() < prev.term()) {
        throw new IllegalArgumentException("records not contiguous with non-decreasing terms at " + prev + ", " + r);
      }
    }
  }

  /** Index of the first record, or {@code lastIndex() + 1} when the log is empty. */
  public long firstIndex() {
    return records.isEmpty() ? 1 : records.getFirst().index();
  }

  /** Index of the last record, or 0 when the log is empty. */
  public long lastIndex() {
    return records.isEmpty() ? 0 : records.getLast().index();
  }
}
