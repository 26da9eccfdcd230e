package io.refraft.verification.linear;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.refraft.verification.history.Edn;
import io.refraft.verification.history.History;
import io.refraft.verification.history.HistoryFormat;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LinearCheckerTest {

  private static History edn(String text) throws Exception {
    return HistoryFormat.EDN.read("test.edn", text);
  }

  private static LinearResult check(Model<?> model, String text) throws Exception {
    return LinearChecker.check(model, edn(text), Duration.ofSeconds(10));
  }

  @Test
  void register_concurrent_read_may_see_old_or_new_value() throws Exception {
    String h = """
        {:process 0, :type :invoke, :f :write, :value 1}
        {:process 1, :type :invoke, :f :read, :value nil}
        {:process 1, :type :ok, :f :read, :value 0}
        {:process 0, :type :ok, :f :write, :value 1}
        {:process 1, :type :invoke, :f :read, :value nil}
        {:process 1, :type :ok, :f :read, :value 1}
        """;
    assertInstanceOf(LinearResult.Valid.class, check(CasRegister.register(0L), h));
  }

  @Test
  void register_stale_read_after_write_completed_is_invalid() throws Exception {
    String h = """
        {:process 0, :type :invoke, :f :write, :value 1}
        {:process 0, :type :ok, :f :write, :value 1}
        {:process 1, :type :invoke, :f :read, :value nil}
        {:process 1, :type :ok, :f :read, :value 0}
        """;
    LinearResult.Invalid bad = assertInstanceOf(LinearResult.Invalid.class, check(CasRegister.register(0L), h));
    assertEquals(1, bad.longestPrefix().size(), "the write linearizes, the read cannot follow it");
    assertEquals(3, bad.blocked().completion().index());
    assertEquals("1", bad.stateAfterPrefix());
    assertTrue(bad.explanation().contains("op 2"), bad.explanation());
  }

  @Test
  void info_write_may_take_effect_late_or_never() throws Exception {
    String late = """
        {:process 0, :type :invoke, :f :write, :value 5}
        {:process 0, :type :info, :f :write, :value 5}
        {:process 1, :type :invoke, :f :read, :value nil}
        {:process 1, :type :ok, :f :read, :value 0}
        {:process 1, :type :invoke, :f :read, :value nil}
        {:process 1, :type :ok, :f :read, :value 5}
        """;
    assertInstanceOf(LinearResult.Valid.class, check(CasRegister.casRegister(0L), late));
    String never = late.replace(":value 5}\n{:process 1, :type :ok, :f :read, :value 5}", ":value 5}\n{:process 1, :type :ok, :f :read, :value 0}");
    assertInstanceOf(LinearResult.Valid.class, check(CasRegister.casRegister(0L), never));
    String backwards = """
        {:process 0, :type :invoke, :f :write, :value 5}
        {:process 0, :type :info, :f :write, :value 5}
        {:process 1, :type :invoke, :f :read, :value nil}
        {:process 1, :type :ok, :f :read, :value 5}
        {:process 1, :type :invoke, :f :read, :value nil}
        {:process 1, :type :ok, :f :read, :value 0}
        """;
    assertInstanceOf(LinearResult.Invalid.class, check(CasRegister.casRegister(0L), backwards));
  }

  @Test
  void failed_cas_has_no_effect_in_knossos_reading_and_saw_another_value_in_etcd_reading() throws Exception {
    String h = """
        {:process 0, :type :invoke, :f :cas, :value [0 1]}
        {:process 0, :type :fail, :f :cas, :value [0 1]}
        {:process 1, :type :invoke, :f :read, :value nil}
        {:process 1, :type :ok, :f :read, :value 0}
        """;
    assertInstanceOf(LinearResult.Valid.class, check(CasRegister.casRegister(0L), h));
    CasRegister observed = CasRegister.casRegister(0L).withFailedCas(CasRegister.FailedCas.COMPARE_FAILED);
    assertInstanceOf(LinearResult.Invalid.class, check(observed, h), "a cas from 0 cannot fail on a register holding 0");
    String ok = h.replace("{:process 0, :type :fail", "{:process 0, :type :ok").replace(":value 0}", ":value 1}");
    assertInstanceOf(LinearResult.Valid.class, check(CasRegister.casRegister(0L), ok));
  }

  @Test
  void nil_reads_are_absent_in_etcd_and_unknown_in_knossos() throws Exception {
    String h = """
        {:process 0, :type :invoke, :f :write, :value 2}
        {:process 0, :type :ok, :f :write, :value 2}
        {:process 1, :type :invoke, :f :read, :value nil}
        {:process 1, :type :ok, :f :read, :value nil}
        """;
    assertInstanceOf(LinearResult.Invalid.class, check(CasRegister.etcd(), h), "nil after a write: the key cannot be absent");
    assertInstanceOf(LinearResult.Valid.class, check(CasRegister.casRegister(0L), h));
  }

  @Test
  void kv_is_checked_per_key() throws Exception {
    String h = """
        {:process 0, :type :invoke, :f :append, :key "a", :value "x"}
        {:process 0, :type :ok, :f :append, :key "a", :value "x"}
        {:process 1, :type :invoke, :f :put, :key "b", :value "y"}
        {:process 1, :type :ok, :f :put, :key "b", :value "y"}
        {:process 0, :type :invoke, :f :get, :key "a", :value nil}
        {:process 0, :type :ok, :f :get, :key "a", :value "x"}
        {:process 1, :type :invoke, :f :get, :key "c", :value nil}
        {:process 1, :type :ok, :f :get, :key "c", :value ""}
        """;
    History history = HistoryFormat.PORCUPINE_KV.read("kv.txt", h);
    LinearResult ok = LinearChecker.check(new KvModel(), history, Duration.ofSeconds(5));
    assertEquals(new LinearResult.Valid(3, 4), ok);
    History doubled = HistoryFormat.PORCUPINE_KV.read("kv.txt", h.replace(
        "{:process 0, :type :ok, :f :get, :key \"a\", :value \"x\"}", "{:process 0, :type :ok, :f :get, :key \"a\", :value \"xx\"}"));
    LinearResult.Invalid bad = assertInstanceOf(LinearResult.Invalid.class, LinearChecker.check(new KvModel(), doubled, Duration.ofSeconds(5)));
    assertEquals("a", bad.partitionKey());
  }

  @Test
  void set_reads_must_contain_exactly_the_added_elements() throws Exception {
    String h = """
        {:process 0, :type :invoke, :f :add, :value 1}
        {:process 0, :type :ok, :f :add, :value 1}
        {:process 1, :type :invoke, :f :add, :value 2}
        {:process 0, :type :invoke, :f :read, :value nil}
        {:process 0, :type :ok, :f :read, :value #{1}}
        {:process 1, :type :ok, :f :add, :value 2}
        {:process 0, :type :invoke, :f :read, :value nil}
        {:process 0, :type :ok, :f :read, :value [2 1]}
        """;
    assertInstanceOf(LinearResult.Valid.class, check(new SetModel(), h));
    assertInstanceOf(LinearResult.Invalid.class, check(new SetModel(), h.replace("[2 1]", "[1]")));
  }

  @Test
  void multi_register_txns_are_atomic() throws Exception {
    @SuppressWarnings("unchecked")
    Map<Object, Object> init = (Map<Object, Object>) Edn.read("{:x 0 :y 0}");
    String h = """
        {:process 0, :type :invoke, :f :txn, :value [[:write :x 1] [:write :y 1]]}
        {:process 1, :type :invoke, :f :txn, :value [[:read :x nil] [:read :y nil]]}
        {:process 1, :type :ok, :f :txn, :value [[:read :x 1] [:read :y 1]]}
        {:process 0, :type :ok, :f :txn, :value [[:write :x 1] [:write :y 1]]}
        """;
    assertInstanceOf(LinearResult.Valid.class, check(new MultiRegister(init), h));
    assertInstanceOf(LinearResult.Invalid.class, check(new MultiRegister(init), h.replace("[:read :y 1]", "[:read :y 0]")),
        "a torn read of the two writes");
  }

  @Test
  void independent_register_splits_by_key() throws Exception {
    String h = """
        {:process 0, :type :invoke, :f :write, :value [1 5]}
        {:process 0, :type :ok, :f :write, :value [1 5]}
        {:process 1, :type :invoke, :f :read, :value [2 nil]}
        {:process 1, :type :ok, :f :read, :value [2 0]}
        """;
    assertEquals(new LinearResult.Valid(2, 2), check(new IndependentModel<>(CasRegister.register(0L)), h));
  }

  @Test
  void time_orders_events_when_every_op_has_one() throws Exception {
    // By file order the read starts after the write returned; by time they overlap.
    String h = """
        {:process 0, :type :invoke, :f :write, :value 1, :time 10}
        {:process 0, :type :ok, :f :write, :value 1, :time 30}
        {:process 1, :type :invoke, :f :read, :value nil, :time 20}
        {:process 1, :type :ok, :f :read, :value 0, :time 40}
        """;
    assertInstanceOf(LinearResult.Valid.class, check(CasRegister.register(0L), h));
    assertInstanceOf(LinearResult.Invalid.class, check(CasRegister.register(0L), h.replaceAll(", :time \\d+", "")));
  }

  @Test
  void time_limit_gives_unknown() throws Exception {
    StringBuilder h = new StringBuilder();
    for (int p = 0; p < 40; p++) {
      h.append("{:process ").append(p).append(", :type :invoke, :f :write, :value ").append(p).append("}\n");
    }
    // Each crashed write is read by a concurrent read (a crashed write nobody reads is dropped
    // before the search), so the search must try the subsets of reads before refuting 1000.
    for (int p = 0; p < 40; p++) {
      h.append("{:process ").append(100 + p).append(", :type :invoke, :f :read, :value nil}\n");
    }
    h.append("{:process 99, :type :invoke, :f :read, :value nil}\n{:process 99, :type :ok, :f :read, :value 1000}\n");
    for (int p = 0; p < 40; p++) {
      h.append("{:process ").append(100 + p).append(", :type :ok, :f :read, :value ").append(p).append("}\n");
    }
    LinearResult r = LinearChecker.check(CasRegister.register(0L), edn(h.toString()), Duration.ZERO);
    assertInstanceOf(LinearResult.Unknown.class, r);
  }

  @Test
  void unknown_function_names_the_op() throws Exception {
    String h = "{:process 0, :type :invoke, :f :cas, :value [0 1]}\n{:process 0, :type :ok, :f :cas, :value [0 1]}\n";
    UnsupportedOperationInHistory e = assertThrows(UnsupportedOperationInHistory.class,
        () -> check(CasRegister.register(0L), h));
    assertTrue(e.getMessage().startsWith("op 0 "), e.getMessage());
  }
}
