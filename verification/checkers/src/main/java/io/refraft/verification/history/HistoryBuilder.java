package io.refraft.verification.history;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Builds a {@link History} in code, as a test of another system records it: one call per event, in
 * the order they happened, with plain Java values. It spares a caller what {@link Op}'s canonical
 * form asks for: indices are assigned in call order, a function name becomes a {@link Keyword},
 * and {@code Integer}s anywhere in a value (nested lists, maps, sets) become the {@code Long}s every
 * reader produces, so {@code write(0, 1)} and a history read from EDN compare equal.
 *
 * <pre>{@code
 * History h = new HistoryBuilder()
 *     .invoke(0, "write", 1).ok(0, "write", 1)
 *     .invoke(1, "read", null).ok(1, "read", 1)
 *     .build();
 * }</pre>
 *
 * <p>A transaction's value is a list of micro-ops {@code [f k v]}: {@link #mop} builds one with its
 * function as a keyword. Events carry no time unless {@link #at} gives it; then every event must.
 */
public final class HistoryBuilder {
  private final List<Op> ops = new ArrayList<>();
  private long time = -1;

  /** An invocation by client {@code process} of {@code f} with {@code value}. */
  public HistoryBuilder invoke(long process, String f, Object value) {
    return op(Op.Type.INVOKE, process, f, value);
  }

  /** {@code process}'s invocation completed and took effect, with {@code value} (a read's result). */
  public HistoryBuilder ok(long process, String f, Object value) {
    return op(Op.Type.OK, process, f, value);
  }

  /** {@code process}'s invocation certainly did not take effect. */
  public HistoryBuilder fail(long process, String f, Object value) {
    return op(Op.Type.FAIL, process, f, value);
  }

  /** {@code process}'s invocation may or may not have taken effect (a timeout, a crash). */
  public HistoryBuilder info(long process, String f, Object value) {
    return op(Op.Type.INFO, process, f, value);
  }

  /**
   * Any event; {@code process} is a client's number ({@code Integer} or {@code Long}) or another
   * actor's name such as {@code "nemesis"} (a keyword: the checkers ignore its events).
   */
  public HistoryBuilder op(Op.Type type, Object process, String f, Object value) {
    Object p = switch (process) {
      case Integer i -> (long) i;
      case Long l -> l;
      case String s -> Keyword.of(s);
      case Keyword k -> k;
      default -> throw new IllegalArgumentException("process: a number or a name, got " + process);
    };
    ops.add(new Op(ops.size(), type, p, Keyword.of(f), canonical(value), time, null));
    return this;
  }

  /** The following events happened at {@code nanos} since the test started (until the next call). */
  public HistoryBuilder at(long nanos) {
    if (nanos < 0) {
      throw new IllegalArgumentException("time must be >= 0, got " + nanos);
    }
    this.time = nanos;
    return this;
  }

  /** A transaction's micro-op {@code [f key value]}, e.g. {@code mop("append", "x", 1)} or {@code mop("r", "x", null)}. */
  public static List<Object> mop(String f, Object key, Object value) {
    List<Object> m = new ArrayList<>(3);
    m.add(Keyword.of(f));
    m.add(canonical(key));
    m.add(canonical(value));
    return Collections.unmodifiableList(m);
  }

  /**
   * A {@code [key value]} tuple, the value of a kv op or of a {@code jepsen.independent} history's
   * op, e.g. {@code tuple("k", null)} for a read ({@code List.of} cannot hold the {@code null}).
   */
  public static List<Object> tuple(Object key, Object value) {
    List<Object> t = new ArrayList<>(2);
    t.add(canonical(key));
    t.add(canonical(value));
    return Collections.unmodifiableList(t);
  }

  public History build() {
    boolean timed = ops.stream().anyMatch(o -> o.time() >= 0);
    if (timed && ops.stream().anyMatch(o -> o.time() < 0)) {
      throw new IllegalStateException("some events have a time and some do not: call at() before the first");
    }
    return History.of(ops);
  }

  /**
   * {@code v} in the form the readers produce, so that it compares equal to values read from a file:
   * integers as Longs, collections unmodifiable, recursively; keywords, strings and the rest as they are.
   */
  public static Object canonical(Object v) {
    return switch (v) {
      case null -> null;
      case Integer i -> (long) i;
      case Short s -> (long) s;
      case Byte b -> (long) b;
      case List<?> l -> {
        List<Object> out = new ArrayList<>(l.size());
        l.forEach(e -> out.add(canonical(e)));
        yield Collections.unmodifiableList(out);
      }
      case Set<?> s -> {
        Set<Object> out = new LinkedHashSet<>();
        s.forEach(e -> out.add(canonical(e)));
        yield Collections.unmodifiableSet(out);
      }
      case Map<?, ?> m -> {
        Map<Object, Object> out = new LinkedHashMap<>();
        m.forEach((k, x) -> out.put(canonical(k), canonical(x)));
        yield Collections.unmodifiableMap(out);
      }
      default -> v;
    };
  }
}
