package io.refraft.verification.linear;

import java.util.List;

/**
 * Complete searches of one partition that differ only in the order they try candidates (see
 * {@link WglSearch.Order}); the first to finish decides. Each order has histories on which it
 * wanders for a long time through a subtree without a linearization where another goes straight
 * through (measured in BENCHMARKS.md: call order on Jepsen-style cas-register histories, due-first
 * on a key of Porcupine's kv history c50-ok). Call order runs alone for its first {@link #ALONE}
 * steps, which most partitions need no more than (so they cost what they did before due-first
 * existed); then due-first joins, and enablers-first {@link #LATE_AFTER} steps later, each run in
 * alternation with equal step budgets. They share the check's memory budget; when one spends it,
 * the others go on.
 */
final class SearchPair<S> {
  private static final List<WglSearch.Order> ORDERS =
      List.of(WglSearch.Order.CALL, WglSearch.Order.DUE_FIRST, WglSearch.Order.ENABLERS_FIRST);

  /**
   * Steps call order takes alone: the keys of c50-ok need up to 0.85 M in call order (3.8 M
   * due-first), the hard cas-register histories pay this much before due-first starts.
   */
  static final long ALONE = 1 << 20;

  /** Steps call order and due-first then take before enablers-first joins, each. */
  static final long LATE_AFTER = 1 << 16;

  /** Steps the searches so far have taken each before search i starts. */
  private static final long[] START = {0, ALONE, ALONE + LATE_AFTER};

  private final List<WglSearch<S>> searches = new java.util.ArrayList<>();
  private final boolean[] alive = new boolean[ORDERS.size()];
  private int spentExplored;
  private long steps;

  SearchPair(Model<S> model, List<Operation> ops, long[] call, long[] ret, long deadlineNanos, MemoryBudget budget) {
    for (WglSearch.Order order : ORDERS) {
      searches.add(new WglSearch<>(model, ops, call, ret, deadlineNanos, budget, order));
    }
    java.util.Arrays.fill(alive, true);
  }

  /** Runs each live search that has started for at most {@code budget} steps; null when none finished. */
  WglSearch.Outcome run(long budget) {
    for (int i = 0; i < searches.size(); i++) {
      if (alive[i] && (steps >= START[i] || noneAliveBefore(i))) {
        WglSearch.Outcome o = settle(searches.get(i).run(budget), i);
        if (o != null) {
          return o;
        }
      }
    }
    steps += budget;
    return null;
  }

  private boolean noneAliveBefore(int i) {
    for (int j = 0; j < i; j++) {
      if (alive[j]) {
        return false;
      }
    }
    return true;
  }

  /** A final outcome ends all searches; a spent memory budget ends only the one that spent it. */
  private WglSearch.Outcome settle(WglSearch.Outcome o, int i) {
    if (o instanceof WglSearch.GaveUp g && g.limit() == WglSearch.Limit.MEMORY) {
      spentExplored += g.explored();
      alive[i] = false;
      for (boolean a : alive) {
        if (a) {
          return null;
        }
      }
      return new WglSearch.GaveUp(spentExplored, WglSearch.Limit.MEMORY);
    }
    if (o != null) {
      release();
    }
    return o;
  }

  /** Returns every cache's memory to the budget; call when the outcome is final. */
  void release() {
    for (WglSearch<S> s : searches) {
      s.release();
    }
  }
}
