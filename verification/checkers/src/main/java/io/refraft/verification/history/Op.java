package io.refraft.verification.history;

import java.util.Objects;

/**
 * One event of a history, as Jepsen records it.
 *
 * <p>Values are plain Java data, the same whatever format they were read from: integers are
 * {@link Long}, strings {@link String}, keywords {@link Keyword}, vectors and lists
 * {@link java.util.List} (unmodifiable), maps {@link java.util.Map}, sets {@link java.util.Set},
 * {@code nil} is {@code null}, booleans {@link Boolean}, other numbers {@link Double}.
 *
 * <p>Invariants: (1) {@code index} ≥ 0 and is the op's position in its history; (2) {@code type}
 * and {@code f} are non-null; (3) {@code time} is nanoseconds since the start of the test, or -1
 * when the history carries no time.
 *
 * @param index position in the history (Jepsen's {@code :index}, or assigned in reading order)
 * @param type  {@code :invoke}, {@code :ok}, {@code :fail} or {@code :info}
 * @param process a {@link Long} for a client process, a {@link Keyword} such as {@code :nemesis}
 *     otherwise
 * @param f     the operation's function, e.g. {@code :txn}, {@code :read}, {@code :cas}
 * @param value the operation's value (for {@code :txn}, a list of micro-op lists
 *     {@code [f k v]})
 * @param time  nanoseconds since the test started, or -1 when unknown
 * @param error Jepsen's {@code :error} field, or null
 */
public record Op(long index, Type type, Object process, Keyword f, Object value, long time, Object error) {

  /** Jepsen's four op types. */
  public enum Type {
    INVOKE, OK, FAIL, INFO;

    /** The EDN keyword name, e.g. {@code invoke}. */
    public String keyword() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  public Op {
    if (index < 0) {
      throw new IllegalArgumentException("index must be >= 0, got " + index);
    }
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(f, "f");
    if (time < -1) {
      throw new IllegalArgumentException("time must be >= 0 or -1 (unknown), got " + time);
    }
  }

  /** True when this op's process is a client (an integer), not the nemesis or another actor. */
  public boolean isClient() {
    return process instanceof Long;
  }

  public Op withIndex(long newIndex) {
    return new Op(newIndex, type, process, f, value, time, error);
  }

  public Op withValue(Object newValue) {
    return new Op(index, type, process, f, newValue, time, error);
  }
}
