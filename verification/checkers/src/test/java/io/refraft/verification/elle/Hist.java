package io.refraft.verification.elle;

import io.refraft.verification.history.Keyword;
import io.refraft.verification.history.Op;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/** Builds small Jepsen histories in code: each call appends one op, indexed in order. */
final class Hist {
  static final Keyword TXN = Keyword.of("txn");
  private final List<Op> ops = new ArrayList<>();

  static List<Object> append(long k, long v) {
    return List.of(Keyword.of("append"), k, v);
  }

  static List<Object> w(long k, long v) {
    return List.of(Keyword.of("w"), k, v);
  }

  /** A read micro-op; {@code v} is a List for list-append, a Long or null for registers. */
  static List<Object> r(long k, Object v) {
    return Collections.unmodifiableList(Arrays.asList(Keyword.of("r"), k, v));
  }

  static List<Object> list(long... vs) {
    List<Object> l = new ArrayList<>();
    for (long v : vs) {
      l.add(v);
    }
    return List.copyOf(l);
  }

  Hist invoke(long process, List<?>... mops) {
    return add(Op.Type.INVOKE, process, blankReads(List.of(mops)));
  }

  Hist ok(long process, List<?>... mops) {
    return add(Op.Type.OK, process, List.of(mops));
  }

  Hist fail(long process, List<?>... mops) {
    return add(Op.Type.FAIL, process, List.of(mops));
  }

  Hist info(long process, List<?>... mops) {
    return add(Op.Type.INFO, process, List.of(mops));
  }

  /** An invocation immediately followed by its :ok completion. */
  Hist txn(long process, List<?>... mops) {
    return invoke(process, mops).ok(process, mops);
  }

  Hist add(Op.Type type, Object process, Object value) {
    ops.add(new Op(ops.size(), type, process, TXN, value, ops.size() * 1000L, null));
    return this;
  }

  Hist op(Op.Type type, Object process, Keyword f, Object value) {
    ops.add(new Op(ops.size(), type, process, f, value, ops.size() * 1000L, null));
    return this;
  }

  List<Op> ops() {
    return List.copyOf(ops);
  }

  private static List<Object> blankReads(List<List<?>> mops) {
    List<Object> out = new ArrayList<>();
    for (List<?> m : mops) {
      out.add(m.get(0).equals(Keyword.of("r")) ? r((Long) m.get(1), null) : m);
    }
    return out;
  }
}
