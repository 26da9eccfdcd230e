package io.refraft.verification.trace;

import io.refraft.spec.NodeState;
import io.refraft.traces.TraceInput;
import io.refraft.traces.TraceStep;
import io.refraft.traces.TracedMessage;
import java.util.List;

/**
 * Per node, the last steps of its current incarnation (since its last restart, or since the start):
 * for each, the spec state after it and the step itself (what it sent, which reads it answered), and
 * the state the incarnation started from. A {@code Restart} that does not recover the durable state
 * of the node's last step may instead recover that of an earlier one, when the steps after it were
 * never observed (traces/FORMAT.md §5.4); this is what it looks back at.
 *
 * <p>A ring of {@code max + 1} slots per node, written once per step with two stores and no
 * allocation: the states are the replay's own immutable objects, the steps the decoded ones.
 */
final class RecentSteps {
  private final int slots;
  private final NodeState[][] states;
  private final TraceStep[][] steps;
  /** Per node, the entries recorded in its current incarnation, its start included, up to {@code slots}. */
  private final int[] count;
  /** Per node, the slot of its latest entry. */
  private final int[] head;

  /** @param initial each node's state before its first step */
  RecentSteps(NodeState[] initial, int max) {
    this.slots = max + 1;
    this.states = new NodeState[initial.length][slots];
    this.steps = new TraceStep[initial.length][slots];
    this.count = new int[initial.length];
    this.head = new int[initial.length];
    for (int i = 0; i < initial.length; i++) {
      start(i, initial[i]);
    }
  }

  /** Node {@code i} starts an incarnation in state {@code s} (a restart's state): earlier steps can no longer be lost. */
  void start(int i, NodeState s) {
    count[i] = 1;
    head[i] = 0;
    states[i][0] = s;
    steps[i][0] = null;
  }

  /** Node {@code i} took step {@code s} and is in state {@code after}; a restart starts an incarnation. */
  void record(int i, NodeState after, TraceStep s) {
    if (s.input() instanceof TraceInput.Restart) {
      start(i, after);
      return;
    }
    int k = head[i] + 1 == slots ? 0 : head[i] + 1;
    head[i] = k;
    if (count[i] < slots) {
      count[i]++;
    }
    states[i][k] = after;
    steps[i][k] = s;
  }

  /**
   * How many of node {@code i}'s last steps, at most {@code slots - 1}, nothing observed: none of
   * the messages they sent has been received ({@link InFlight#unreceived}) and they answered no
   * read. Counting stops at the first observed step: the steps before it cannot be lost without it.
   */
  int unobserved(int i, InFlight inFlight) {
    int n = 0;
    while (n + 1 < count[i]) {
      TraceStep s = step(i, n + 1);
      if (!s.reads().isEmpty() || !allUnreceived(s.sent(), inFlight)) {
        break;
      }
      n++;
    }
    return n;
  }

  private static boolean allUnreceived(List<TracedMessage> sent, InFlight inFlight) {
    for (int k = 0; k < sent.size(); k++) {
      if (!inFlight.unreceived(sent.get(k).id())) {
        return false;
      }
    }
    return true;
  }

  /** Node {@code i}'s {@code back}-th last step (1 = the last one). */
  TraceStep step(int i, int back) {
    return steps[i][slot(i, back - 1)];
  }

  /** Node {@code i}'s state before its last {@code back} steps (0 = its state now). */
  NodeState before(int i, int back) {
    return states[i][slot(i, back)];
  }

  /** The slot {@code back} entries before node {@code i}'s latest. */
  private int slot(int i, int back) {
    int k = head[i] - back;
    return k < 0 ? k + slots : k;
  }
}
