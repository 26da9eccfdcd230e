package io.refraft.verification.sim;

import io.refraft.spec.NodeId;

/** The simulation names its nodes n1..nN ({@code Config.ofSize}); index i is node n(i+1). */
final class SimNetworkNames {
  private SimNetworkNames() {}

  static int index(NodeId id) {
    return Integer.parseInt(id.name().substring(1)) - 1;
  }
}
