package io.refraft.verification.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.refraft.spec.Config;
import io.refraft.spec.Entry;
import io.refraft.spec.Log;
import io.refraft.spec.NodeId;
import io.refraft.spec.NodeState;
import io.refraft.spec.Output;
import io.refraft.spec.Payload;
import io.refraft.spec.Role;
import io.refraft.traces.Persisted;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Which states a crash inside one step's writes may leave ({@link TornWrite#state}): the step's
 * hard state with a prefix of its entries, when handling that prefix would leave the same log.
 * Logs are written as the terms of their entries.
 */
class TornWriteTest {
  private static final Config CONFIG = Config.ofSize(3);
  private static final NodeId N3 = NodeId.of("n3");
  private static final NodeId N1 = NodeId.of("n1");

  @Test
  void a_prefix_of_appended_entries_keeps_the_step_hard_state() {
    NodeState before = node(1, Optional.of(N1), 1, 1);
    Persisted step = step(Optional.empty(), 3, 1, 1, 1);
    NodeState torn = TornWrite.state(before, step, 3);
    assertEquals(log(1, 1, 1), torn.log());
    assertEquals(1, torn.term());
    assertEquals(Optional.of(N1), torn.votedFor(), "the vote of the term is kept, unchanged");
  }

  @Test
  void a_new_term_without_a_vote_comes_with_any_prefix_of_its_entries() {
    NodeState before = node(1, Optional.of(N1), 1);
    Persisted step = step(Optional.of(new Output.HardState(2, Optional.empty())), 2, 2, 2, 2);
    for (long last = 1; last <= 3; last++) {
      NodeState torn = TornWrite.state(before, step, last);
      assertEquals(2, torn.term(), "kept up to " + last);
      assertEquals(Optional.empty(), torn.votedFor(), "kept up to " + last);
      assertEquals(last, torn.log().lastIndex());
    }
  }

  @Test
  void the_whole_write_or_nothing_of_it_is_no_torn_state() {
    NodeState before = node(1, Optional.of(N1), 1);
    Persisted step = step(Optional.empty(), 2, 1, 1);
    assertNull(TornWrite.state(before, step, 3), "the whole write is the step's own state");
    assertNull(TornWrite.state(before, step, 1), "nothing kept and nothing else written is the state before it");
    assertNull(TornWrite.state(before, step, 0), "a log shorter than the one before the write");
  }

  @Test
  void a_new_vote_never_comes_with_entries() {
    NodeState before = node(1, Optional.empty(), 1);
    Persisted step = step(Optional.of(new Output.HardState(2, Optional.of(N1))), 2, 2, 2);
    assertNull(TornWrite.state(before, step, 2));
  }

  @Test
  void a_prefix_that_drops_durable_entries_needs_a_conflict_within_it() {
    // the durable log 1,1,1,1; the step rewrites from index 2 with 1,2,2 (a conflict at index 3)
    NodeState before = node(2, Optional.empty(), 1, 1, 1, 1);
    Persisted step = step(Optional.empty(), 2, 1, 2, 2);
    assertNull(TornWrite.state(before, step, 2), "index 2 matches: handling it alone keeps 3 and 4");
    assertEquals(log(1, 1, 2), TornWrite.state(before, step, 3).log(), "the conflict at 3 truncates the rest");
  }

  @Test
  void a_step_without_a_log_write_has_no_torn_state() {
    NodeState before = node(1, Optional.empty(), 1);
    Persisted step = new Persisted(Optional.of(new Output.HardState(2, Optional.empty())), Optional.empty());
    assertNull(TornWrite.state(before, step, 1));
  }

  private static Log log(long... terms) {
    List<Entry> entries = new ArrayList<>();
    for (long t : terms) {
      entries.add(new Entry(t, Payload.Data.of((byte) entries.size())));
    }
    return Log.of(entries);
  }

  private static NodeState node(long term, Optional<NodeId> vote, long... terms) {
    return new NodeState(N3, CONFIG, term, vote, log(terms), 0, Role.Follower.UNKNOWN_LEADER);
  }

  /** What a step wrote: {@code hard}, and the entries of {@code terms} from index {@code from}. */
  private static Persisted step(Optional<Output.HardState> hard, long from, long... terms) {
    List<Entry> entries = new ArrayList<>();
    for (long t : terms) {
      entries.add(new Entry(t, Payload.Data.of((byte) (from - 1 + entries.size()))));
    }
    return new Persisted(hard, Optional.of(new Output.LogSuffix(from, entries)));
  }
}
