package io.refraft.verification.history;

import java.util.Objects;

/**
 * An invocation and what became of it. An invocation never completed in the history is treated
 * as Jepsen treats a crashed op: {@code :info}, it may or may not have taken effect.
 *
 * @param invoke     the {@code :invoke} op
 * @param completion its {@code :ok}, {@code :fail} or {@code :info} completion, or null when the
 *     history ends with the op still open
 */
public record OpPair(Op invoke, Op completion) {
  public OpPair {
    Objects.requireNonNull(invoke, "invoke");
    if (invoke.type() != Op.Type.INVOKE) {
      throw new IllegalArgumentException("op " + invoke.index() + " is not an invocation");
    }
    if (completion != null && completion.type() == Op.Type.INVOKE) {
      throw new IllegalArgumentException("op " + completion.index() + " is an invocation, not a completion");
    }
  }

  /** {@code OK}, {@code FAIL} or {@code INFO}; {@code INFO} when the op never completed. */
  public Op.Type outcome() {
    return completion == null ? Op.Type.INFO : completion.type();
  }

  public Object process() {
    return invoke.process();
  }

  public Keyword f() {
    return invoke.f();
  }
}
