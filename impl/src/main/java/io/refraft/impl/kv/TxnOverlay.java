package io.refraft.impl.kv;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Runs a {@link KvOp.Txn} atomically: micro-ops apply in order to a private overlay of the keys
 * they touch (so later reads see earlier writes of the same transaction); the overlay is written
 * back only if every micro-op succeeds. A cas mismatch or a type error aborts the transaction with
 * nothing changed. Being one log entry, the transaction is serializable by construction: every
 * replica applies it at the same point of the same order.
 */
final class TxnOverlay {
  private TxnOverlay() {}

  static Result run(TreeMap<String, Value> data, KvOp.Txn txn) {
    Map<String, Optional<Value>> overlay = new TreeMap<>();
    List<Result.Completed> done = new ArrayList<>(txn.ops().size());
    for (int i = 0; i < txn.ops().size(); i++) {
      MicroOp m = txn.ops().get(i);
      Optional<Value> current = overlay.containsKey(m.key()) ? overlay.get(m.key())
          : Optional.ofNullable(data.get(m.key()));
      switch (m) {
        case MicroOp.R r -> done.add(new Result.Completed(m, current));
        case MicroOp.Append a -> {
          if (current.isPresent() && current.get() instanceof Value.Register) {
            return new Result.TxnAborted(i, "append to '" + a.key() + "', which holds a register");
          }
          Value.Items list = current.isPresent() ? (Value.Items) current.get() : Value.Items.EMPTY;
          overlay.put(a.key(), Optional.of(list.plus(a.value())));
          done.add(new Result.Completed(m, Optional.empty()));
        }
        case MicroOp.W w -> {
          if (current.isPresent() && current.get() instanceof Value.Items) {
            return new Result.TxnAborted(i, "write to '" + w.key() + "', which holds a list");
          }
          overlay.put(w.key(), Optional.of(new Value.Register(w.value())));
          done.add(new Result.Completed(m, Optional.empty()));
        }
        case MicroOp.Cas c -> {
          if (current.isPresent() && current.get() instanceof Value.Items) {
            return new Result.TxnAborted(i, "cas on '" + c.key() + "', which holds a list");
          }
          Optional<String> actual = current.map(v -> ((Value.Register) v).value());
          if (!actual.equals(c.from())) {
            return new Result.TxnAborted(i, "cas on '" + c.key() + "' expected " + show(c.from()) + " but found "
                + show(actual));
          }
          overlay.put(c.key(), Optional.of(new Value.Register(c.to())));
          done.add(new Result.Completed(m, Optional.empty()));
        }
      }
    }
    for (Map.Entry<String, Optional<Value>> e : overlay.entrySet()) {
      data.put(e.getKey(), e.getValue().orElseThrow()); // a transaction never deletes
    }
    return new Result.TxnCommitted(done);
  }

  private static String show(Optional<String> v) {
    return v.map(s -> "\"" + s + "\"").orElse("nothing (absent key)");
  }
}
