package io.refraft.verification.elle;

import io.refraft.verification.history.Op;
import java.util.List;
import java.util.Objects;

/** One anomaly Elle found, with the ops that witness it and an English explanation. */
public sealed interface Anomaly permits Anomaly.Cycle, Anomaly.OpAnomaly, Anomaly.SearchTimeout {

  AnomalyType type();

  /** Prose a reader can check by hand against the history. */
  String explanation();

  /**
   * One step of a cycle: {@code from < to} for the reason given.
   *
   * @param type why the edge exists
   * @param why  the sentence explaining it, naming the transactions by their cycle labels
   */
  record Step(EdgeType type, String why) {
    public Step {
      Objects.requireNonNull(type, "type");
      Objects.requireNonNull(why, "why");
    }
  }

  /**
   * A dependency cycle. Step i goes from {@code ops[i]} to {@code ops[(i+1) % n]}.
   *
   * @param type        G0, G1c, G-single-item, ... with -process/-realtime as Elle names them
   * @param ops         the completions of the transactions on the cycle, labelled T1..Tn in order
   * @param steps       one per op
   * @param explanation "Let T1 = ... Then: T1 &lt; T2, because ... a contradiction!"
   */
  record Cycle(AnomalyType type, List<Op> ops, List<Step> steps, String explanation) implements Anomaly {
    public Cycle {
      ops = List.copyOf(ops);
      steps = List.copyOf(steps);
      if (ops.size() != steps.size() || ops.size() < 2) {
        throw new IllegalArgumentException("a cycle has n ≥ 2 ops and n steps");
      }
    }
  }

  /**
   * An anomaly witnessed by individual ops rather than a cycle (G1a, G1b, internal, ...).
   *
   * @param type        the anomaly
   * @param ops         the ops involved, the reader first
   * @param key         the key concerned
   * @param explanation what is wrong
   */
  record OpAnomaly(AnomalyType type, List<Op> ops, Object key, String explanation) implements Anomaly {
    public OpAnomaly {
      ops = List.copyOf(ops);
      Objects.requireNonNull(type, "type");
    }
  }

  /**
   * The search of one strongly connected component ran out of time before it was complete.
   *
   * @param specType the anomaly class being searched for when time ran out
   * @param sccSize  transactions in the component
   * @param fallback a cycle of the component found without restrictions (also reported under its
   *     own type), so the component's existence is still witnessed
   */
  record SearchTimeout(AnomalyType specType, int sccSize, Cycle fallback) implements Anomaly {
    @Override
    public AnomalyType type() {
      return AnomalyType.CYCLE_SEARCH_TIMEOUT;
    }

    @Override
    public String explanation() {
      return "The search for " + specType.elleName() + " cycles in a strongly connected component of "
          + sccSize + " transactions ran out of time; a cycle found without restrictions is a "
          + fallback.type().elleName() + ":\n" + fallback.explanation();
    }
  }
}
