package io.refraft.impl.kv;

/**
 * A state-machine snapshot body that does not decode, with the field at fault
 * ({@code sessions[3].result.value[0][2]}, {@code data["x"]}, …) and what was expected there.
 */
public final class MalformedSnapshotException extends Exception {
  private static final long serialVersionUID = 1L;

  private final String field;

  public MalformedSnapshotException(String field, String reason) {
    super("malformed KV snapshot" + (field.isEmpty() ? "" : " at " + field) + ": " + reason);
    this.field = field;
  }

  /** Where in the snapshot the problem is; empty for the snapshot as a whole. */
  public String field() {
    return field;
  }
}
