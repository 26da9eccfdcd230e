package io.refraft.impl.storage;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * One log entry as storage sees it: its position, the term it was created in, and an encoded
 * command that storage never interprets.
 *
 * <p>The payload array is not copied: once a record is built, nobody may mutate the array (a
 * replicated entry's bytes are shared by reference from the wire to the log, docs/ARCHITECTURE.md#the-spec).
 * Equality compares payload contents.
 *
 * @param index log index, at least 1 (Raft indexes the log from 1, paper Figure 2)
 * @param term  term of the leader that created the entry, at least 0
 * @param payload the encoded command, at most {@link #MAX_PAYLOAD_BYTES} bytes
 */
public record LogRecord(long index, long term, byte[] payload) {

  /** The largest payload the write-ahead log format accepts (64 MiB). */
  public static final int MAX_PAYLOAD_BYTES = 64 << 20;

  public LogRecord {
    if (index < 1) {
      throw new IllegalArgumentException("index must be >= 1, was " + index);
    }
    if (term < 0) {
      throw new IllegalArgumentException("term must be >= 0, was " + term);
    }
    Objects.requireNonNull(payload, "payload");
    if (payload.length > MAX_PAYLOAD_BYTES) {
      throw new IllegalArgumentException(
          "payload of entry " + index + " is " + payload.length + " bytes, more than " + MAX_PAYLOAD_BYTES);
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof LogRecord r && r.index == index && r.term == term && Arrays.equals(r.payload, payload);
  }

  @Override
  public int hashCode() {
    return Objects.hash(index, term, Arrays.hashCode(payload));
  }

  @Override
  public String toString() {
    String hex = HexFormat.of().formatHex(payload, 0, Math.min(payload.length, 16));
    return "LogRecord[index=" + index + ", term=" + term + ", payload=" + payload.length + " bytes "
        + hex + (payload.length > 16 ? "…" : "") + "]";
  }
}
