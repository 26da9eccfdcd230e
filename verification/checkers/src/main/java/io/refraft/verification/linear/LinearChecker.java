package io.refraft.verification.linear;

import io.refraft.verification.history.Edn;
import io.refraft.verification.history.History;
import io.refraft.verification.history.HistoryFormatException;
import io.refraft.verification.history.Op;
import io.refraft.verification.history.OpPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Checks a history for linearizability against a {@link Model}: partitions it, searches each
 * partition (see {@link WglSearch}) and reports the first partition without a linearization.
 *
 * <p>Real-time order comes from {@code :time} when every op of a partition has one and each
 * completion is no earlier than its invocation; otherwise from the ops' order in the history
 * (their indices), which is how Jepsen journals them and how Knossos reads them.
 */
public final class LinearChecker {
  private LinearChecker() {}

  /** {@link #check(Model, History, Duration, MemoryBudget)} with the default memory budget. */
  public static <S> LinearResult check(Model<S> model, History history, Duration timeout) {
    return check(model, history, timeout, MemoryBudget.defaults());
  }

  /**
   * @param timeout the whole check's time limit; when reached the result is {@link LinearResult.Unknown}
   * @param memory  what the searches' caches may hold; when spent the result is {@link LinearResult.Unknown}
   * @throws UnsupportedOperationInHistory when an op makes no sense to the model
   * @throws IllegalArgumentException when a process invokes twice without completing
   */
  public static <S> LinearResult check(Model<S> model, History history, Duration timeout, MemoryBudget memory) {
    long deadline = System.nanoTime() + Math.min(timeout.toNanos(), Long.MAX_VALUE / 4);
    Map<Object, History> parts = model.partition(history.clientOps());
    List<Part<S>> pending = new ArrayList<>();
    int operations = 0;
    for (Map.Entry<Object, History> part : parts.entrySet()) {
      Part<S> p = prepare(model, part.getKey(), part.getValue(), deadline, memory);
      operations += p.ops().size();
      switch (p.zones()) {
        case RegisterZones.Linearizable l -> { }
        case RegisterZones.NotLinearizable bad -> {
          return witness(model, p, parts.size(), operations, bad);
        }
        case RegisterZones.NotApplicable na -> pending.add(p);
      }
    }
    try {
      return search(model, parts.size(), operations, pending, timeout, memory);
    } catch (OutOfMemoryError e) {
      // The budget estimates the caches; this is the backstop for what it does not count.
      pending.clear();
      return new LinearResult.Unknown(parts.size(), operations, null,
          "the heap ran out during the search (" + e.getMessage() + "); try a larger -Xmx or a smaller --max-memory");
    }
  }

  private static <S> LinearResult search(Model<S> model, int partitions, int operations, List<Part<S>> pending,
      Duration timeout, MemoryBudget memory) {
    // Partitions are searched in rounds with a doubling step budget, so that an easily refuted
    // partition is reported without first finishing a hard one; the order stays deterministic.
    long budget = 1 << 12;
    while (!pending.isEmpty()) {
      List<Part<S>> unfinished = new ArrayList<>();
      for (Part<S> p : pending) {
        switch (p.search().run(budget)) {
          case null -> unfinished.add(p);
          case WglSearch.Linearizable l -> p.search().release();
          case WglSearch.GaveUp g -> {
            return new LinearResult.Unknown(partitions, operations, p.key(), switch (g.limit()) {
              case TIME -> "time limit of " + timeout.toMillis() + " ms reached";
              case MEMORY -> "memory budget of " + (memory.limit() >> 20) + " MiB spent";
            } + " while searching partition " + Edn.print(p.key()) + " (" + p.ops().size() + " ops, "
                + g.explored() + " configurations explored)");
          }
          case WglSearch.NotLinearizable bad -> {
            return new LinearResult.Invalid(partitions, operations, p.key(), p.pairs(), bad.prefix(), bad.state(),
                bad.blocked(), explain(model, p.key(), partitions, p.ops().size(), bad));
          }
        }
      }
      pending = unfinished;
      budget = Math.min(budget * 2, Long.MAX_VALUE / 4);
    }
    return new LinearResult.Valid(partitions, operations);
  }

  /** Steps the search may take to show how far a partition the zones refuted can be linearized. */
  static final long WITNESS_STEPS = 1 << 22;

  /** What the search for a witness of a refuted partition may cache. */
  static final long WITNESS_BYTES = 64L << 20;

  /**
   * A partition the zones refuted: the search, within a bounded number of steps, finds the longest
   * linearizable prefix and the op that blocks it, as for any refuted partition; past that bound the
   * zones' own explanation stands alone (the verdict is already certain).
   */
  private static <S> LinearResult witness(Model<S> model, Part<S> p, int partitions, int operations,
      RegisterZones.NotLinearizable zones) {
    WglSearch.Outcome o;
    try {
      o = p.search().run(WITNESS_STEPS);
    } catch (OutOfMemoryError e) {
      o = null;
    }
    p.search().release();
    if (o instanceof WglSearch.NotLinearizable bad) {
      return new LinearResult.Invalid(partitions, operations, p.key(), p.pairs(), bad.prefix(), bad.state(),
          bad.blocked(), explain(model, p.key(), partitions, p.ops().size(), bad) + " " + zones.explanation());
    }
    if (o instanceof WglSearch.Linearizable) {
      throw new IllegalStateException("the register zones refuted partition " + Edn.print(p.key())
          + " but the search linearized it: " + zones.explanation());
    }
    String where = partitions > 1 ? " in partition " + Edn.print(p.key()) : "";
    return new LinearResult.Invalid(partitions, operations, p.key(), p.pairs(), List.of(),
        model.describe(model.init()), zones.culprit(),
        "Not linearizable w.r.t. model " + model.name() + where + ": " + zones.explanation());
  }

  record Part<S>(Object key, List<OpPair> pairs, List<Operation> ops, SearchPair<S> search,
      RegisterZones.Decision zones) {}

  static <S> Part<S> prepare(Model<S> model, Object key, History history, long deadline, MemoryBudget memory) {
    List<OpPair> pairs = history.pairs();
    List<Operation> ops = new ArrayList<>(pairs.size());
    for (OpPair p : pairs) {
      Operation op = model.operation(p);
      if (op != null) {
        ops.add(op);
      }
    }
    int n = ops.size();
    long[] call = new long[n];
    long[] ret = new long[n];
    boolean timed = ops.stream().allMatch(o -> o.pair().invoke().time() >= 0
        && (o.pair().completion() == null || o.pair().completion().time() >= o.pair().invoke().time()));
    for (int i = 0; i < n; i++) {
      OpPair p = ops.get(i).pair();
      call[i] = timed ? p.invoke().time() : p.invoke().index();
      // An :info op's effect may come at any later time (its return is at +infinity).
      boolean open = ops.get(i).outcome() == Op.Type.INFO;
      ret[i] = open ? Long.MAX_VALUE : timed ? p.completion().time() : p.completion().index();
    }
    if (register(model) != null) {
      boolean[] keep = UnobservedCrashes.keep(ops, call, ret);
      int k = 0;
      for (int i = 0; i < n; i++) {
        if (keep[i]) {
          ops.set(k, ops.get(i));
          call[k] = call[i];
          ret[k++] = ret[i];
        }
      }
      ops.subList(k, n).clear();
      call = Arrays.copyOf(call, k);
      ret = Arrays.copyOf(ret, k);
    }
    RegisterZones.Decision zones = zones(model, ops, call, ret);
    // A refuted partition is searched only for a witness: with a small cache of its own, so that a
    // long history is reported in seconds (the verdict is already certain).
    MemoryBudget budget = zones instanceof RegisterZones.NotLinearizable
        ? MemoryBudget.ofBytes(Math.min(memory.limit(), WITNESS_BYTES)) : memory;
    return new Part<>(key, pairs, ops, new SearchPair<>(model, ops, call, ret, deadline, budget), zones);
  }

  /** The polynomial decision for unique-value registers, when the model is a read/write register. */
  private static RegisterZones.Decision zones(Model<?> model, List<Operation> ops, long[] call, long[] ret) {
    CasRegister reg = register(model);
    if (reg != null) {
      return RegisterZones.decide(reg, ops, call, ret);
    }
    return new RegisterZones.NotApplicable("the model " + model.name() + " is not a register");
  }

  /** The register the model is (alone or per key), or null. */
  private static CasRegister register(Model<?> model) {
    Model<?> m = model instanceof IndependentModel<?> im ? im.inner() : model;
    return m instanceof CasRegister reg ? reg : null;
  }

  private static String explain(Model<?> model, Object key, int partitions, int size, WglSearch.NotLinearizable bad) {
    StringBuilder sb = new StringBuilder();
    sb.append("Not linearizable w.r.t. model ").append(model.name());
    if (partitions > 1) {
      sb.append(" in partition ").append(Edn.print(key));
    }
    sb.append(": the longest linearizable prefix has ").append(bad.prefix().size()).append(" of ").append(size)
        .append(" ops and leaves the state ").append(HistoryFormatException.excerpt(bad.state())).append('.');
    if (bad.blocked() != null) {
      sb.append(" Then ").append(describe(bad.blocked()))
          .append(" must take effect before it returned, but neither it nor any op that could precede it is legal from there,"
              + " and no other order of the earlier ops gets further.");
    }
    return sb.toString();
  }

  /** An op as one line: {@code op 12 (process 3): :cas [1 4] -> :ok}. */
  public static String describe(OpPair p) {
    Op c = p.completion();
    String out = c == null ? "never completed" : ":" + c.type().keyword()
        + (c.value() == null || c.value().equals(p.invoke().value()) ? "" : " " + excerpt(c.value()));
    return "op " + p.invoke().index() + " (process " + p.invoke().process() + " " + p.f() + " "
        + excerpt(p.invoke().value()) + " -> " + out + ")";
  }

  /** A value as an explanation quotes it: at most a couple of hundred characters. */
  static String excerpt(Object value) {
    return HistoryFormatException.excerpt(Edn.print(value));
  }
}
