package io.refraft.verification.elle;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Elle's rw-register inference with unique written values per key (paper §4.2).
 *
 * <p>A read names the one write it observed (wr). The version order is only partly known, and we
 * infer it conservatively from two rules Elle's documentation names, both sound without assuming
 * anything about the database: the initial state {@code nil} precedes every version, and
 * writes-follow-reads within a transaction (a transaction that read x and then wrote y installed y
 * after x). Elle's optional per-key sequential/linearizable assumptions (process and realtime order
 * of versions) are not applied. ww edges join the writers of versions ordered that way; rw edges go
 * from a reader of version x to the writer of each version directly after x. A cycle in a key's
 * version order is {@code cyclic-versions}, and that key then contributes no ww/rw edges.
 *
 * <p>Only a transaction's external reads count: the first access to a key, when it is a read.
 */
final class RwRegisterAnalysis implements Inference {
  private static final Object INITIAL = new Object() {
    @Override
    public String toString() {
      return "nil";
    }
  };

  private final List<Txn> txns;
  private final Map<Object, Map<Object, Txn>> writer = new HashMap<>();
  /** key -> version -> versions directly after it. */
  private final Map<Object, Map<Object, Set<Object>>> successors = new HashMap<>();
  /** key -> version -> ok transactions whose external read saw it. */
  private final Map<Object, Map<Object, List<Txn>>> readers = new HashMap<>();
  private final List<Anomaly> anomalies = new ArrayList<>();

  RwRegisterAnalysis(List<Txn> txns) {
    this.txns = txns;
  }

  @Override
  public List<Anomaly> anomalies() {
    return anomalies;
  }

  @Override
  public void addEdges(DepGraph.Builder g) {
    indexWrites();
    for (Txn t : txns) {
      if (t.ok()) {
        RwRegisterInternal.check(t, anomalies);
        externalReads(t, g);
      }
    }
    for (Txn t : txns) {
      if (t.mayHaveCommitted()) {
        writesFollowReads(t);
      }
    }
    for (Object key : writer.keySet()) {
      initialPrecedes(key);
    }
    for (Map.Entry<Object, Map<Object, Set<Object>>> e : successors.entrySet()) {
      if (RwRegisterInternal.acyclic(e.getValue())) {
        versionEdges(e.getKey(), e.getValue(), g);
      } else {
        anomalies.add(new Anomaly.OpAnomaly(AnomalyType.CYCLIC_VERSIONS, List.of(), e.getKey(),
            "The version order inferred for key " + e.getKey() + " is cyclic: " + e.getValue()));
      }
    }
  }

  private void indexWrites() {
    for (Txn t : txns) {
      for (Mop m : t.mops()) {
        if (m.kind() != Mop.Kind.WRITE) {
          continue;
        }
        Txn prior = writer.computeIfAbsent(m.key(), k -> new HashMap<>()).putIfAbsent(m.value(), t);
        if (prior != null && prior != t) {
          throw new ElleInputException(t.completion().index(), "value " + m.value() + " written to key "
              + m.key() + " more than once (also by op index " + prior.completion().index()
              + "); rw-register needs unique values per key");
        }
      }
    }
  }

  private Txn writerOf(Object key, Object value) {
    Map<Object, Txn> m = writer.get(key);
    return m == null ? null : m.get(value);
  }

  private static Object finalWrite(Txn t, Object key) {
    Object last = null;
    for (Mop m : t.mops()) {
      if (m.kind() == Mop.Kind.WRITE && m.key().equals(key)) {
        last = m.value();
      }
    }
    return last;
  }

  private void externalReads(Txn t, DepGraph.Builder g) {
    Set<Object> touched = new java.util.HashSet<>();
    for (Mop m : t.mops()) {
      if (!touched.add(m.key()) || !m.isRead()) {
        continue;
      }
      Object version = m.value() == null ? INITIAL : m.value();
      readers.computeIfAbsent(m.key(), k -> new HashMap<>()).computeIfAbsent(version, v -> new ArrayList<>()).add(t);
      if (m.value() == null) {
        continue;
      }
      Txn w = writerOf(m.key(), m.value());
      if (w == null) {
        anomalies.add(new Anomaly.OpAnomaly(AnomalyType.GARBAGE_READ, List.of(t.completion()), m.key(),
            t.label() + " read key " + m.key() + " = " + m.value() + ", which no transaction wrote."));
      } else if (w.failed()) {
        anomalies.add(new Anomaly.OpAnomaly(AnomalyType.G1A, List.of(t.completion(), w.completion()), m.key(),
            t.label() + " read key " + m.key() + " = " + m.value() + ", written by " + w.label()
                + ", which failed: an aborted read."));
      } else if (w != t) {
        g.add(w.id(), t.id(), EdgeType.WR);
        if (!Objects.equals(finalWrite(w, m.key()), m.value())) {
          anomalies.add(new Anomaly.OpAnomaly(AnomalyType.G1B, List.of(t.completion(), w.completion()), m.key(),
              t.label() + " read key " + m.key() + " = " + m.value() + ", an intermediate write of "
                  + w.label() + ", whose final write was " + finalWrite(w, m.key()) + "."));
        }
      }
    }
  }

  /** A transaction that read x (or nil) from a key and later wrote y installed y after x. */
  private void writesFollowReads(Txn t) {
    Map<Object, Object> firstRead = new LinkedHashMap<>();
    Set<Object> touched = new java.util.HashSet<>();
    for (Mop m : t.mops()) {
      if (touched.add(m.key()) && m.isRead() && t.ok()) {
        firstRead.put(m.key(), m.value() == null ? INITIAL : m.value());
      }
    }
    for (Map.Entry<Object, Object> e : firstRead.entrySet()) {
      Object y = finalWrite(t, e.getKey());
      if (y != null) {
        precedes(e.getKey(), e.getValue(), y);
      }
    }
  }

  private void precedes(Object key, Object x, Object y) {
    successors.computeIfAbsent(key, k -> new LinkedHashMap<>()).computeIfAbsent(x, v -> new LinkedHashSet<>()).add(y);
  }

  /**
   * nil precedes every version. Adding nil -> v only for versions with no other known predecessor
   * keeps the graph small; the others follow nil transitively.
   */
  private void initialPrecedes(Object key) {
    Map<Object, Set<Object>> succ = successors.computeIfAbsent(key, k -> new LinkedHashMap<>());
    Set<Object> hasPredecessor = new java.util.HashSet<>();
    succ.values().forEach(hasPredecessor::addAll);
    for (Map.Entry<Object, Txn> w : writer.get(key).entrySet()) {
      if (w.getValue().mayHaveCommitted() && finalWrite(w.getValue(), key).equals(w.getKey())
          && !hasPredecessor.contains(w.getKey())) {
        precedes(key, INITIAL, w.getKey());
      }
    }
  }

  private void versionEdges(Object key, Map<Object, Set<Object>> succ, DepGraph.Builder g) {
    Map<Object, List<Txn>> byVersion = readers.getOrDefault(key, Map.of());
    for (Map.Entry<Object, Set<Object>> e : succ.entrySet()) {
      Txn from = e.getKey() == INITIAL ? null : writerOf(key, e.getKey());
      for (Object y : e.getValue()) {
        Txn to = writerOf(key, y);
        if (to == null || to.failed()) {
          continue;
        }
        if (from != null && from.mayHaveCommitted()) {
          g.add(from.id(), to.id(), EdgeType.WW);
        }
        for (Txn r : byVersion.getOrDefault(e.getKey(), List.of())) {
          g.add(r.id(), to.id(), EdgeType.RW);
        }
      }
    }
  }

  @Override
  public String explain(Txn a, Txn b, EdgeType type, String la, String lb) {
    for (Mop m : b.mops()) {
      Object key = m.key();
      Map<Object, Set<Object>> succ = successors.getOrDefault(key, Map.of());
      switch (type) {
        case WR -> {
          if (m.isRead() && m.value() != null && writerOf(key, m.value()) == a) {
            return lb + " read " + la + "'s write of " + m.value() + " to key " + key;
          }
        }
        case WW -> {
          Object y = m.kind() == Mop.Kind.WRITE ? m.value() : null;
          Object x = y == null ? null : finalWrite(a, key);
          if (x != null && succ.getOrDefault(x, Set.of()).contains(y)) {
            return lb + " wrote " + y + " to key " + key + " after reading " + x + ", which " + la + " wrote";
          }
        }
        case RW -> {
          Object y = m.kind() == Mop.Kind.WRITE ? m.value() : null;
          for (Map.Entry<Object, List<Txn>> r : readers.getOrDefault(key, Map.of()).entrySet()) {
            if (y != null && r.getValue().contains(a) && succ.getOrDefault(r.getKey(), Set.of()).contains(y)) {
              return la + " read key " + key + " = " + r.getKey() + ", and " + lb + " wrote " + y
                  + ", which the version order puts after it" + (r.getKey() == INITIAL ? " (nil is the initial state)" : "");
            }
          }
        }
        case PROCESS, REALTIME -> throw new IllegalArgumentException("not a data dependency: " + type);
      }
    }
    return la + " < " + lb + " by " + type.elleName();
  }
}
