package io.refraft.verification.elle;

import io.refraft.verification.history.Op;
import java.util.ArrayList;
import java.util.List;

/** Writes a found cycle out as Elle does: "Let T1 = ... Then: T1 &lt; T2, because ...: a contradiction!" */
final class CycleExplainer {
  private final List<Txn> txns;
  private final Inference inference;

  CycleExplainer(List<Txn> txns, Inference inference) {
    this.txns = txns;
    this.inference = inference;
  }

  Anomaly.Cycle explain(AnomalyType type, CycleSearch.Found f) {
    int k = f.vertices().length;
    List<Op> ops = new ArrayList<>(k);
    List<Anomaly.Step> steps = new ArrayList<>(k);
    StringBuilder let = new StringBuilder("Let:\n");
    StringBuilder then = new StringBuilder("Then:\n");
    for (int i = 0; i < k; i++) {
      Txn a = txns.get(f.vertices()[i]);
      Txn b = txns.get(f.vertices()[(i + 1) % k]);
      String la = "T" + (i + 1);
      String lb = "T" + ((i + 1) % k + 1);
      EdgeType t = f.steps()[i];
      String why = switch (t) {
        case WW, WR, RW -> inference.explain(a, b, t, la, lb);
        case PROCESS, REALTIME -> OrderEdges.explain(a, b, t, la, lb);
      };
      ops.add(a.completion());
      steps.add(new Anomaly.Step(t, why));
      let.append("  ").append(la).append(" = ").append(ElleOutput.edn(a.completion())).append('\n');
      then.append("  - ").append(i == k - 1 ? "However, " : "").append(la).append(" < ").append(lb)
          .append(", because ").append(why).append(i == k - 1 ? ": a contradiction!" : ".").append('\n');
    }
    return new Anomaly.Cycle(type, ops, steps, let + "\n" + then);
  }
}
