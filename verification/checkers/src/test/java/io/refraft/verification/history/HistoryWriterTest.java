package io.refraft.verification.history;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class HistoryWriterTest {

  private static final History SAMPLE = History.of(List.of(
      new Op(0, Op.Type.INVOKE, 0L, Keyword.of("txn"),
          List.of(List.of(Keyword.of("append"), 1L, 2L), java.util.Arrays.asList(Keyword.of("r"), 1L, null)), 10, null),
      new Op(1, Op.Type.INFO, Keyword.of("nemesis"), Keyword.of("start"), "partition \"a\"\n", 11, null),
      new Op(3, Op.Type.OK, 0L, Keyword.of("txn"),
          List.of(List.of(Keyword.of("append"), 1L, 2L), List.of(Keyword.of("r"), 1L, List.of(2L))), 12, null),
      new Op(4, Op.Type.INVOKE, 1L, Keyword.of("cas"), List.of(1L, 4L), -1, null),
      new Op(5, Op.Type.FAIL, 1L, Keyword.of("cas"), List.of(1L, 4L), -1, Keyword.of("timeout"))));

  @Test
  void edn_round_trip_is_exact() throws Exception {
    StringWriter w = new StringWriter();
    HistoryWriter.writeEdn(SAMPLE, w);
    assertEquals(SAMPLE, HistoryFormat.EDN.read("w.edn", w.toString()));
    assertEquals(HistoryFormat.EDN, HistoryFormat.detect(w.toString()));
  }

  @Test
  void jsonl_round_trip_of_txn_and_register_ops() throws Exception {
    History clients = SAMPLE.clientOps().filter(op -> op.error() == null);
    StringWriter w = new StringWriter();
    HistoryWriter.writeJsonl(clients, w);
    assertEquals(clients, HistoryFormat.JSONL.read("w.jsonl", w.toString()));
  }

  @Test
  void edn_round_trip_of_sets_maps_and_reference_files() throws Exception {
    History h = History.indexed(List.of(new Op(0, Op.Type.INFO, Keyword.of("nemesis"), Keyword.of("kill"),
        java.util.Map.of(Keyword.of("n1"), Set.of("a")), 5, null)));
    StringWriter w = new StringWriter();
    HistoryWriter.writeEdn(h, w);
    assertEquals(h, HistoryFormat.EDN.read("w.edn", w.toString()));

    Path root = RefData.root();
    for (String f : List.of("elle/histories/huge-scc.edn", "knossos/data/multi-register/good/multi-register.edn",
        "porcupine/test_data/jepsen/etcd_000.log", "porcupine/test_data/kv/c10-ok.txt")) {
      History orig = HistoryFormat.AUTO.read(root.resolve(f));
      StringWriter edn = new StringWriter();
      HistoryWriter.writeEdn(orig, edn);
      assertEquals(orig, HistoryFormat.EDN.read(f, edn.toString()), f);
    }
  }
}
