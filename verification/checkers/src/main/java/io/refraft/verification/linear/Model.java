package io.refraft.verification.linear;

import io.refraft.verification.history.Edn;
import io.refraft.verification.history.History;
import io.refraft.verification.history.OpPair;
import java.util.Map;

/**
 * A sequential specification, in Porcupine's three parts: an initial state, a step function and a
 * partition of histories into independent sub-histories. States must be immutable and non-null
 * with value {@code equals}/{@code hashCode}: the search caches (linearized ops, state) pairs.
 *
 * @param <S> the model's state
 */
public interface Model<S> {
  /** The name used on the command line and in reports, e.g. {@code cas-register}. */
  String name();

  S init();

  /**
   * The state after {@code op} when {@code op} may take effect in {@code state} with its observed
   * output, or null when it may not. For an {@code :info} op the output is unknown: return the
   * state it would leave if it took effect (the search also considers it never taking effect).
   */
  S step(S state, Operation op);

  /**
   * True when {@code op}, wherever it is legal, leaves the state as it was (a read). The search
   * then linearizes such an op as soon as it is legal, without trying the orders that put it later:
   * moving a state-preserving op to the earliest point its real-time order allows keeps every
   * linearization legal. Default false (always sound; the search only branches more).
   */
  default boolean preservesState(Operation op) {
    return false;
  }

  /**
   * What {@code pair} means to this model, or null when it can neither change nor constrain the
   * state (a failed op, a read whose result is unknown). Default: {@link Operation#of}.
   */
  default Operation operation(OpPair pair) {
    return Operation.of(pair);
  }

  /**
   * Independent sub-histories by key, in a stable order: the history is linearizable iff each is
   * (P-compositionality). Default: the whole history under the key {@code "all"}.
   */
  default Map<Object, History> partition(History history) {
    return Map.of("all", history);
  }

  /** A state as a person reads it. */
  default String describe(S state) {
    return Edn.print(state);
  }
}
