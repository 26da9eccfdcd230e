package io.refraft.verification.elle;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/** Internal consistency of a register transaction, and the acyclicity test of a key's version order. */
final class RwRegisterInternal {
  private RwRegisterInternal() {}

  /** A read must return the transaction's own last write or last read of that key, if any. */
  static void check(Txn t, List<Anomaly> out) {
    Map<Object, Object> known = new HashMap<>();
    for (Mop m : t.mops()) {
      if (m.isRead() && known.containsKey(m.key()) && !Objects.equals(known.get(m.key()), m.value())) {
        out.add(new Anomaly.OpAnomaly(AnomalyType.INTERNAL, List.of(t.completion()), m.key(),
            t.label() + " read key " + m.key() + " = " + m.value() + ", but its own earlier "
                + "operations left it at " + known.get(m.key()) + "."));
        return;
      }
      known.put(m.key(), m.value());
    }
  }

  /** Kahn's algorithm over a key's version graph. */
  static boolean acyclic(Map<Object, Set<Object>> succ) {
    Map<Object, Integer> indegree = new HashMap<>();
    for (Map.Entry<Object, Set<Object>> e : succ.entrySet()) {
      indegree.putIfAbsent(e.getKey(), 0);
      for (Object y : e.getValue()) {
        indegree.merge(y, 1, Integer::sum);
      }
    }
    Deque<Object> ready = new ArrayDeque<>();
    indegree.forEach((v, d) -> {
      if (d == 0) {
        ready.add(v);
      }
    });
    int seen = 0;
    while (!ready.isEmpty()) {
      Object v = ready.poll();
      seen++;
      for (Object y : succ.getOrDefault(v, Set.of())) {
        if (indegree.merge(y, -1, Integer::sum) == 0) {
          ready.add(y);
        }
      }
    }
    return seen == indegree.size();
  }
}
