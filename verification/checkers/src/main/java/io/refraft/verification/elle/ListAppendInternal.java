package io.refraft.verification.elle;

import java.util.ArrayList;
import java.util.List;

/**
 * Internal consistency of one list-append transaction (Elle's "internal"): within a transaction,
 * a read must show what its own earlier reads and appends imply — exactly the earlier read plus the
 * appends since, or, with no earlier read, a list ending with its appends so far.
 *
 * <p>Transactions touch a handful of keys, so per-key state lives in small parallel lists searched
 * linearly rather than hash maps: this runs once per transaction of 10^5-transaction histories.
 */
final class ListAppendInternal {
  private ListAppendInternal() {}

  static void check(Txn t, List<Anomaly> out) {
    List<Mop> mops = t.mops();
    if (!touchesAKeyTwice(mops)) {
      return; // a read can only contradict the transaction's own earlier ops on the same key
    }
    List<Object> keys = new ArrayList<>(4);
    List<List<?>> lastRead = new ArrayList<>(4); // null: not read yet
    List<List<Object>> appendedSince = new ArrayList<>(4);
    for (Mop m : mops) {
      int k = keys.indexOf(m.key());
      if (k < 0) {
        keys.add(m.key());
        lastRead.add(null);
        appendedSince.add(new ArrayList<>(2));
        k = keys.size() - 1;
      }
      if (m.kind() == Mop.Kind.APPEND) {
        appendedSince.get(k).add(m.value());
        continue;
      }
      List<?> read = m.value() == null ? List.of() : (List<?>) m.value();
      List<?> prior = lastRead.get(k);
      List<Object> since = appendedSince.get(k);
      boolean consistent = prior != null
          ? read.size() == prior.size() + since.size() && startsWith(read, prior) && endsWith(read, since)
          : endsWith(read, since);
      if (!consistent) {
        String why = prior != null
            ? "its own earlier read " + prior + " and appends " + since + " since imply otherwise"
            : "it had already appended " + since + ", which the read must end with";
        out.add(new Anomaly.OpAnomaly(AnomalyType.INTERNAL, List.of(t.completion()), m.key(),
            t.label() + " read key " + m.key() + " = " + read + ", but " + why + "."));
        return;
      }
      lastRead.set(k, read);
      since.clear();
    }
  }

  private static boolean touchesAKeyTwice(List<Mop> mops) {
    for (int i = 1; i < mops.size(); i++) {
      for (int j = 0; j < i; j++) {
        if (mops.get(i).key().equals(mops.get(j).key())) {
          return true;
        }
      }
    }
    return false;
  }

  private static boolean startsWith(List<?> list, List<?> prefix) {
    return list.size() >= prefix.size() && list.subList(0, prefix.size()).equals(prefix);
  }

  private static boolean endsWith(List<?> list, List<?> suffix) {
    int off = list.size() - suffix.size();
    return off >= 0 && list.subList(off, list.size()).equals(suffix);
  }
}
