package io.refraft.verification.elle;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Elle's verdict, with its {@code :valid?}, {@code :anomaly-types}, {@code :anomalies},
 * {@code :not} and {@code :also-not}.
 *
 * @param valid        TRUE when no requested model is ruled out and the analysis was complete;
 *     FALSE when one is ruled out; UNKNOWN when nothing is ruled out but the search was incomplete
 *     or nothing could be analysed
 * @param anomalyTypes the types found, sorted by Elle name
 * @param anomalies    the anomalies of each type, in the order found
 * @param not          the weakest models ruled out
 * @param alsoNot      every other ruled-out model (each stronger than one in {@code not})
 * @param transactions transactions analysed (ok + info + fail)
 */
public record ElleResult(Validity valid, List<AnomalyType> anomalyTypes, Map<AnomalyType, List<Anomaly>> anomalies,
    Set<ConsistencyModel> not, Set<ConsistencyModel> alsoNot, int transactions) {

  /** Elle's three-valued {@code :valid?}. */
  public enum Validity { TRUE, FALSE, UNKNOWN }

  public ElleResult {
    anomalyTypes = List.copyOf(anomalyTypes);
    // Keeps the caller's order (anomaly types sorted by name) for printing.
    anomalies = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(anomalies));
    not = Set.copyOf(not);
    alsoNot = Set.copyOf(alsoNot);
  }

  /** Elle names of {@link #not}, sorted. */
  public List<String> notNames() {
    return not.stream().map(ConsistencyModel::elleName).sorted().toList();
  }

  /** Elle names of {@link #alsoNot}, sorted. */
  public List<String> alsoNotNames() {
    return alsoNot.stream().map(ConsistencyModel::elleName).sorted().toList();
  }

  /** Elle names of {@link #anomalyTypes}. */
  public List<String> anomalyTypeNames() {
    return anomalyTypes.stream().map(AnomalyType::elleName).toList();
  }
}
