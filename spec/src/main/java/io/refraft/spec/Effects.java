package io.refraft.spec;

import java.util.ArrayList;
import java.util.List;

/**
 * Collects what one step does while its handlers compute the next state, then assembles the
 * {@link Transition}. Persist and Apply outputs, and which sends wait for the disk, are derived
 * here from the old and new state, so no handler can forget them or send too early.
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
   * The transition from {@code before} to {@code after}: writes first (hard state, then a new
   * snapshot, then the log suffix), then sends, then newly applied entries (after restoring an
   * installed snapshot they need), then timer and proposal results. A restart
   * writes and applies nothing: it starts from what was durable.
   *
   * <p>A leader's AppendEntries requests leave at once (thesis §10.2.1: its term is durable since
   * its election, and it counts its own new entries only once they are). Every other message
   * waits in {@link Sync#held()} until everything the server had written when it produced the
   * message is durable; it leaves in the step that finds it so, which is this one when nothing was
   * pending. A held message whose log position was since replaced by another leader's entries is
   * dropped: it vouches for entries the server no longer has (the network may lose any message).
   * Entries are applied once committed and durable here.
   */
  Transition finish(NodeState before, NodeState after, boolean restart) {
    List<Output> out = new ArrayList<>(sends.size() + late.size() + 3);
    if (!restart) {
      if (before.log() != after.log() || after.term() != before.term() || !after.votedFor().equals(before.votedFor())) {
        out.addAll(before.durable().writesTo(after.durable())); // most steps write nothing: no allocation then
      }
    }
    after = release(after, out);
    if (!restart) {
      addApplied(before.applied(), after, out);
    }
    out.addAll(late);
    return new Transition(after, out, actions);
  }

  /**
   * What the state machine must do to go from {@code appliedBefore} to what {@code after} has
   * applied: apply the entries in between, or, when some of them are compacted into {@code after}'s
   * snapshot (an installed snapshot, just made durable), restore the snapshot and apply the rest.
   */
  private static void addApplied(long appliedBefore, NodeState after, List<Output> out) {
    long appliedAfter = after.applied();
    if (appliedAfter <= appliedBefore) {
      return;
    }
    long from = appliedBefore + 1;
    Snapshot snap = after.log().snapshot();
    if (from <= snap.index()) {
      out.add(new Output.RestoreSnapshot(snap));
      from = snap.index() + 1;
    }
    if (appliedAfter >= from) {
      out.add(new Output.Apply(from, after.log().slice(from, appliedAfter + 1)));
    }
  }

  /** Sends what may leave now, in order, and holds the rest in {@code s}'s {@link Sync}. */
  private NodeState release(NodeState s, List<Output> out) {
    Sync sync = s.sync();
    if (sends.isEmpty() && sync.held().isEmpty()) {
      return s;
    }
    List<Sync.Held> waiting = new ArrayList<>(sync.held().size() + sends.size());
    waiting.addAll(sync.held());
    for (Output o : sends) {
      Message m = ((Output.Send) o).message();
      if (m instanceof Message.AppendEntriesRequest || m instanceof Message.TimeoutNow) {
        out.add(o);
      } else {
        waiting.add(new Sync.Held(m, s.term(), s.votedFor(), s.log().lastIndex(), s.log().lastTerm()));
      }
    }
    List<Sync.Held> keep = new ArrayList<>(waiting.size());
    for (Sync.Held h : waiting) {
      // An index since compacted cannot be checked; such a message goes the way of a lost one.
      boolean stillThere = s.log().matches(h.index(), h.logTerm());
      if (!stillThere) {
        continue;
      }
      if (keep.isEmpty() && sync.hardStateCovers(h.term(), h.votedFor()) && sync.lastIndex() >= h.index()) {
        out.add(new Output.Send(h.message()));
      } else {
        keep.add(h); // behind an older held message: replies leave in the order they were produced
      }
    }
    return keep.equals(sync.held()) ? s : s.withSync(sync.withHeld(keep));
  }

  /**
   * Several transitions of one server, one after another, as one ({@link Raft#synchronously}):
   * the last state; every write, then every send, then the applies (contiguous ones joined), then
   * the rest, each in order, with one timer reset at most; the actions in order.
   */
  static Transition merge(List<Transition> parts) {
    List<Output> writes = new ArrayList<>();
    List<Output> sent = new ArrayList<>();
    List<Output> applies = new ArrayList<>();
    List<Output> rest = new ArrayList<>();
    List<Action> acts = new ArrayList<>();
    for (Transition t : parts) {
      acts.addAll(t.actions());
      for (Output o : t.outputs()) {
        switch (o) {
          case Output.Persist p -> writes.add(p);
          case Output.Send m -> sent.add(m);
          case Output.Apply a -> join(applies, a);
          case Output.RestoreSnapshot r -> applies.add(r);
          case Output.ResetElectionTimer r -> {
            if (!rest.contains(RESET)) {
              rest.add(0, RESET);
            }
          }
          case Output.ProposalAccepted a -> rest.add(a);
          case Output.ProposalRejected r -> rest.add(r);
          case Output.ReadReady r -> rest.add(r);
          case Output.ReadRejected r -> rest.add(r);
          case Output.MembershipRejected r -> rest.add(r);
          case Output.TransferRejected r -> rest.add(r);
        }
      }
    }
    List<Output> out = new ArrayList<>(writes.size() + sent.size() + applies.size() + rest.size());
    out.addAll(writes);
    out.addAll(sent);
    out.addAll(applies);
    out.addAll(rest);
    return new Transition(parts.get(parts.size() - 1).next(), out, acts);
  }

  private static void join(List<Output> applies, Output.Apply a) {
    if (!applies.isEmpty() && applies.get(applies.size() - 1) instanceof Output.Apply last) {
      if (last.firstIndex() + last.entries().size() == a.firstIndex()) {
        List<Entry> both = new ArrayList<>(last.entries());
        both.addAll(a.entries());
        applies.set(applies.size() - 1, new Output.Apply(last.firstIndex(), both));
        return;
      }
    }
    applies.add(a);
  }
}
