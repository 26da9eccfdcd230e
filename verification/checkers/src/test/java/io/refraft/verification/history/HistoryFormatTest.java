package io.refraft.verification.history;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class HistoryFormatTest {

  private static History read(HistoryFormat f, String text) throws HistoryFormatException {
    return f.read("h.edn", text);
  }

  @Test
  void edn_stream_with_comments_reads_plain_data() throws Exception {
    History h = read(HistoryFormat.EDN, """
        ; a comment
        {:type :invoke, :f :txn, :value [[:append 11 1] [:r 11 nil]], :process 10, :time 14532933, :index 0}
        {:type :info, :f :kill, :value #{"n1"}, :process :nemesis, :time 15000000, :index 1}
        {:type :ok, :f :txn, :value [[:append 11 1] [:r 11 [1]]], :process 10, :time 31076248, :index 2}
        """);
    assertEquals(3, h.size());
    Op ok = h.get(2);
    assertEquals(2, ok.index());
    assertEquals(Op.Type.OK, ok.type());
    assertEquals(10L, ok.process());
    assertEquals(Keyword.of("txn"), ok.f());
    assertEquals(List.of(List.of(Keyword.of("append"), 11L, 1L), List.of(Keyword.of("r"), 11L, List.of(1L))),
        ok.value());
    assertEquals(31076248L, ok.time());
    assertEquals(Keyword.of("nemesis"), h.get(1).process());
    assertFalse(h.get(1).isClient());
    assertEquals(1, h.clientOps().pairs().size());
  }

  @Test
  void knossos_vector_assigns_indices_in_order() throws Exception {
    History h = read(HistoryFormat.AUTO, """
        ; cas
        [{:process 7, :type :invoke, :f :cas, :value [2 3]}
         {:process 7, :type :fail, :f :cas, :value [2 3]}
         {:process 8, :type :invoke, :f :read, :value nil}]
        """);
    assertEquals(List.of(0L, 1L, 2L), h.ops().stream().map(Op::index).toList());
    List<OpPair> pairs = h.pairs();
    assertEquals(Op.Type.FAIL, pairs.get(0).outcome());
    assertEquals(Op.Type.INFO, pairs.get(1).outcome(), "an op never completed counts as info");
    assertNull(pairs.get(1).completion());
    assertEquals(List.of(2L), h.withF(Keyword.of("read")).ops().stream().map(Op::index).toList());
    assertFalse(h.hasTime(), "no op carries a :time");
    for (HistoryFormat f : HistoryFormat.values()) {
      assertEquals(f, HistoryFormat.fromCliName(f.cliName()));
    }
  }

  @Test
  void jepsen_log_lines_keep_timed_out_values() throws Exception {
    String log = "INFO  jepsen.util - 3\t:invoke\t:cas\t[1 4]\n"
        + "INFO  jepsen.util - 0\t:invoke\t:read\tnil\n"
        + "INFO  jepsen.util - 3\t:info\t:cas\t:timed-out\n"
        + "INFO  jepsen.util - 0  :ok  :read  4\n";
    assertEquals(HistoryFormat.JEPSEN_LOG, HistoryFormat.detect(log));
    History h = HistoryFormat.AUTO.read("etcd.log", log);
    assertEquals(List.of(1L, 4L), h.get(0).value());
    assertEquals(Keyword.of("timed-out"), h.get(2).value());
    assertEquals(Op.Type.INFO, h.get(2).type());
    assertEquals(4L, h.get(3).value());
  }

  @Test
  void porcupine_kv_folds_key_into_value() throws Exception {
    String kv = """
        {:process 0, :type :invoke, :f :append, :key "0", :value "x 0 0 y"}
        {:process 0, :type :ok, :f :append, :key "0", :value "x 0 0 y"}
        {:process 1, :type :invoke, :f :get, :key "7", :value nil}
        {:process 1, :type :ok, :f :get, :key "7", :value ""}
        """;
    History h = HistoryFormat.AUTO.read("kv.txt", kv);
    assertEquals(List.of("0", "x 0 0 y"), h.get(0).value());
    Map<Object, History> byKey = h.splitIndependent();
    assertEquals(List.of("0", "7"), List.copyOf(byKey.keySet()));
    assertEquals("", byKey.get("7").get(1).value());
    assertEquals(3, byKey.get("7").get(1).index(), "sub-histories keep original indices");
  }

  @Test
  void jsonl_micro_op_functions_become_keywords() throws Exception {
    String jsonl = """
        {"index":0,"type":"invoke","process":0,"f":"txn","value":[["append",1,2],["r",1,null]],"time":123}
        {"index":1,"type":"ok","process":0,"f":"txn","value":[["append",1,2],["r",1,[2]]],"time":456}
        """;
    assertEquals(HistoryFormat.JSONL, HistoryFormat.detect(jsonl));
    History h = HistoryFormat.AUTO.read("h.jsonl", jsonl);
    assertEquals(List.of(Keyword.of("r"), 1L, List.of(2L)), ((List<?>) h.get(1).value()).get(1));
    assertEquals(456L, h.get(1).time());
  }

  @Test
  void truncated_map_names_the_line() {
    HistoryFormatException e = assertThrows(HistoryFormatException.class, () -> read(HistoryFormat.EDN, """
        {:type :invoke, :f :read, :value nil, :process 0}
        {:type :ok, :f :read, :value 3, :process 0
        """));
    assertEquals("h.edn", e.file());
    assertEquals(2, e.line(), "the line where the truncated op starts");
    assertTrue(e.getMessage().startsWith("h.edn:" + e.line() + ": "), e.getMessage());
  }

  @Test
  void unknown_type_names_the_line_and_the_field() {
    HistoryFormatException e = assertThrows(HistoryFormatException.class, () -> read(HistoryFormat.EDN, """
        {:type :invoke, :f :read, :value nil, :process 0}

        {:type :okay, :f :read, :value 3, :process 0}
        """));
    assertEquals(3, e.line());
    assertTrue(e.reason().contains("okay"), e.reason());
  }

  @Test
  void bad_log_line_names_the_line() {
    HistoryFormatException e = assertThrows(HistoryFormatException.class, () -> HistoryFormat.JEPSEN_LOG.read("x.log",
        "INFO  jepsen.util - 0\t:invoke\t:read\tnil\nthis is not an op\n"));
    assertEquals(2, e.line());
  }

  @Test
  void bad_json_line_and_unpaired_completion_name_their_lines() {
    HistoryFormatException json = assertThrows(HistoryFormatException.class, () -> HistoryFormat.JSONL.read("h.jsonl",
        "{\"type\":\"invoke\",\"process\":0,\"f\":\"read\",\"value\":null}\n{\"type\":\"ok\",\n"));
    assertEquals(2, json.line());
    HistoryFormatException pair = assertThrows(HistoryFormatException.class, () -> read(HistoryFormat.EDN,
        "{:type :invoke, :f :read, :value nil, :process 0}\n{:type :ok, :f :read, :value 1, :process 1}\n"));
    assertEquals(2, pair.line());
    assertTrue(pair.reason().contains("never invoked"), pair.reason());
  }

  @Test
  void unterminated_vector_and_non_map_are_rejected() {
    assertThrows(HistoryFormatException.class, () -> read(HistoryFormat.EDN,
        "[{:type :invoke, :f :read, :value nil, :process 0}\n"));
    HistoryFormatException e = assertThrows(HistoryFormatException.class, () -> read(HistoryFormat.EDN,
        "{:type :invoke, :f :read, :value nil, :process 0}\n[1 2]\n"));
    assertEquals(2, e.line());
  }

  @Test
  void every_reference_history_reads() throws IOException, HistoryFormatException {
    Path root = RefData.root();
    List<Path> files;
    try (Stream<Path> s = Files.walk(root)) {
      files = s.filter(p -> p.toString().matches(".*\\.(edn|log|txt)$"))
          .filter(p -> !p.getFileName().toString().equals("README.txt")).sorted().toList();
    }
    assertTrue(files.size() > 200, "found " + files.size());
    int ops = 0;
    for (Path p : files) {
      History h = HistoryFormat.AUTO.read(p);
      ops += h.size();
      if (p.toString().contains("/kv/")) {
        assertTrue(h.get(0).value() instanceof List<?>, p + " read as kv");
      }
    }
    assertTrue(ops > 50_000, "ops " + ops);
  }
}
