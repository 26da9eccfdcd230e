package io.refraft.verification.history;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * An immutable history: ops in the order they happened.
 *
 * <p>Invariants: (1) op indices are strictly increasing (a sub-history from {@link #filter} or
 * {@link #splitIndependent} keeps the indices of the history it came from, so a report points
 * into the original file); (2) the list never changes.
 */
public final class History implements Iterable<Op> {
  private final List<Op> ops;

  private History(List<Op> ops) {
    this.ops = ops;
  }

  /** A history of these ops, which must have strictly increasing indices. */
  public static History of(List<Op> ops) {
    List<Op> copy = List.copyOf(ops);
    for (int i = 1; i < copy.size(); i++) {
      if (copy.get(i).index() <= copy.get(i - 1).index()) {
        throw new IllegalArgumentException("op indices must increase: op " + copy.get(i).index()
            + " follows op " + copy.get(i - 1).index());
      }
    }
    return new History(copy);
  }

  /** A history of these ops with indices 0, 1, 2, … assigned in list order. */
  public static History indexed(List<Op> ops) {
    List<Op> out = new ArrayList<>(ops.size());
    for (int i = 0; i < ops.size(); i++) {
      out.add(ops.get(i).withIndex(i));
    }
    return new History(Collections.unmodifiableList(out));
  }

  public List<Op> ops() {
    return ops;
  }

  public int size() {
    return ops.size();
  }

  public boolean isEmpty() {
    return ops.isEmpty();
  }

  public Op get(int position) {
    return ops.get(position);
  }

  @Override
  public Iterator<Op> iterator() {
    return ops.iterator();
  }

  /** The ops matching {@code keep}, with their original indices. */
  public History filter(Predicate<Op> keep) {
    return new History(ops.stream().filter(keep).toList());
  }

  /** Only the client ops (integer process): the nemesis and other actors are left out. */
  public History clientOps() {
    return filter(Op::isClient);
  }

  /** Only the ops whose {@code :f} is one of {@code fs}. */
  public History withF(Keyword... fs) {
    Set<Keyword> wanted = Set.of(fs);
    return filter(op -> wanted.contains(op.f()));
  }

  /** True when at least one op carries a {@code :time}. */
  public boolean hasTime() {
    return ops.stream().anyMatch(op -> op.time() >= 0);
  }

  /**
   * The client invocations paired with their completions, in invocation order. A process has at
   * most one op outstanding (Jepsen's model of a single-threaded client); an invocation without a
   * completion is paired with null and counts as {@code :info}.
   *
   * @throws IllegalArgumentException naming the op's index when a process invokes twice without
   *     completing, or completes what it never invoked
   */
  public List<OpPair> pairs() {
    List<OpPair> out = new ArrayList<>();
    Map<Object, Integer> open = new HashMap<>();
    List<Op> invokes = new ArrayList<>();
    List<Op> completions = new ArrayList<>();
    for (Op op : ops) {
      if (!op.isClient()) {
        continue;
      }
      Integer slot = open.get(op.process());
      if (op.type() == Op.Type.INVOKE) {
        if (slot != null) {
          throw new IllegalArgumentException("op " + op.index() + ": process " + op.process()
              + " invokes while its op " + invokes.get(slot).index() + " is still open");
        }
        open.put(op.process(), invokes.size());
        invokes.add(op);
        completions.add(null);
      } else {
        if (slot == null) {
          throw new IllegalArgumentException("op " + op.index() + ": process " + op.process()
              + " completes an op it never invoked");
        }
        completions.set(slot, op);
        open.remove(op.process());
      }
    }
    for (int i = 0; i < invokes.size(); i++) {
      out.add(new OpPair(invokes.get(i), completions.get(i)));
    }
    return Collections.unmodifiableList(out);
  }

  /**
   * Splits a {@code jepsen.independent} history, whose client op values are {@code [key value]}
   * tuples, into one history per key with the bare values; non-client ops are dropped. Keys keep
   * their order of first appearance.
   *
   * @throws IllegalArgumentException naming the op when a client op's value is not a tuple
   */
  public Map<Object, History> splitIndependent() {
    Map<Object, List<Op>> byKey = new LinkedHashMap<>();
    for (Op op : ops) {
      if (!op.isClient()) {
        continue;
      }
      if (!(op.value() instanceof List<?> tuple) || tuple.size() != 2) {
        throw new IllegalArgumentException("op " + op.index()
            + ": expected a [key value] tuple as value, got " + EdnValues.toEdn(op.value()));
      }
      byKey.computeIfAbsent(tuple.get(0), k -> new ArrayList<>()).add(op.withValue(tuple.get(1)));
    }
    Map<Object, History> out = new LinkedHashMap<>();
    byKey.forEach((k, v) -> out.put(k, new History(Collections.unmodifiableList(v))));
    return Collections.unmodifiableMap(out);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof History h && h.ops.equals(ops);
  }

  @Override
  public int hashCode() {
    return ops.hashCode();
  }

  @Override
  public String toString() {
    return "History[" + ops.size() + " ops]";
  }
}
