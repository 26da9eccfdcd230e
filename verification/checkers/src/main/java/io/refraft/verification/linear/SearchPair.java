package io.refraft.verification.linear;

import java.util.List;

/**
 * Two complete searches of one partition that differ only in the order they try candidates (see
 * {@link WglSearch}'s phases), run in alternation with equal step budgets; the first to finish
 * decides. Either order alone has histories on which it wanders for a long time through a subtree
 * without a linearization where the other goes straight through (measured in BENCHMARKS.md on
 * Jepsen-style cas-register histories), so alternating costs at most twice the better order's
 * steps. The second starts only once the first has taken {@link #SECOND_AFTER} steps. They share
 * the check's memory budget; when one spends it, the other goes on alone.
 */
final class SearchPair<S> {
  private final WglSearch<S> first;
  private final WglSearch<S> second;
  private boolean firstAlive = true;
  private boolean secondAlive = true;
  private int spentExplored;
  private long firstSteps;

  /**
   * Steps the first order takes alone: most partitions finish within them, and the second order
   * would only double their cost (and their cache).
   */
  static final long SECOND_AFTER = 1 << 16;

  SearchPair(Model<S> model, List<Operation> ops, long[] call, long[] ret, long deadlineNanos, MemoryBudget budget) {
    first = new WglSearch<>(model, ops, call, ret, deadlineNanos, budget, false);
    second = new WglSearch<>(model, ops, call, ret, deadlineNanos, budget, true);
  }

  /** Runs each live search for at most {@code budget} steps; null when neither finished. */
  WglSearch.Outcome run(long budget) {
    if (firstAlive) {
      WglSearch.Outcome o = settle(first.run(budget), true);
      if (o != null) {
        return o;
      }
    }
    firstSteps += budget;
    if (secondAlive && (firstSteps > SECOND_AFTER || !firstAlive)) {
      WglSearch.Outcome o = settle(second.run(budget), false);
      if (o != null) {
        return o;
      }
    }
    return null;
  }

  /** A final outcome ends both searches; a spent memory budget ends only the one that spent it. */
  private WglSearch.Outcome settle(WglSearch.Outcome o, boolean isFirst) {
    if (o instanceof WglSearch.GaveUp g && g.limit() == WglSearch.Limit.MEMORY) {
      spentExplored += g.explored();
      if (isFirst) {
        firstAlive = false;
      } else {
        secondAlive = false;
      }
      return firstAlive || secondAlive ? null : new WglSearch.GaveUp(spentExplored, WglSearch.Limit.MEMORY);
    }
    if (o != null) {
      release();
    }
    return o;
  }

  /** Returns both caches' memory to the budget; call when the outcome is final. */
  void release() {
    first.release();
    second.release();
  }
}
