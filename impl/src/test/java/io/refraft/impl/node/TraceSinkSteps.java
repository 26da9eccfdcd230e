package io.refraft.impl.node;

import io.refraft.spec.Config;
import io.refraft.spec.DurableState;
import io.refraft.spec.Input;
import io.refraft.spec.NodeId;
import io.refraft.spec.NodeState;
import io.refraft.spec.Raft;
import io.refraft.spec.Transition;

/** Spec steps fed to a {@link TraceSink} the way a driver feeds them, for the tests of sinks. */
public final class TraceSinkSteps {
  private TraceSinkSteps() {}

  /** The two steps of a fresh node {@code self} that starts and times out (it votes for itself in term 1). */
  public static void restartAndTimeOut(TraceSink sink, Config config, NodeId self) {
    NodeState s = NodeState.initial(self, config);
    Input restart = new Input.Restart(DurableState.EMPTY);
    Transition t = Raft.step(s, restart);
    sink.step(s, restart, 0, t, 1);
    Input timeout = new Input.ElectionTimeout();
    sink.step(t.next(), timeout, 0, Raft.step(t.next(), timeout), 1);
  }
}
