package io.refraft.spec.explore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.refraft.spec.check.Cluster;
import io.refraft.spec.check.Faults;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Spilling the frontier, checkpoints and resumption change no count and no counterexample's length. */
class CheckpointTest {
  private static final Bounds ASYNC = new Bounds(3, 1, 1, 1, 1, -1, 0, 1);

  private static RaftModel model(Bounds b, Optional<Mutant> mutant) {
    return RaftModel.of(b, true, true, 1, true, Faults.ALL, mutant);
  }

  /** Checkpoints kept in memory, as the command line keeps them in a file. */
  private static final class Memory implements Checkpoint.Store {
    byte[] last;
    int saved;

    @Override
    public void save(java.util.function.Consumer<Checkpoint.Sink> content) {
      Bytes.Writer w = new Bytes.Writer(1 << 16);
      content.accept(w::putBytes);
      last = w.toByteArray();
      saved++;
    }

    Checkpoint.Source source() {
      return source(last);
    }

    static Checkpoint.Source source(byte[] bytes) {
      int[] pos = {0};
      return (b, off, len) -> {
        if (pos[0] >= bytes.length) {
          return -1;
        }
        int n = Math.min(len, bytes.length - pos[0]);
        System.arraycopy(bytes, pos[0], b, off, n);
        pos[0] += n;
        return n;
      };
    }
  }

  /** Segments kept in a map; counts what was written and what is left. */
  private static final class Spill implements SpillStore {
    final Map<Long, byte[]> segments = new HashMap<>();
    long writes;

    @Override
    public synchronized long write(byte[] data, int length) {
      segments.put(++writes, Arrays.copyOf(data, length));
      return writes;
    }

    @Override
    public synchronized byte[] read(long handle) {
      return segments.get(handle).clone();
    }

    @Override
    public synchronized void delete(long handle) {
      segments.remove(handle);
    }
  }

  private static void assertSameCounts(ModelChecker.Result want, ModelChecker.Result got) {
    assertEquals(want.distinctStates(), got.distinctStates(), "distinct");
    assertEquals(want.statesGenerated(), got.statesGenerated(), "generated");
    assertEquals(want.depth(), got.depth(), "depth");
    assertEquals(want.violated(), got.violated(), "violated");
  }

  @Test
  void when_the_frontier_spills_to_disk_then_the_counts_are_the_same_and_every_segment_is_deleted() {
    RaftModel m = model(ASYNC, Optional.empty());
    ModelChecker.Result inMemory = new ModelChecker(m, ASYNC, true, 2).run(System::nanoTime);
    Spill spill = new Spill();
    ModelChecker.Result spilled = new ModelChecker(m, ASYNC, true, 2).withMemory(0, spill).run(System::nanoTime);
    assertSameCounts(inMemory, spilled);
    assertTrue(spill.writes > 3, "segments written: " + spill.writes);
    assertEquals(Map.of(), spill.segments, "segments left behind");
  }

  /** A run stopped about half-way and resumed, with other worker counts, counts what one run does. */
  @ParameterizedTest(name = "stopped with {0} worker(s), resumed with {1}")
  @CsvSource({"1, 2", "2, 1"})
  void when_a_run_stops_at_half_and_resumes_then_the_counts_are_those_of_one_run(int before, int after) {
    RaftModel m = model(ASYNC, Optional.empty());
    ModelChecker.Result whole = new ModelChecker(m, ASYNC, true, 2).run(System::nanoTime);
    Memory store = new Memory();
    ModelChecker.Result first = new ModelChecker(m, ASYNC, true, before).withCheckpoints(store)
        .withMemory(1 << 20, new Spill()).stopAt(whole.distinctStates() / 2).run(System::nanoTime);
    assertTrue(first.stopped());
    assertEquals(1, store.saved);
    assertTrue(first.distinctStates() >= whole.distinctStates() / 2 && first.distinctStates() < whole.distinctStates(),
        "stopped at " + first.distinctStates() + " of " + whole.distinctStates());
    ModelChecker.Result rest = new ModelChecker(m, ASYNC, true, after).resumeFrom(store.source())
        .run(System::nanoTime);
    assertFalse(rest.stopped());
    assertSameCounts(whole, rest);
  }

  @Test
  void when_a_mutant_run_resumes_then_it_finds_a_shortest_counterexample_that_replays() {
    Bounds[] b = new Bounds[1];
    RaftModel m = ModelCheckerTest.modelFor(Mutant.VOTE_TWICE, b);
    ModelChecker.Result whole = new ModelChecker(m, b[0], true, 1).run(System::nanoTime);
    Memory store = new Memory();
    ModelChecker.Result first = new ModelChecker(m, b[0], true, 1).withCheckpoints(store)
        .stopAt(whole.distinctStates() / 2).run(System::nanoTime);
    assertTrue(first.stopped() && !first.violated());
    ModelChecker.Result rest = new ModelChecker(m, b[0], true, 1).resumeFrom(store.source()).run(System::nanoTime);
    assertSameCounts(whole, rest);
    ModelChecker.Counterexample cx = rest.counterexample().orElseThrow();
    assertEquals(whole.counterexample().orElseThrow().steps().size(), cx.steps().size());
    assertTrue(Replay.replay(m, cx.steps().stream().map(Cluster.Step::event).toList(), cx.violation().invariant())
        .isPresent());
  }

  @Test
  void when_a_checkpoint_is_of_other_bounds_a_mutant_or_a_build_then_resuming_names_what_differs() {
    RaftModel m = model(ASYNC, Optional.empty());
    Memory store = new Memory();
    new ModelChecker(m, ASYNC, true, 1).withIdentity("build", "A").withCheckpoints(store).stopAt(100)
        .run(System::nanoTime);
    Bounds other = new Bounds(3, 1, 2, 1, 1, -1, 0, 1);
    Checkpoint.Mismatch bounds = assertThrows(Checkpoint.Mismatch.class,
        () -> new ModelChecker(model(other, Optional.empty()), other, true, 1).withIdentity("build", "A")
            .resumeFrom(store.source()));
    assertTrue(bounds.getMessage().contains("bounds"), bounds.getMessage());
    Checkpoint.Mismatch mutant = assertThrows(Checkpoint.Mismatch.class,
        () -> new ModelChecker(model(ASYNC, Optional.of(Mutant.VOTE_TWICE)), ASYNC, true, 1)
            .withIdentity("build", "A").resumeFrom(store.source()));
    assertTrue(mutant.getMessage().contains("mutant"), mutant.getMessage());
    Checkpoint.Mismatch build = assertThrows(Checkpoint.Mismatch.class,
        () -> new ModelChecker(m, ASYNC, true, 1).withIdentity("build", "B").resumeFrom(store.source()));
    assertTrue(build.getMessage().contains("build"), build.getMessage());
    byte[] cut = Arrays.copyOf(store.last, store.last.length - 3);
    Checkpoint.Mismatch truncated = assertThrows(Checkpoint.Mismatch.class,
        () -> new ModelChecker(m, ASYNC, true, 1).withIdentity("build", "A").resumeFrom(Memory.source(cut)));
    assertTrue(truncated.getMessage().contains("cut short"), truncated.getMessage());
  }
}
