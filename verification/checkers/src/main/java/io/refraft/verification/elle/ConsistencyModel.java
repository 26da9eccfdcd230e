package io.refraft.verification.elle;

import static io.refraft.verification.elle.AnomalyType.CYCLIC_VERSIONS;
import static io.refraft.verification.elle.AnomalyType.DUPLICATE_ELEMENTS;
import static io.refraft.verification.elle.AnomalyType.G0;
import static io.refraft.verification.elle.AnomalyType.G0_PROCESS;
import static io.refraft.verification.elle.AnomalyType.G0_REALTIME;
import static io.refraft.verification.elle.AnomalyType.G1;
import static io.refraft.verification.elle.AnomalyType.G1C_PROCESS;
import static io.refraft.verification.elle.AnomalyType.G1C_REALTIME;
import static io.refraft.verification.elle.AnomalyType.G2;
import static io.refraft.verification.elle.AnomalyType.G2_ITEM;
import static io.refraft.verification.elle.AnomalyType.G2_PROCESS;
import static io.refraft.verification.elle.AnomalyType.G2_REALTIME;
import static io.refraft.verification.elle.AnomalyType.GARBAGE_READ;
import static io.refraft.verification.elle.AnomalyType.G_NONADJACENT;
import static io.refraft.verification.elle.AnomalyType.G_NONADJACENT_PROCESS;
import static io.refraft.verification.elle.AnomalyType.G_NONADJACENT_REALTIME;
import static io.refraft.verification.elle.AnomalyType.G_SINGLE;
import static io.refraft.verification.elle.AnomalyType.INTERNAL;
import static io.refraft.verification.elle.AnomalyType.LOST_UPDATE;

import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The transactional part of Elle's lattice of consistency models (the models plot of its README):
 * each model names the models it implies ("if a holds, so does b") and the anomalies it proscribes
 * directly. A model is ruled out when an observed anomaly implies one it proscribes, or when a
 * weaker model it implies is ruled out.
 *
 * <p>Direct proscriptions: Adya's PL levels (G0, G1, G-single, G2-item, G2); snapshot isolation
 * proscribes every cycle without two adjacent rw edges (Cerone &amp; Gotsman, "Analysing Snapshot
 * Isolation", J. ACM 2018), which Elle calls G-nonadjacent; the strong-session and strong variants
 * proscribe the same cycles in graphs with process or realtime edges (Daudjee &amp; Salem). Anomalies
 * that no isolation level admits (internal, duplicates, garbage, cyclic versions: the store is not
 * implementing the datatype) rule out read-uncommitted and hence everything.
 */
public enum ConsistencyModel {
  READ_UNCOMMITTED("read-uncommitted", List.of(),
      G0, INTERNAL, DUPLICATE_ELEMENTS, GARBAGE_READ, CYCLIC_VERSIONS),
  READ_COMMITTED("read-committed", List.of(READ_UNCOMMITTED), G1),
  MONOTONIC_VIEW("monotonic-view", List.of(READ_COMMITTED)),
  CURSOR_STABILITY("cursor-stability", List.of(READ_COMMITTED), LOST_UPDATE),
  MONOTONIC_ATOMIC_VIEW("monotonic-atomic-view", List.of(READ_COMMITTED)),
  MONOTONIC_SNAPSHOT_READ("monotonic-snapshot-read", List.of(READ_COMMITTED)),
  READ_ATOMIC("read-atomic", List.of(MONOTONIC_ATOMIC_VIEW)),
  UPDATE_ATOMIC("update-atomic", List.of(READ_ATOMIC)),
  CAUSAL_CERONE("causal-cerone", List.of(READ_ATOMIC)),
  PREFIX("prefix", List.of(CAUSAL_CERONE)),
  PARALLEL_SNAPSHOT_ISOLATION("parallel-snapshot-isolation", List.of(CAUSAL_CERONE, UPDATE_ATOMIC)),
  REPEATABLE_READ("repeatable-read", List.of(CURSOR_STABILITY, MONOTONIC_ATOMIC_VIEW), G2_ITEM),
  CONSISTENT_VIEW("consistent-view", List.of(CURSOR_STABILITY, MONOTONIC_VIEW), G_SINGLE),
  FORWARD_CONSISTENT_VIEW("forward-consistent-view", List.of(CONSISTENT_VIEW), G_SINGLE),
  UPDATE_SERIALIZABLE("update-serializable", List.of(FORWARD_CONSISTENT_VIEW)),
  SNAPSHOT_ISOLATION("snapshot-isolation",
      List.of(PREFIX, PARALLEL_SNAPSHOT_ISOLATION, FORWARD_CONSISTENT_VIEW, MONOTONIC_SNAPSHOT_READ,
          MONOTONIC_ATOMIC_VIEW),
      G_NONADJACENT, LOST_UPDATE),
  SERIALIZABLE("serializable", List.of(SNAPSHOT_ISOLATION, UPDATE_SERIALIZABLE, REPEATABLE_READ), G2),
  STRONG_SESSION_READ_UNCOMMITTED("strong-session-read-uncommitted", List.of(READ_UNCOMMITTED), G0_PROCESS),
  STRONG_SESSION_READ_COMMITTED("strong-session-read-committed",
      List.of(STRONG_SESSION_READ_UNCOMMITTED, READ_COMMITTED), G1C_PROCESS),
  STRONG_SESSION_SNAPSHOT_ISOLATION("strong-session-snapshot-isolation",
      List.of(STRONG_SESSION_READ_COMMITTED, SNAPSHOT_ISOLATION), G_NONADJACENT_PROCESS),
  STRONG_SESSION_SERIALIZABLE("strong-session-serializable",
      List.of(STRONG_SESSION_SNAPSHOT_ISOLATION, SERIALIZABLE), G2_PROCESS),
  STRONG_READ_UNCOMMITTED("strong-read-uncommitted", List.of(STRONG_SESSION_READ_UNCOMMITTED), G0_REALTIME),
  STRONG_READ_COMMITTED("strong-read-committed",
      List.of(STRONG_READ_UNCOMMITTED, STRONG_SESSION_READ_COMMITTED), G1C_REALTIME),
  STRONG_SNAPSHOT_ISOLATION("strong-snapshot-isolation",
      List.of(STRONG_READ_COMMITTED, STRONG_SESSION_SNAPSHOT_ISOLATION), G_NONADJACENT_REALTIME),
  STRICT_SERIALIZABLE("strict-serializable",
      List.of(STRONG_SNAPSHOT_ISOLATION, STRONG_SESSION_SERIALIZABLE, SNAPSHOT_ISOLATION, SERIALIZABLE),
      G2_REALTIME);

  private final String elleName;
  private final List<ConsistencyModel> implies;
  private final Set<AnomalyType> proscribes;

  ConsistencyModel(String elleName, List<ConsistencyModel> implies, AnomalyType... proscribes) {
    this.elleName = elleName;
    this.implies = implies;
    this.proscribes = proscribes.length == 0 ? EnumSet.noneOf(AnomalyType.class) : EnumSet.of(proscribes[0], proscribes);
  }

  public String elleName() {
    return elleName;
  }

  /** The models this one directly implies (each weaker than it). */
  public List<ConsistencyModel> implies() {
    return implies;
  }

  /** This model and every model it implies, transitively. */
  public Set<ConsistencyModel> weakerOrEqual() {
    EnumSet<ConsistencyModel> out = EnumSet.of(this);
    for (ConsistencyModel m : implies) {
      out.addAll(m.weakerOrEqual());
    }
    return out;
  }

  /** Whether this model needs process-order edges to be checked (the strong-session family). */
  boolean needsProcessEdges() {
    return proscribesAnyOf(EnumSet.of(G0_PROCESS, G1C_PROCESS, G_NONADJACENT_PROCESS, G2_PROCESS));
  }

  /** Whether this model needs realtime edges to be checked (strict and strong models). */
  boolean needsRealtimeEdges() {
    return proscribesAnyOf(EnumSet.of(G0_REALTIME, G1C_REALTIME, G_NONADJACENT_REALTIME, G2_REALTIME));
  }

  private boolean proscribesAnyOf(Set<AnomalyType> types) {
    for (ConsistencyModel m : weakerOrEqual()) {
      for (AnomalyType t : m.proscribes) {
        if (types.contains(t)) {
          return true;
        }
      }
    }
    return false;
  }

  /** Every model ruled out by the given anomalies (upward closed in the lattice). */
  public static Set<ConsistencyModel> ruledOut(Collection<AnomalyType> anomalies) {
    EnumSet<AnomalyType> implied = EnumSet.noneOf(AnomalyType.class);
    for (AnomalyType a : anomalies) {
      implied.addAll(a.closure());
    }
    EnumSet<ConsistencyModel> out = EnumSet.noneOf(ConsistencyModel.class);
    for (ConsistencyModel m : values()) {
      for (ConsistencyModel w : m.weakerOrEqual()) {
        if (!java.util.Collections.disjoint(w.proscribes, implied)) {
          out.add(m);
          break;
        }
      }
    }
    return out;
  }

  /** Elle's {@code :not}: the weakest ruled-out models, those implying no other ruled-out model. */
  public static Set<ConsistencyModel> weakestOf(Set<ConsistencyModel> ruledOut) {
    EnumSet<ConsistencyModel> out = EnumSet.noneOf(ConsistencyModel.class);
    for (ConsistencyModel m : ruledOut) {
      EnumSet<ConsistencyModel> weaker = EnumSet.copyOf(m.weakerOrEqual());
      weaker.remove(m);
      if (java.util.Collections.disjoint(weaker, ruledOut)) {
        out.add(m);
      }
    }
    return out;
  }

  /**
   * Parses an Elle model name; accepts Elle's aliases (PL-1, PL-2, PL-2.99, PL-SI, PL-3, PL-SS,
   * strong-serializable) and a leading colon.
   */
  public static ConsistencyModel parse(String name) {
    String n = name.startsWith(":") ? name.substring(1) : name;
    n = switch (n.toUpperCase(Locale.ROOT)) {
      case "PL-1" -> "read-uncommitted";
      case "PL-2" -> "read-committed";
      case "PL-2.99" -> "repeatable-read";
      case "PL-SI", "SI" -> "snapshot-isolation";
      case "PL-3" -> "serializable";
      case "PL-SS", "STRONG-SERIALIZABLE" -> "strict-serializable";
      default -> n;
    };
    for (ConsistencyModel m : values()) {
      if (m.elleName.equalsIgnoreCase(n)) {
        return m;
      }
    }
    throw new IllegalArgumentException("unknown consistency model '" + name + "'; known: "
        + java.util.Arrays.stream(values()).map(ConsistencyModel::elleName).toList());
  }

  @Override
  public String toString() {
    return elleName;
  }
}
