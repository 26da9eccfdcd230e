package io.refraft.verification.elle;

import io.refraft.verification.history.Keyword;
import io.refraft.verification.history.Op;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns a Jepsen history into transactions: pairs each client completion with its process's
 * pending invocation, parses micro-ops for a workload, and rejects ops the workload cannot mean.
 * Non-client ops (the nemesis, processes that are not integers) are ignored, as Elle does.
 */
final class Transactions {
  private static final Keyword TXN = Keyword.of("txn");

  private Transactions() {}

  /** Micro-op functions a workload accepts. */
  enum Workload {
    LIST_APPEND(Set.of(Mop.Kind.APPEND, Mop.Kind.READ)),
    RW_REGISTER(Set.of(Mop.Kind.WRITE, Mop.Kind.READ));

    private final Set<Mop.Kind> kinds;

    Workload(Set<Mop.Kind> kinds) {
      this.kinds = kinds;
    }
  }

  static List<Txn> of(List<Op> history, Workload workload) {
    Map<Object, Integer> pending = new HashMap<>();
    List<Txn> out = new ArrayList<>();
    for (int pos = 0; pos < history.size(); pos++) {
      Op op = history.get(pos);
      // Elle's paper example has no :process at all; such ops are read as one client's, in order.
      if (!op.isClient() && op.process() != null) {
        continue;
      }
      if (!TXN.equals(op.f())) {
        throw new ElleInputException(op.index(), "expected :f :txn for a " + name(workload)
            + " history, got " + op.f());
      }
      Object process = op.process();
      if (op.type() == Op.Type.INVOKE) {
        Integer prior = pending.put(process, pos);
        if (prior != null) {
          throw new ElleInputException(op.index(), "process " + process
              + " invoked again before op index " + history.get(prior).index() + " completed");
        }
        continue; // parsed with its completion (or at the end, if it never completes)
      }
      Integer inv = pending.remove(process);
      Op invoke = inv == null ? op : history.get(inv);
      int invokePos = inv == null ? pos : inv;
      // An :ok completion carries what was read; a :fail or :info one may carry nothing useful.
      Op source = op.type() == Op.Type.OK || op.value() != null ? op : invoke;
      List<Mop> mops = parse(source, workload);
      out.add(new Txn(out.size(), invoke, op, mops, invokePos, pos));
    }
    // Invocations that never completed may have taken effect: Elle treats them like :info.
    for (Map.Entry<Object, Integer> e : pending.entrySet()) {
      Op invoke = history.get(e.getValue());
      Op info = new Op(invoke.index(), Op.Type.INFO, invoke.process(), invoke.f(), invoke.value(),
          invoke.time(), null);
      out.add(new Txn(out.size(), invoke, info, parse(invoke, workload), e.getValue(), history.size()));
    }
    return out;
  }

  private static String name(Workload w) {
    return switch (w) {
      case LIST_APPEND -> "list-append";
      case RW_REGISTER -> "rw-register";
    };
  }

  static List<Mop> parse(Op op, Workload workload) {
    if (!(op.value() instanceof List<?> list)) {
      throw new ElleInputException(op.index(), "a :txn value must be a list of micro-ops, got "
          + describe(op.value()));
    }
    List<Mop> mops = new ArrayList<>(list.size());
    for (int i = 0; i < list.size(); i++) {
      if (!(list.get(i) instanceof List<?> m) || m.size() != 3 || !(m.get(0) instanceof Keyword f)) {
        throw new ElleInputException(op.index(), "micro-op " + i + " must be [f key value], got "
            + describe(list.get(i)));
      }
      Mop.Kind kind = switch (f.name()) {
        case "append" -> Mop.Kind.APPEND;
        case "w" -> Mop.Kind.WRITE;
        case "r" -> Mop.Kind.READ;
        default -> null;
      };
      if (kind == null || !workload.kinds.contains(kind)) {
        throw new ElleInputException(op.index(), "micro-op " + i + " has :f " + f
            + ", which a " + name(workload) + " history does not have (expected "
            + workload.kinds.stream().map(Mop.Kind::edn).sorted().toList() + ")");
      }
      if (kind != Mop.Kind.READ && m.get(2) == null) {
        throw new ElleInputException(op.index(), "micro-op " + i + " writes nil");
      }
      mops.add(new Mop(kind, m.get(1), m.get(2)));
    }
    return mops;
  }

  private static String describe(Object v) {
    String s = String.valueOf(v);
    return s.length() > 80 ? s.substring(0, 77) + "..." : s;
  }
}
