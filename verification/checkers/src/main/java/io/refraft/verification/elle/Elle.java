package io.refraft.verification.elle;

import io.refraft.verification.history.History;
import io.refraft.verification.history.Op;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks Jepsen histories of transactions the way Elle does: infer dependencies, find cycles,
 * classify anomalies, and rule out consistency models.
 *
 * <pre>{@code
 * ElleResult r = Elle.listAppend(history, Options.of(ConsistencyModel.SERIALIZABLE));
 * if (r.valid() == ElleResult.Validity.FALSE) System.out.println(r.anomalyTypes() + " not " + r.not());
 * }</pre>
 *
 * <p>Ops whose process is not an integer (the nemesis) are ignored; every client op must be a
 * {@code :txn}. Bad input throws {@link ElleInputException} naming the op's index.
 */
public final class Elle {
  private Elle() {}

  /** Checks a list-append history; see {@link #listAppend(List, Options)}. */
  public static ElleResult listAppend(History history, Options options) {
    return listAppend(history.ops(), options);
  }

  /** Checks an rw-register history; see {@link #rwRegister(List, Options)}. */
  public static ElleResult rwRegister(History history, Options options) {
    return rwRegister(history.ops(), options);
  }

  /** Checks a list-append history ({@code [:append k v]}, {@code [:r k [v...]]}). */
  public static ElleResult listAppend(List<Op> history, Options options) {
    List<Txn> txns = Transactions.of(history, Transactions.Workload.LIST_APPEND);
    return check(txns, new ListAppendAnalysis(txns), options);
  }

  /** Checks an rw-register history ({@code [:w k v]}, {@code [:r k v]}), unique values per key. */
  public static ElleResult rwRegister(List<Op> history, Options options) {
    List<Txn> txns = Transactions.of(history, Transactions.Workload.RW_REGISTER);
    return check(txns, new RwRegisterAnalysis(txns), options);
  }

  private static ElleResult check(List<Txn> txns, Inference inference, Options options) {
    DepGraph.Builder b = new DepGraph.Builder(txns.size());
    inference.addEdges(b);
    boolean realtime = options.needsRealtimeEdges();
    // A client process runs one operation at a time, so its order is contained in realtime order:
    // with realtime edges, process edges add only work. A cycle that needs process order is then
    // reported as a -realtime one, which rules out the same strict model.
    boolean process = options.needsProcessEdges() && !realtime;
    if (process) {
      OrderEdges.process(txns, b);
    }
    if (realtime) {
      OrderEdges.realtime(txns, b);
    }
    DepGraph g = b.build();
    Map<AnomalyType, List<Anomaly>> found = new EnumMap<>(AnomalyType.class);
    for (Anomaly a : inference.anomalies()) {
      found.computeIfAbsent(a.type(), t -> new ArrayList<>()).add(a);
    }
    findCycles(g, txns, inference, options, process, realtime, found);
    if (txns.stream().noneMatch(Txn::ok)) {
      found.computeIfAbsent(AnomalyType.EMPTY_TRANSACTION_GRAPH, t -> new ArrayList<>())
          .add(new Anomaly.OpAnomaly(AnomalyType.EMPTY_TRANSACTION_GRAPH, List.of(), null,
              "The history has no committed transaction, so nothing could be inferred."));
    }
    return verdict(found, options, txns.size());
  }

  private static void findCycles(DepGraph g, List<Txn> txns, Inference inference, Options options,
      boolean process, boolean realtime, Map<AnomalyType, List<Anomaly>> found) {
    List<int[]> sccs = new Tarjan(g).components(-1);
    CycleSearch search = new CycleSearch(g, process, realtime);
    CycleExplainer explainer = new CycleExplainer(txns, inference);
    long budget = options.cycleSearchTimeout().toNanos();
    for (int[] scc : sccs) {
      CycleSearch.Outcome o = search.search(scc, budget);
      for (Map.Entry<AnomalyType, CycleSearch.Found> e : o.cycles().entrySet()) {
        found.computeIfAbsent(e.getKey(), t -> new ArrayList<>()).add(explainer.explain(e.getKey(), e.getValue()));
      }
      if (o.timedOutOn() != null) {
        AnomalyType fallbackType = CycleSearch.classify(o.fallback());
        Anomaly.Cycle fallback = explainer.explain(fallbackType, o.fallback());
        found.computeIfAbsent(AnomalyType.CYCLE_SEARCH_TIMEOUT, t -> new ArrayList<>())
            .add(new Anomaly.SearchTimeout(o.timedOutOn(), scc.length, fallback));
        if (!o.cycles().containsKey(fallbackType)) {
          found.computeIfAbsent(fallbackType, t -> new ArrayList<>()).add(fallback);
        }
      }
    }
  }

  private static ElleResult verdict(Map<AnomalyType, List<Anomaly>> found, Options options, int n) {
    Set<ConsistencyModel> ruledOut = ConsistencyModel.ruledOut(found.keySet());
    Set<ConsistencyModel> not = ConsistencyModel.weakestOf(ruledOut);
    Set<ConsistencyModel> alsoNot = ruledOut.isEmpty() ? EnumSet.noneOf(ConsistencyModel.class) : EnumSet.copyOf(ruledOut);
    alsoNot.removeAll(not);
    boolean violated = options.models().stream().anyMatch(ruledOut::contains);
    boolean incomplete = found.containsKey(AnomalyType.CYCLE_SEARCH_TIMEOUT)
        || found.containsKey(AnomalyType.EMPTY_TRANSACTION_GRAPH);
    ElleResult.Validity valid = violated ? ElleResult.Validity.FALSE
        : incomplete ? ElleResult.Validity.UNKNOWN : ElleResult.Validity.TRUE;
    List<AnomalyType> types = found.keySet().stream().sorted(Comparator.comparing(AnomalyType::elleName)).toList();
    Map<AnomalyType, List<Anomaly>> ordered = new LinkedHashMap<>();
    types.forEach(t -> ordered.put(t, List.copyOf(found.get(t))));
    return new ElleResult(valid, types, ordered, not, alsoNot, n);
  }
}
