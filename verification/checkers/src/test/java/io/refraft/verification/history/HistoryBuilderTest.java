package io.refraft.verification.history;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class HistoryBuilderTest {
  @Test
  void a_built_history_equals_the_same_history_read_from_edn() throws Exception {
    History built = new HistoryBuilder()
        .invoke(0, "txn", List.of(HistoryBuilder.mop("append", 1, 2), HistoryBuilder.mop("r", 1, null)))
        .op(Op.Type.INFO, "nemesis", "start", "partition")
        .ok(0, "txn", List.of(HistoryBuilder.mop("append", 1, 2), HistoryBuilder.mop("r", 1, List.of(2))))
        .invoke(1, "read", null).fail(1, "read", null)
        .invoke(2, "add", Map.of("k", Set.of(3))).info(2, "add", Map.of("k", Set.of(3)))
        .build();
    History read = HistoryFormat.EDN.read("h.edn", """
        {:type :invoke, :process 0, :f :txn, :value [[:append 1 2] [:r 1 nil]]}
        {:type :info, :process :nemesis, :f :start, :value "partition"}
        {:type :ok, :process 0, :f :txn, :value [[:append 1 2] [:r 1 [2]]]}
        {:type :invoke, :process 1, :f :read, :value nil}
        {:type :fail, :process 1, :f :read, :value nil}
        {:type :invoke, :process 2, :f :add, :value {"k" #{3}}}
        {:type :info, :process 2, :f :add, :value {"k" #{3}}}
        """);
    assertEquals(read, built);
  }

  @Test
  void times_are_all_or_none() {
    History timed = new HistoryBuilder().at(5).invoke(0, "read", null).at(9).ok(0, "read", 1).build();
    assertEquals(List.of(5L, 9L), timed.ops().stream().map(Op::time).toList());
    HistoryBuilder half = new HistoryBuilder().invoke(0, "read", null).at(9).ok(0, "read", 1);
    assertThrows(IllegalStateException.class, half::build);
    assertThrows(IllegalArgumentException.class, () -> new HistoryBuilder().op(Op.Type.OK, 1.5, "read", null));
  }

  @Test
  void tuples_hold_nil() {
    assertEquals(java.util.Arrays.asList("k", null), HistoryBuilder.tuple("k", null));
  }
}
