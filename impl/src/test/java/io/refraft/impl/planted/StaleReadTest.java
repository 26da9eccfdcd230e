package io.refraft.impl.planted;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.refraft.impl.node.Reads;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class StaleReadTest {

  @Test
  void a_node_asks_the_spec_for_a_read_index_first() {
    Reads reads = Reads.readIndex();
    reads.serveUpTo(5);
    CompletableFuture<Long> f = new CompletableFuture<>();
    reads.arrived(f);
    assertEquals(OptionalLong.of(1), reads.requestArrived());
    assertFalse(f.isDone());
  }

  @Test
  void with_the_planted_bug_a_read_completes_at_once_at_the_applied_index() {
    Reads reads = InjectedBug.STALE_READ.reads(Reads.readIndex());
    CompletableFuture<Long> early = new CompletableFuture<>();
    reads.arrived(early);
    assertEquals(0L, early.getNow(null), "nothing applied yet");
    reads.serveUpTo(5);
    CompletableFuture<Long> f = new CompletableFuture<>();
    reads.arrived(f);
    assertEquals(5L, f.getNow(null));
    assertTrue(reads.requestArrived().isEmpty(), "no read index is asked for");
  }
}
