package io.refraft.verification.linear;

import io.refraft.verification.history.Keyword;
import io.refraft.verification.history.Op;
import io.refraft.verification.history.OpPair;
import java.util.Objects;

/**
 * One operation as a model sees it: the function, its input (the invocation's value) and its
 * output (the completion's value, meaningful only when {@link #outputKnown()}).
 *
 * @param pair    the invocation and completion it comes from
 * @param f       the function, e.g. {@code :cas}
 * @param input   the invocation's value
 * @param output  the completion's value; null and meaningless for {@code :info}
 * @param outcome {@code OK}; {@code FAIL} only for a model that treats a failure as an observed
 *     result (see {@link CasRegister.FailedCas}); {@code INFO} when the op may have happened with
 *     an unknown result
 */
public record Operation(OpPair pair, Keyword f, Object input, Object output, Op.Type outcome) {
  public Operation {
    Objects.requireNonNull(pair, "pair");
    Objects.requireNonNull(f, "f");
    if (outcome == Op.Type.INVOKE) {
      throw new IllegalArgumentException("an operation's outcome is ok, fail or info");
    }
  }

  /** The straightforward reading of a pair: ok gives its output, info none, fail is dropped. */
  public static Operation of(OpPair pair) {
    return switch (pair.outcome()) {
      case OK -> new Operation(pair, pair.f(), pair.invoke().value(), pair.completion().value(), Op.Type.OK);
      case INFO -> new Operation(pair, pair.f(), pair.invoke().value(), null, Op.Type.INFO);
      case FAIL, INVOKE -> null;
    };
  }

  public boolean outputKnown() {
    return outcome != Op.Type.INFO;
  }
}
