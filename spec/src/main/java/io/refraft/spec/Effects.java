package io.refraft.spec;

import java.util.ArrayList;
import java.util.List;

/**
 * Collects what one step does while its handlers compute the next state, then assembles the
 * {@link Transition}. Persist and Apply outputs are derived here from the old and new state, so no
 * handler can forget them or list them after a send.
 *
 * <p>Confined to one call of {@link Raft#step}; never shared.
 */
final class Effects {
  private static final Output.ResetElectionTimer RESET = new Output.ResetElectionTimer();

  private final List<Output> sends = new ArrayList<>(4);
  private final List<Output> late = new ArrayList<>(2);
  private final List<Action> actions = new ArrayList<>(4);

  void action(Action a) {
    actions.add(a);
  }

  void send(Message m) {
    sends.add(new Output.Send(m));
  }

  /** An output answering the input itself (a proposal's result). */
  void reply(Output o) {
    late.add(o);
  }

  void resetElectionTimer() {
    if (!late.contains(RESET)) {
      late.add(0, RESET);
    }
  }

  /**
   * The transition from {@code before} to {@code after}: persists first (hard state, then the log
   * suffix), then sends, then newly committed entries, then timer and proposal results. A restart
   * persists and applies nothing: it starts from what was durable.
   */
  Transition finish(NodeState before, NodeState after, boolean restart) {
    List<Output> out = new ArrayList<>(sends.size() + late.size() + 3);
    if (!restart) {
      if (after.term() != before.term() || !after.votedFor().equals(before.votedFor())) {
        out.add(new Output.HardState(after.term(), after.votedFor()));
      }
      addLogSuffix(before.log(), after.log(), out);
    }
    out.addAll(sends);
    if (!restart && after.commitIndex() > before.commitIndex()) {
      out.add(new Output.Apply(before.commitIndex() + 1,
          after.log().slice(before.commitIndex() + 1, after.commitIndex() + 1)));
    }
    out.addAll(late);
    return new Transition(after, out, actions);
  }

  /**
   * Logs change only at their end (appends, and truncation of a conflicting suffix, §5.3), so the
   * first difference is found by walking back from the shorter end over the changed entries only.
   */
  private static void addLogSuffix(Log before, Log after, List<Output> out) {
    if (before == after) {
      return;
    }
    long i = Math.min(before.lastIndex(), after.lastIndex());
    while (i >= 1 && !before.entry(i).equals(after.entry(i))) {
      i--;
    }
    long from = i + 1;
    if (from <= Math.max(before.lastIndex(), after.lastIndex())) {
      out.add(new Output.LogSuffix(from, after.slice(from, after.lastIndex() + 1)));
    }
  }
}
