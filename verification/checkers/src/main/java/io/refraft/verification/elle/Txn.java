package io.refraft.verification.elle;

import io.refraft.verification.history.Op;
import java.util.List;

/**
 * A transaction: an invocation paired with its completion.
 *
 * <p>Invariants: (1) {@code id} is the transaction's vertex in the dependency graph; (2) {@code type}
 * is OK, INFO or FAIL; (3) {@code invokePos} ≤ {@code completePos} are positions in the history
 * (an info op that never completed has {@code completePos} = its info op's position); (4) the
 * micro-ops are the completion's for OK (reads carry values) and the invocation's otherwise.
 *
 * @param id          dense vertex id
 * @param invoke      the invocation (the completion itself when the history has none)
 * @param completion  the :ok, :fail or :info op
 * @param mops        the micro-ops
 * @param invokePos   position of the invocation in the history
 * @param completePos position of the completion in the history
 */
record Txn(int id, Op invoke, Op completion, List<Mop> mops, int invokePos, int completePos) {
  Txn {
    mops = List.copyOf(mops);
    if (completion.type() == Op.Type.INVOKE) {
      throw new IllegalArgumentException("a transaction completes with :ok, :fail or :info");
    }
  }

  Op.Type type() {
    return completion.type();
  }

  boolean ok() {
    return completion.type() == Op.Type.OK;
  }

  boolean failed() {
    return completion.type() == Op.Type.FAIL;
  }

  /** OK or INFO: may have committed, so it is a vertex of the dependency graph. */
  boolean mayHaveCommitted() {
    return !failed();
  }

  /** The client process: a Long, or null when the history names none. */
  Object process() {
    return completion.process();
  }

  /** How non-cycle explanations name it: "op 40", the completion's index. */
  String label() {
    return "op " + completion.index();
  }
}
