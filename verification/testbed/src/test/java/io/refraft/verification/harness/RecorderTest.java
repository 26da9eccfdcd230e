package io.refraft.verification.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.refraft.verification.history.History;
import io.refraft.verification.history.HistoryFormat;
import io.refraft.verification.history.HistoryWriter;
import io.refraft.verification.history.Keyword;
import io.refraft.verification.history.Op;
import java.io.StringWriter;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The harness's histories written as history.edn/jsonl read back equal through our readers. */
class RecorderTest {

  /** A list-append history as the clients record it: txns, reads filled in, a nemesis op, fail and info. */
  static History sample() {
    Recorder r = new Recorder(System.nanoTime());
    Keyword txn = ListAppendWorkload.TXN;
    List<Object> invoked = List.of(List.of(ListAppendWorkload.APPEND, 1L, 2L), Arrays.asList(ListAppendWorkload.R, 1L, null));
    r.invoke(0, txn, invoked);
    r.invoke(1, txn, List.of(Arrays.asList(ListAppendWorkload.R, 3L, null)));
    r.nemesis(Keyword.of("kill"), "n2");
    r.complete(0, Op.Type.OK, txn, List.of(List.of(ListAppendWorkload.APPEND, 1L, 2L),
        List.of(ListAppendWorkload.R, 1L, List.of(1L, 2L))), null);
    r.complete(1, Op.Type.INFO, txn, List.of(Arrays.asList(ListAppendWorkload.R, 3L, null)), "indeterminate");
    r.invoke(11, txn, invoked);
    r.complete(11, Op.Type.FAIL, txn, invoked, "http-0");
    return r.history();
  }

  @Test
  void edn_is_jepsens_line_format_and_reads_back_equal() throws Exception {
    History h = sample();
    StringWriter w = new StringWriter();
    HistoryWriter.writeEdn(h, w);
    String first = w.toString().lines().findFirst().orElseThrow();
    assertTrue(first.matches("\\{:type :invoke, :f :txn, :value \\[\\[:append 1 2\\] \\[:r 1 nil\\]\\], :process 0, "
        + ":time \\d+, :index 0\\}"), first);
    assertTrue(w.toString().contains(":process :nemesis"), w.toString());
    assertEquals(h, HistoryFormat.EDN.read("history.edn", w.toString()));
    assertEquals(h, HistoryFormat.AUTO.read("history.edn", w.toString()));
  }

  @Test
  void jsonl_reads_back_equal() throws Exception {
    History h = sample();
    StringWriter w = new StringWriter();
    HistoryWriter.writeJsonl(h.clientOps(), w);
    assertEquals(h.clientOps(), HistoryFormat.JSONL.read("history.jsonl", w.toString()));
  }

  @Test
  void times_are_monotonic_and_indexes_dense() {
    History h = sample();
    for (int i = 0; i < h.size(); i++) {
      assertEquals(i, h.get(i).index());
      assertTrue(i == 0 || h.get(i).time() >= h.get(i - 1).time());
    }
    assertEquals(3, h.clientOps().pairs().size());
  }

  @Test
  void a_completion_cannot_be_an_invoke() {
    Recorder r = new Recorder(System.nanoTime());
    assertThrows(IllegalArgumentException.class, () -> r.complete(0, Op.Type.INVOKE, Keyword.of("txn"), null, null));
  }

  @Test
  void generated_list_append_values_are_unique_per_key_and_keys_rotate() {
    long seed = Long.getLong("refraft.seed", System.nanoTime());
    System.out.println("RecorderTest seed " + seed + " (rerun: -Drefraft.seed=" + seed + ")");
    ListAppendWorkload w = new ListAppendWorkload();
    Random rnd = new Random(seed);
    java.util.Set<List<Object>> appended = new java.util.HashSet<>();
    long maxKey = 0;
    for (int i = 0; i < 2000; i++) {
      Workload.Invocation inv = w.next(rnd);
      List<?> mops = (List<?>) inv.value();
      assertTrue(mops.size() >= 1 && mops.size() <= ListAppendWorkload.MAX_TXN_LENGTH);
      for (Object m : mops) {
        List<?> mop = (List<?>) m;
        maxKey = Math.max(maxKey, (Long) mop.get(1));
        if (mop.get(0).equals(ListAppendWorkload.APPEND)) {
          assertTrue(appended.add(List.of(mop.get(1), mop.get(2))), "appended twice: " + mop);
        }
      }
    }
    assertTrue(maxKey > ListAppendWorkload.ACTIVE_KEYS, "keys rotate: max key " + maxKey);
    java.util.Set<Object> read = new java.util.HashSet<>();
    w.finalReads().forEach(inv -> ((List<?>) inv.value()).forEach(m -> read.add(((List<?>) m).get(1))));
    for (long k = 0; k <= maxKey; k++) {
      assertTrue(read.contains(k), "the final reads miss key " + k);
    }
  }
}
