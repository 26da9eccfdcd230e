package io.refraft.traces;

import io.refraft.spec.Input;
import io.refraft.spec.NodeId;
import io.refraft.spec.check.Cluster;
import io.refraft.spec.check.Event;
import io.refraft.spec.explore.ModelChecker;
import java.io.IOException;
import java.io.StringWriter;
import java.io.Writer;
import java.util.List;
import java.util.OptionalLong;

/**
 * Renders runs of the cluster model ({@link Cluster.Step}s, e.g. a model checker's counterexample)
 * as self-contained traces. Message loss and duplication are not steps of any node: they only
 * change which ids later deliveries carry. A step's {@code time} is its position in the run.
 */
public final class ClusterTraces {
  private ClusterTraces() {}

  /** The servers of {@code c} outside its initial configuration (the model's joining servers), in its order. */
  public static List<NodeId> joining(Cluster c) {
    List<NodeId> out = new java.util.ArrayList<>();
    for (NodeId id : c.servers()) {
      if (!c.config().isMember(id)) {
        out.add(id);
      }
    }
    return out;
  }

  /** Writes {@code header} and one line per node step of the run from {@code initial}. */
  public static void write(TraceHeader header, Cluster initial, List<Cluster.Step> steps, Writer out)
      throws IOException {
    TraceRecorder rec = new TraceRecorder(initial.config());
    TraceWriter w = new TraceWriter(out);
    w.header(header);
    Cluster c = initial;
    long t = 0;
    for (Cluster.Step s : steps) {
      t++;
      switch (s.event()) {
        case Event.Drop d -> rec.drop(d.message());
        case Event.Duplicate d -> rec.duplicate(d.message());
        default -> {
          NodeId id = s.node().orElseThrow(() -> new IllegalArgumentException("a node step without a node"));
          Input in = s.input().orElseThrow();
          w.step(rec.record(c.node(id), in, s.transition().orElseThrow(), OptionalLong.of(t)));
        }
      }
      c = s.next();
    }
    w.close();
  }

  /**
   * A model checker's counterexample as a self-contained trace, the violation in the header's
   * description. Duplicates are declared allowed when the run duplicated a message; persistence is
   * {@code async} when the run was checked with asynchronous persistence (a step left writes
   * pending), so that its {@code Persisted} steps are in the trace and a restart recovers only what
   * they confirmed.
   */
  public static String counterexample(ModelChecker.Counterexample cx, String description) {
    boolean dup = cx.steps().stream().anyMatch(s -> s.event() instanceof Event.Duplicate);
    boolean async = cx.steps().stream().anyMatch(s -> s.event() instanceof Event.Persist
        || s.transition().map(t -> !t.next().isSynced()).orElse(false));
    TraceHeader h = TraceHeader.of(cx.initial().config(),
        dup ? TraceHeader.NetworkModel.DUPLICATES : TraceHeader.NetworkModel.NO_DUPLICATES,
        async ? TraceHeader.Persistence.async : TraceHeader.Persistence.explicit, new TraceHeader.Source("refraft-spec-model-checker",
            description + "; violates " + cx.violation().invariant() + ": " + cx.violation().detail()))
        .withJoining(joining(cx.initial()));
    StringWriter sw = new StringWriter();
    try {
      write(h, cx.initial(), cx.steps(), sw);
    } catch (IOException e) {
      throw new IllegalStateException("writing to a string failed", e);
    }
    return sw.toString();
  }

}
