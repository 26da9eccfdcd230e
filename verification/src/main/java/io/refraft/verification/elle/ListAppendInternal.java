package io.refraft.verification.elle;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Internal consistency of one list-append transaction (Elle's "internal"): within a transaction,
 * a read must show what its own earlier reads and appends imply — exactly the earlier read plus the
 * appends since, or, with no earlier read, a list ending with its appends so far.
 */
final class ListAppendInternal {
  private ListAppendInternal() {}

  static void check(Txn t, List<Anomaly> out) {
    Map<Object, List<Object>> known = new HashMap<>();
    Map<Object, List<Object>> ownSuffix = new HashMap<>();
    for (Mop m : t.mops()) {
      if (m.kind() == Mop.Kind.APPEND) {
        List<Object> k = known.get(m.key());
        (k != null ? k : ownSuffix.computeIfAbsent(m.key(), x -> new ArrayList<>())).add(m.value());
        continue;
      }
      List<?> read = m.value() == null ? List.of() : (List<?>) m.value();
      List<Object> expected = known.get(m.key());
      List<Object> suffix = ownSuffix.getOrDefault(m.key(), List.of());
      boolean consistent = expected != null ? expected.equals(read) : endsWith(read, suffix);
      if (!consistent) {
        String why = expected != null
            ? "its own earlier read and appends imply " + expected
            : "it had already appended " + suffix + ", which the read must end with";
        out.add(new Anomaly.OpAnomaly(AnomalyType.INTERNAL, List.of(t.completion()), m.key(),
            t.label() + " read key " + m.key() + " = " + read + ", but " + why + "."));
        return;
      }
      known.put(m.key(), new ArrayList<>(read));
      ownSuffix.remove(m.key());
    }
  }

  private static boolean endsWith(List<?> list, List<?> suffix) {
    int off = list.size() - suffix.size();
    return off >= 0 && list.subList(off, list.size()).equals(suffix);
  }
}
