package io.refraft.verification.elle;

import java.util.List;

/** A workload's inference rules: the data dependencies it derives and the non-cycle anomalies it sees. */
sealed interface Inference permits ListAppendAnalysis, RwRegisterAnalysis {

  /** Adds ww, wr and rw edges between transactions that may have committed. */
  void addEdges(DepGraph.Builder graph);

  /** Anomalies found while inferring (G1a, G1b, internal, ...), available after {@link #addEdges}. */
  List<Anomaly> anomalies();

  /**
   * One sentence saying why {@code a < b} by a data dependency of the given type, naming the
   * transactions {@code la} and {@code lb}: "lb observed la's append of 1 to key 5".
   */
  String explain(Txn a, Txn b, EdgeType type, String la, String lb);
}
