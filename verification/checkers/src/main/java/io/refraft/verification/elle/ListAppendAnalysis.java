package io.refraft.verification.elle;

import io.refraft.verification.history.Op;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Elle's list-append inference (paper §4.1, "Traceability" and "Recoverability"): every appended
 * element is unique per key, so the longest read of a key gives a prefix of its version order and
 * each element names the one transaction that appended it.
 *
 * <ul>
 *   <li>ww: consecutive elements of the version order, appended by different committed transactions;
 *   <li>wr: a read's last element not appended by the reader itself comes from its appender;
 *   <li>rw: a read of length n missed the element at position n (the next committed one) of the
 *       version order.
 * </ul>
 * Reads of :info transactions are unknown and unused; their appends, once observed, prove they
 * committed. :fail transactions are not vertices; reading their elements is G1a.
 */
final class ListAppendAnalysis implements Inference {
  private record Read(Txn txn, int mop, Object key, List<?> value) {}

  private final List<Txn> txns;
  private final Map<Object, Map<Object, Txn>> appender = new HashMap<>();
  private final Map<Object, List<?>> order = new HashMap<>();
  /** key -> element -> its position in the version order; built only to explain cycles. */
  private final Map<Object, Map<Object, Integer>> position = new HashMap<>();
  private final List<Read> reads = new ArrayList<>();
  private final List<Anomaly> anomalies = new ArrayList<>();

  ListAppendAnalysis(List<Txn> txns) {
    this.txns = txns;
  }

  @Override
  public List<Anomaly> anomalies() {
    return anomalies;
  }

  @Override
  public void addEdges(DepGraph.Builder g) {
    indexAppends();
    for (Txn t : txns) {
      if (t.ok()) {
        collectReads(t);
        ListAppendInternal.check(t, anomalies);
      }
    }
    inferVersionOrders();
    for (Read r : reads) {
      readEdges(r, g);
    }
    for (Map.Entry<Object, List<?>> e : order.entrySet()) {
      writeEdges(e.getKey(), e.getValue(), g);
    }
    lostUpdates();
  }

  private void indexAppends() {
    for (Txn t : txns) {
      for (Mop m : t.mops()) {
        if (m.kind() != Mop.Kind.APPEND) {
          continue;
        }
        Txn prior = appender.computeIfAbsent(m.key(), k -> new HashMap<>()).putIfAbsent(m.value(), t);
        if (prior != null) {
          throw new ElleInputException(t.completion().index(), "element " + m.value()
              + " appended to key " + m.key() + " more than once (also by op index "
              + prior.completion().index() + "); list-append needs unique elements per key");
        }
      }
    }
  }

  private void collectReads(Txn t) {
    for (int i = 0; i < t.mops().size(); i++) {
      Mop m = t.mops().get(i);
      if (!m.isRead()) {
        continue;
      }
      List<?> value;
      if (m.value() == null) {
        value = List.of(); // Jepsen clients report a missing list as nil
      } else if (m.value() instanceof List<?> l) {
        value = l;
      } else {
        throw new ElleInputException(t.completion().index(), "micro-op " + i
            + " reads key " + m.key() + " as " + m.value() + ", not a list");
      }
      Read r = new Read(t, i, m.key(), value);
      reads.add(r);
      List<?> longest = order.get(m.key());
      if (longest == null || value.size() > longest.size()) {
        order.put(m.key(), value);
        longestRead.put(m.key(), r);
      }
    }
  }

  /** Every read of a key must be a prefix of its longest read; the paper's incompatible-order. */
  private void inferVersionOrders() {
    Set<Object> reported = new HashSet<>();
    for (Read r : reads) {
      List<?> longest = order.get(r.key);
      boolean prefix = isPrefix(r.value, longest);
      // Duplicates in a prefix are duplicates of the longest read, checked once per key below.
      if (!prefix && new HashSet<>(r.value).size() != r.value.size()) {
        duplicates(r);
      }
      if (!prefix && reported.add(r.key)) {
        anomalies.add(new Anomaly.OpAnomaly(AnomalyType.INCOMPATIBLE_ORDER, List.of(r.txn.completion()),
            r.key, r.txn.label() + " read key " + r.key + " = " + r.value
                + ", which is not a prefix of the longest read of that key, " + longest
                + ": no single version order explains both."));
      }
    }
    for (Map.Entry<Object, List<?>> e : order.entrySet()) {
      List<?> versions = e.getValue();
      Txn[] writers = new Txn[versions.size()];
      int firstBad = versions.size();
      for (int i = 0; i < versions.size(); i++) {
        writers[i] = appenderOf(e.getKey(), versions.get(i));
        if (firstBad == versions.size() && (writers[i] == null || writers[i].failed())) {
          firstBad = i;
        }
      }
      int[] next = new int[versions.size() + 1];
      next[versions.size()] = -1;
      for (int i = versions.size() - 1; i >= 0; i--) {
        next[i] = writers[i] != null && writers[i].mayHaveCommitted() ? i : next[i + 1];
      }
      if (versions.size() > 1 && new HashSet<>(versions).size() != versions.size()) {
        duplicates(longestRead.get(e.getKey()));
      }
      keyOrders.put(e.getKey(), new KeyOrder(writers, firstBad, next));
    }
  }

  /**
   * The version order of a key indexed by position, so that reads (prefixes of it) need no hashing:
   * the appender at each position, the first position whose appender is unknown or failed, and the
   * next position at or after each one whose appender may have committed (-1 when none).
   */
  private record KeyOrder(Txn[] writers, int firstBad, int[] nextCommitted) {}

  private final Map<Object, KeyOrder> keyOrders = new HashMap<>();

  private Integer positionOf(Object key, Object element) {
    List<?> versions = order.get(key);
    if (versions == null) {
      return null;
    }
    return position.computeIfAbsent(key, k -> {
      Map<Object, Integer> pos = new HashMap<>(versions.size() * 2);
      for (int i = 0; i < versions.size(); i++) {
        pos.putIfAbsent(versions.get(i), i);
      }
      return pos;
    }).get(element);
  }

  private void duplicates(Read r) {
    anomalies.add(new Anomaly.OpAnomaly(AnomalyType.DUPLICATE_ELEMENTS, List.of(r.txn.completion()),
        r.key, r.txn.label() + " read key " + r.key + " = " + r.value
            + ", which holds an element more than once, though each was appended once."));
  }

  private final Map<Object, Read> longestRead = new HashMap<>();

  private static boolean isPrefix(List<?> a, List<?> b) {
    if (a.size() > b.size()) {
      return false;
    }
    for (int i = 0; i < a.size(); i++) {
      if (!java.util.Objects.equals(a.get(i), b.get(i))) {
        return false;
      }
    }
    return true;
  }

  private Txn appenderOf(Object key, Object element) {
    Map<Object, Txn> m = appender.get(key);
    return m == null ? null : m.get(element);
  }

  private void readEdges(Read r, DepGraph.Builder g) {
    Txn t = r.txn;
    KeyOrder ko = keyOrders.get(r.key);
    boolean prefix = isPrefix(r.value, order.get(r.key));
    int n = r.value.size();
    for (int i = prefix ? Math.min(ko.firstBad, n) : 0; i < n; i++) {
      Object e = r.value.get(i);
      Txn w = prefix ? ko.writers[i] : appenderOf(r.key, e);
      if (w == null) {
        anomalies.add(new Anomaly.OpAnomaly(AnomalyType.GARBAGE_READ, List.of(t.completion()), r.key,
            t.label() + " read key " + r.key + " = " + r.value + ", but no transaction appended " + e + "."));
        return;
      }
      if (w.failed()) {
        anomalies.add(new Anomaly.OpAnomaly(AnomalyType.G1A, List.of(t.completion(), w.completion()), r.key,
            t.label() + " read key " + r.key + " = " + r.value + ", observing the append of " + e
                + " by " + w.label() + ", which failed: an aborted read."));
        return;
      }
    }
    int lastIdx = n - 1;
    while (lastIdx >= 0 && (prefix ? ko.writers[lastIdx] : appenderOf(r.key, r.value.get(lastIdx))) == t) {
      lastIdx--;
    }
    Txn source = lastIdx < 0 ? null : (prefix ? ko.writers[lastIdx] : appenderOf(r.key, r.value.get(lastIdx)));
    if (source != null) {
      g.add(source.id(), t.id(), EdgeType.WR);
      Object last = r.value.get(lastIdx);
      Object sourceLast = lastAppendOf(source, r.key);
      if (lastIdx == n - 1 && !last.equals(sourceLast)) {
        anomalies.add(new Anomaly.OpAnomaly(AnomalyType.G1B, List.of(t.completion(), source.completion()), r.key,
            t.label() + " read key " + r.key + " = " + r.value + ", ending with " + last + ", an intermediate"
                + " state of " + source.label() + ", which went on to append " + sourceLast + "."));
      }
    }
    if (appendsLater(r)) {
      futureRead(r);
    }
    if (prefix) {
      int next = ko.nextCommitted[n];
      // A read that missed the rest of its own source's appends is G1b, reported above; an rw edge
      // back to that source would only restate it as a two-transaction cycle.
      if (next >= 0) {
        Txn w = ko.writers[next];
        if (w != source) {
          g.add(t.id(), w.id(), EdgeType.RW);
        }
      } else {
        for (Txn u : unobserved(r.key)) {
          if (u != source) {
            g.add(t.id(), u.id(), EdgeType.RW);
          }
        }
      }
    }
  }

  /**
   * Committed (:ok) transactions whose append to {@code key} no read observed. Every committed
   * element ends up in the list and every read is a prefix of it, so these elements come after the
   * longest read (their order among themselves is unknown): its last writer precedes them (ww) and
   * its readers missed them (rw). :info appends may never have happened and are left out.
   */
  private List<Txn> unobserved(Object key) {
    return unobserved.computeIfAbsent(key, k -> {
      Map<Object, Txn> appended = appender.getOrDefault(k, Map.of());
      KeyOrder ko = keyOrders.get(k);
      if (ko != null && ko.writers.length == appended.size() && ko.firstBad == ko.writers.length) {
        return List.of(); // every element appended was read, and each read element was appended
      }
      List<Txn> out = new ArrayList<>();
      for (Map.Entry<Object, Txn> e : appended.entrySet()) {
        if (e.getValue().ok() && positionOf(k, e.getKey()) == null) {
          out.add(e.getValue());
        }
      }
      out.sort(java.util.Comparator.comparingInt(Txn::id));
      return out;
    });
  }

  private final Map<Object, List<Txn>> unobserved = new HashMap<>();

  /** The last element of a read that the reader did not append itself, or null. */
  private Object lastForeign(Txn t, Object key, List<?> value) {
    for (int i = value.size() - 1; i >= 0; i--) {
      if (appenderOf(key, value.get(i)) != t) {
        return value.get(i);
      }
    }
    return null;
  }

  /** A read that observes its own transaction's later append saw the future. */
  private void futureRead(Read r) {
    for (Object e : r.value) {
      if (appenderOf(r.key, e) != r.txn) {
        continue;
      }
      List<Mop> mops = r.txn.mops();
      for (int j = r.mop + 1; j < mops.size(); j++) {
        Mop m = mops.get(j);
        if (m.kind() == Mop.Kind.APPEND && m.key().equals(r.key) && m.value().equals(e)) {
          anomalies.add(new Anomaly.OpAnomaly(AnomalyType.FUTURE_READ, List.of(r.txn.completion()), r.key,
              r.txn.label() + " read key " + r.key + " = " + r.value + ", including " + e
                  + ", which it appended only later (micro-op " + j + ")."));
          return;
        }
      }
    }
  }

  /** Position of the first element at or after {@code from} appended by a transaction that may have committed. */
  private int nextCommitted(Object key, List<?> order, int from) {
    for (int i = from; i < order.size(); i++) {
      Txn w = appenderOf(key, order.get(i));
      if (w != null && w.mayHaveCommitted()) {
        return i;
      }
    }
    return -1;
  }

  private void writeEdges(Object key, List<?> versions, DepGraph.Builder g) {
    Txn prev = null;
    Txn aborted = null;
    boolean dirtyReported = false;
    for (Object e : versions) {
      Txn w = appenderOf(key, e);
      if (w == null) {
        continue;
      }
      if (w.failed()) {
        aborted = aborted == null ? w : aborted;
        continue;
      }
      if (aborted != null && !dirtyReported) {
        dirtyReported = true;
        anomalies.add(new Anomaly.OpAnomaly(AnomalyType.DIRTY_UPDATE, List.of(w.completion(), aborted.completion()),
            key, w.label() + " appended " + e + " to key " + key + " on top of a state written by "
                + aborted.label() + ", which failed."));
      }
      if (prev != null) {
        g.add(prev.id(), w.id(), EdgeType.WW);
      }
      prev = w;
    }
    if (prev != null) {
      for (Txn u : unobserved(key)) {
        g.add(prev.id(), u.id(), EdgeType.WW);
      }
    }
  }

  /**
   * Two committed transactions that read the same version of a key and then both appended to it:
   * each missed the other's append, so one update is lost (Adya's P4; Elle's lost-update).
   */
  private void lostUpdates() {
    Map<Object, Map<Integer, List<Txn>>> byVersion = new HashMap<>();
    for (Read r : reads) {
      // Equal lengths mean equal versions only for reads that are prefixes of the version order.
      if (firstTouchIsThisRead(r) && appendsLater(r) && isPrefix(r.value, order.get(r.key))) {
        byVersion.computeIfAbsent(r.key, k -> new HashMap<>())
            .computeIfAbsent(r.value.size(), k -> new ArrayList<>()).add(r.txn);
      }
    }
    for (Map.Entry<Object, Map<Integer, List<Txn>>> e : byVersion.entrySet()) {
      for (Map.Entry<Integer, List<Txn>> v : e.getValue().entrySet()) {
        List<Txn> ts = v.getValue();
        if (ts.size() < 2) {
          continue;
        }
        List<?> longest = order.get(e.getKey());
        List<Op> ops = ts.stream().map(Txn::completion).toList();
        anomalies.add(new Anomaly.OpAnomaly(AnomalyType.LOST_UPDATE, ops, e.getKey(),
            ts.stream().map(Txn::label).toList() + " all read key " + e.getKey() + " = "
                + longest.subList(0, Math.min(v.getKey(), longest.size()))
                + " and then appended to it: all but one of their appends were made without"
                + " observing the others."));
      }
    }
  }

  private static boolean firstTouchIsThisRead(Read r) {
    for (int i = 0; i < r.mop; i++) {
      if (r.txn.mops().get(i).key().equals(r.key)) {
        return false;
      }
    }
    return true;
  }

  private static boolean appendsLater(Read r) {
    List<Mop> mops = r.txn.mops();
    for (int i = r.mop + 1; i < mops.size(); i++) {
      if (mops.get(i).kind() == Mop.Kind.APPEND && mops.get(i).key().equals(r.key)) {
        return true;
      }
    }
    return false;
  }

  /** A read micro-op's list (nil reads as empty), or null for anything else. */
  private static List<?> readValue(Mop m) {
    if (!m.isRead()) {
      return null;
    }
    return m.value() == null ? List.of() : (m.value() instanceof List<?> l ? l : null);
  }

  private static Object lastAppendOf(Txn w, Object key) {
    Object last = null;
    for (Mop m : w.mops()) {
      if (m.kind() == Mop.Kind.APPEND && m.key().equals(key)) {
        last = m.value();
      }
    }
    return last;
  }

  @Override
  public String explain(Txn a, Txn b, EdgeType type, String la, String lb) {
    switch (type) {
      case WR -> {
        for (Mop m : b.mops()) {
          List<?> l = readValue(m);
          Object last = l == null ? null : lastForeign(b, m.key(), l);
          if (last != null && appenderOf(m.key(), last) == a) {
            return lb + " observed " + la + "'s append of " + last + " to key " + m.key();
          }
        }
      }
      case WW -> {
        for (Mop m : a.mops()) {
          Integer p = m.kind() == Mop.Kind.APPEND ? positionOf(m.key(), m.value()) : null;
          int next = p == null ? -1 : nextCommitted(m.key(), order.get(m.key()), p + 1);
          if (next >= 0 && appenderOf(m.key(), order.get(m.key()).get(next)) == b) {
            return lb + " appended " + order.get(m.key()).get(next) + " after " + la + " appended "
                + m.value() + " to key " + m.key();
          }
          if (p != null && next < 0 && unobserved(m.key()).contains(b)) {
            return lb + "'s append of " + lastAppendOf(b, m.key()) + " to key " + m.key()
                + " was never read, so it came after " + la + "'s append of " + m.value()
                + ", the last one read";
          }
        }
      }
      case RW -> {
        for (Mop m : a.mops()) {
          List<?> l = a.ok() ? readValue(m) : null;
          List<?> longest = l != null && isPrefix(l, order.get(m.key())) ? order.get(m.key()) : null;
          int next = longest == null ? -1 : nextCommitted(m.key(), longest, l.size());
          if (next >= 0 && appenderOf(m.key(), longest.get(next)) == b) {
            return la + " did not observe " + lb + "'s append of " + longest.get(next) + " to key " + m.key();
          }
          if (longest != null && next < 0 && unobserved(m.key()).contains(b)) {
            return la + " did not observe " + lb + "'s append of " + lastAppendOf(b, m.key()) + " to key "
                + m.key() + " (which no read observed, so it came after every element read)";
          }
        }
      }
      case PROCESS, REALTIME -> throw new IllegalArgumentException("not a data dependency: " + type);
    }
    return la + " < " + lb + " by " + type.elleName();
  }
}
