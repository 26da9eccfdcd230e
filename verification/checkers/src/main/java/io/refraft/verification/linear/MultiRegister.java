package io.refraft.verification.linear;

import io.refraft.verification.history.HistoryBuilder;
import io.refraft.verification.history.Keyword;
import io.refraft.verification.history.OpPair;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Knossos' multi-register: {@code :txn} ops whose value is a list of {@code [:read k v]} and
 * {@code [:write k v]} micro-ops applied atomically to a map of registers. A read of nil is
 * unknown (Knossos' convention); for an {@code :info} txn the invocation's micro-ops are used.
 *
 * @param initial the registers' values before any write, e.g. {@code {:x 0 :y 0}}
 */
public record MultiRegister(Map<Object, Object> initial) implements Model<Map<Object, Object>> {
  private static final Keyword TXN = Keyword.of("txn");
  private static final Keyword READ = Keyword.of("read");
  private static final Keyword WRITE = Keyword.of("write");

  public MultiRegister {
    Map<Object, Object> copy = new HashMap<>();
    // keys and values in the form a history reads them: {x: 0} from Java code holds the Long 0
    Objects.requireNonNull(initial, "initial").forEach((k, v) -> copy.put(HistoryBuilder.canonical(k),
        HistoryBuilder.canonical(v)));
    initial = Collections.unmodifiableMap(copy);
  }

  @Override
  public String name() {
    return "multi-register";
  }

  @Override
  public Map<Object, Object> init() {
    return initial;
  }

  @Override
  public Operation operation(OpPair pair) {
    if (!pair.f().equals(TXN) || !(pair.invoke().value() instanceof List<?> mops)) {
      throw new UnsupportedOperationInHistory(name(), pair.invoke(), ":txn with a list of [:read k v] / [:write k v]");
    }
    for (Object m : mops) {
      if (!(m instanceof List<?> mop) || mop.size() != 3 || !(READ.equals(mop.get(0)) || WRITE.equals(mop.get(0)))) {
        throw new UnsupportedOperationInHistory(name(), pair.invoke(), "micro-ops [:read k v] or [:write k v]");
      }
    }
    return Operation.of(pair);
  }

  @Override
  public Map<Object, Object> step(Map<Object, Object> state, Operation op) {
    List<?> mops = (List<?>) (op.outputKnown() && op.output() instanceof List<?> ? op.output() : op.input());
    Map<Object, Object> next = state;
    for (Object m : mops) {
      List<?> mop = (List<?>) m;
      Object k = mop.get(1);
      Object v = mop.get(2);
      if (READ.equals(mop.get(0))) {
        if (v != null && !Objects.equals(next.get(k), v)) {
          return null;
        }
      } else if (!Objects.equals(next.get(k), v) || !next.containsKey(k)) {
        if (next == state) {
          next = new HashMap<>(state);
        }
        next.put(k, v);
      }
    }
    return next == state ? state : Collections.unmodifiableMap(next);
  }
}
