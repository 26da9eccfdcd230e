package io.refraft.verification.linear;

import io.refraft.verification.history.Edn;
import io.refraft.verification.history.Op;
import java.io.Serial;

/** A history op the model has no meaning for (wrong {@code :f} or value shape); names the op. */
public final class UnsupportedOperationInHistory extends RuntimeException {
  @Serial private static final long serialVersionUID = 1L;

  public UnsupportedOperationInHistory(String model, Op op, String expected) {
    super("op " + op.index() + " (process " + op.process() + " :" + op.type().keyword() + " " + op.f() + " "
        + Edn.print(op.value()) + "): model " + model + " expects " + expected);
  }
}
