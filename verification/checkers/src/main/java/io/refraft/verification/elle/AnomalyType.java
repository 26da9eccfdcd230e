package io.refraft.verification.elle;

import java.util.ArrayDeque;
import java.util.Collections;
import java.util.Deque;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Elle's anomaly names, and which anomalies each one implies.
 *
 * <p>"a implies b" follows the anomaly plot of Elle's README: observing a in a history means b
 * exists in it too (a G0 cycle is also a G1c cycle, and a cycle in the graph without process edges
 * is still one with them). A model that proscribes b therefore proscribes a as well.
 *
 * <p>The cycle anomalies Elle finds from item dependencies are named with {@code -item}
 * ({@code G-single-item}, {@code G-nonadjacent-item}, {@code G2-item}); {@code G0} and {@code G1c}
 * carry no suffix, as in Elle.
 */
public enum AnomalyType {
  G0("G0"), G0_PROCESS("G0-process"), G0_REALTIME("G0-realtime"),
  G1A("G1a"), G1B("G1b"), G1C("G1c"), G1C_PROCESS("G1c-process"), G1C_REALTIME("G1c-realtime"),
  G1("G1"), G1_PROCESS("G1-process"), G1_REALTIME("G1-realtime"),
  G_SINGLE_ITEM("G-single-item"), G_SINGLE_ITEM_PROCESS("G-single-item-process"),
  G_SINGLE_ITEM_REALTIME("G-single-item-realtime"),
  G_SINGLE("G-single"), G_SINGLE_PROCESS("G-single-process"), G_SINGLE_REALTIME("G-single-realtime"),
  G_NONADJACENT_ITEM("G-nonadjacent-item"), G_NONADJACENT_ITEM_PROCESS("G-nonadjacent-item-process"),
  G_NONADJACENT_ITEM_REALTIME("G-nonadjacent-item-realtime"),
  G_NONADJACENT("G-nonadjacent"), G_NONADJACENT_PROCESS("G-nonadjacent-process"),
  G_NONADJACENT_REALTIME("G-nonadjacent-realtime"),
  G2_ITEM("G2-item"), G2_ITEM_PROCESS("G2-item-process"), G2_ITEM_REALTIME("G2-item-realtime"),
  G2("G2"), G2_PROCESS("G2-process"), G2_REALTIME("G2-realtime"),
  LOST_UPDATE("lost-update"),
  DIRTY_UPDATE("dirty-update"),
  INCOMPATIBLE_ORDER("incompatible-order"),
  FUTURE_READ("future-read"),
  INTERNAL("internal"),
  DUPLICATE_ELEMENTS("duplicate-elements"),
  GARBAGE_READ("garbage-read"),
  CYCLIC_VERSIONS("cyclic-versions"),
  /** A cycle search gave up in its time budget; rules out nothing by itself. */
  CYCLE_SEARCH_TIMEOUT("cycle-search-timeout"),
  /** No committed transaction could be analysed; the verdict is unknown. */
  EMPTY_TRANSACTION_GRAPH("empty-transaction-graph");

  private static final Map<AnomalyType, List<AnomalyType>> IMPLIES = new EnumMap<>(AnomalyType.class);

  static {
    imply(G0, G0_PROCESS, G1C);
    imply(G0_PROCESS, G0_REALTIME, G1C_PROCESS);
    imply(G0_REALTIME, G1C_REALTIME);
    imply(G1C, G1C_PROCESS, G1);
    imply(G1C_PROCESS, G1C_REALTIME, G1_PROCESS);
    imply(G1C_REALTIME, G1_REALTIME);
    imply(G1A, G1);
    imply(G1B, G1);
    imply(G1, G1_PROCESS);
    imply(G1_PROCESS, G1_REALTIME);
    imply(FUTURE_READ, G1C);
    imply(INCOMPATIBLE_ORDER, G1A);
    imply(DIRTY_UPDATE, G1A);
    imply(G_SINGLE_ITEM, G_NONADJACENT_ITEM, G_SINGLE, G_SINGLE_ITEM_PROCESS);
    imply(G_SINGLE_ITEM_PROCESS, G_NONADJACENT_ITEM_PROCESS, G_SINGLE_PROCESS, G_SINGLE_ITEM_REALTIME);
    imply(G_SINGLE_ITEM_REALTIME, G_NONADJACENT_ITEM_REALTIME, G_SINGLE_REALTIME);
    imply(G_SINGLE, G_NONADJACENT, G_SINGLE_PROCESS);
    imply(G_SINGLE_PROCESS, G_NONADJACENT_PROCESS, G_SINGLE_REALTIME);
    imply(G_SINGLE_REALTIME, G_NONADJACENT_REALTIME);
    imply(G_NONADJACENT_ITEM, G2_ITEM, G_NONADJACENT, G_NONADJACENT_ITEM_PROCESS);
    imply(G_NONADJACENT_ITEM_PROCESS, G2_ITEM_PROCESS, G_NONADJACENT_PROCESS, G_NONADJACENT_ITEM_REALTIME);
    imply(G_NONADJACENT_ITEM_REALTIME, G2_ITEM_REALTIME, G_NONADJACENT_REALTIME);
    imply(G_NONADJACENT, G2, G_NONADJACENT_PROCESS);
    imply(G_NONADJACENT_PROCESS, G2_PROCESS, G_NONADJACENT_REALTIME);
    imply(G_NONADJACENT_REALTIME, G2_REALTIME);
    imply(G2_ITEM, G2, G2_ITEM_PROCESS);
    imply(G2_ITEM_PROCESS, G2_PROCESS, G2_ITEM_REALTIME);
    imply(G2_ITEM_REALTIME, G2_REALTIME);
    imply(G2, G2_PROCESS);
    imply(G2_PROCESS, G2_REALTIME);
    // Two committed transactions read one version and both wrote over it: one of them missed the
    // other's write, which is a cycle with one rw edge on a single item.
    imply(LOST_UPDATE, G2_ITEM);
  }

  private final String elleName;

  AnomalyType(String elleName) {
    this.elleName = elleName;
  }

  /** The name Elle prints, e.g. {@code G-single-item-realtime}. */
  public String elleName() {
    return elleName;
  }

  /** This anomaly and every anomaly it implies, transitively. */
  public Set<AnomalyType> closure() {
    EnumSet<AnomalyType> seen = EnumSet.of(this);
    Deque<AnomalyType> todo = new ArrayDeque<>(List.of(this));
    while (!todo.isEmpty()) {
      for (AnomalyType b : IMPLIES.getOrDefault(todo.pop(), List.of())) {
        if (seen.add(b)) {
          todo.push(b);
        }
      }
    }
    return Collections.unmodifiableSet(seen);
  }

  /** Looks a type up by its Elle name. */
  public static AnomalyType byElleName(String name) {
    for (AnomalyType t : values()) {
      if (t.elleName.equals(name)) {
        return t;
      }
    }
    throw new IllegalArgumentException("unknown anomaly type: " + name);
  }

  private static void imply(AnomalyType a, AnomalyType... bs) {
    IMPLIES.put(a, List.of(bs));
  }

  @Override
  public String toString() {
    return elleName;
  }
}
