package io.refraft.verification.trace;

import io.refraft.spec.Log;
import io.refraft.spec.NodeId;
import io.refraft.spec.NodeState;
import io.refraft.spec.Output;
import io.refraft.spec.Role;
import io.refraft.traces.Persisted;
import java.util.Optional;

/**
 * A crash inside one step's storage writes (traces/FORMAT.md §5.4): the states it may leave. The
 * trace validator accepts them at a restart; the simulator tears writes only into them.
 */
public final class TornWrite {
  private TornWrite() {}

  /**
   * The durable state a crash can leave inside a step taken from {@code st} that wrote {@code written},
   * cut after the entry at {@code lastIndex}: the step's term and vote written, then only
   * the first of its entries; null when there is no such state the spec can reach. Storage writes
   * a step's term and vote before its entries (FileStorage replaces the meta file first) and a
   * power loss keeps a prefix of the records written since the last fsync, so the candidates are
   * the step's hard state with a prefix of its entries. The spec reaches such a state when
   * <ul>
   *   <li>the hard state is unchanged, or a higher term with no vote: raft.tla's UpdateTerm (a
   *       server adopts a higher term seen in any message and clears its vote, as an action of its
   *       own, before handling the message); a new vote never comes with entries;</li>
   *   <li>the log is what handling the same entries cut to that prefix would leave: a leader's
   *       AppendEntries may carry fewer entries (raft.tla sends one at a time, {@code maxBatch}
   *       caps them), a client may propose fewer commands. Handling them truncates the durable log
   *       only at a conflict within them (Figure 2, receiver rule 3), so a prefix that drops durable
   *       entries beyond it without a conflict is no such state: it lost entries the node may have
   *       acknowledged before, and the restart diverges.</li>
   * </ul>
   * With no entries kept this is a new term alone: a crash between the meta file and the records.
   */
  public static NodeState state(NodeState st, Persisted written, long lastIndex) {
    if (written.log().isEmpty() || written.snapshot().isPresent()) {
      return null; // a snapshot is written whole or not at all (Disk): no torn state comes from its step
    }
    Output.LogSuffix write = written.log().get();
    long kept = lastIndex - (write.firstIndex() - 1);
    if (kept < 0 || kept >= write.entries().size()) {
      return null;
    }
    long term = st.term();
    Optional<NodeId> vote = st.votedFor();
    Optional<Output.HardState> hs = written.hardState();
    if (hs.isPresent()) {
      if (hs.get().votedFor().isPresent() || hs.get().term() <= st.term()) {
        return null;
      }
      term = hs.get().term();
      vote = Optional.empty();
    } else if (kept == 0 && write.firstIndex() > st.log().lastIndex()) {
      return null; // the state before the step: tried as such
    }
    Log log = st.log();
    long conflict = -1;
    for (long k = 0; k < kept && conflict < 0; k++) {
      long index = write.firstIndex() + k;
      if (index > log.lastIndex() || log.term(index) != write.entries().get((int) k).term()) {
        conflict = index;
      }
    }
    if (write.firstIndex() - 1 > log.lastIndex() || (conflict < 0 && log.lastIndex() > lastIndex)) {
      return null; // a gap before the write, or durable entries beyond the prefix lost without a conflict
    }
    Log cut = log.truncateAfter(write.firstIndex() - 1).appendAll(write.entries().subList(0, (int) kept));
    // commitIndex is volatile: the restart that follows resets it
    return new NodeState(st.self(), st.config(), term, vote, cut, Math.min(st.commitIndex(), cut.lastIndex()),
        Role.Follower.UNKNOWN_LEADER);
  }
}
