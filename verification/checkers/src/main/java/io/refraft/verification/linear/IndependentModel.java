package io.refraft.verification.linear;

import io.refraft.verification.history.History;
import io.refraft.verification.history.OpPair;
import java.util.Map;

/**
 * Lifts a single-object model to a {@code jepsen.independent} history whose values are
 * {@code [key value]} tuples: one partition per key, each checked against {@code inner}.
 */
public record IndependentModel<S>(Model<S> inner) implements Model<S> {
  @Override
  public String name() {
    return inner.name();
  }

  @Override
  public S init() {
    return inner.init();
  }

  @Override
  public S step(S state, Operation op) {
    return inner.step(state, op);
  }

  @Override
  public boolean preservesState(Operation op) {
    return inner.preservesState(op);
  }

  @Override
  public Operation operation(OpPair pair) {
    return inner.operation(pair);
  }

  @Override
  public Map<Object, History> partition(History history) {
    try {
      return history.clientOps().splitIndependent();
    } catch (IllegalArgumentException e) {
      throw new UnsupportedOperationInHistory(name(), history.clientOps().get(0),
          "[key value] tuples for an independent history: " + e.getMessage());
    }
  }

  @Override
  public String describe(S state) {
    return inner.describe(state);
  }
}
