package io.refraft.verification.elle;

import static io.refraft.verification.elle.ConsistencyModel.READ_COMMITTED;
import static io.refraft.verification.elle.ConsistencyModel.SERIALIZABLE;
import static io.refraft.verification.elle.ConsistencyModel.STRICT_SERIALIZABLE;
import static io.refraft.verification.elle.ConsistencyModel.STRONG_SESSION_SERIALIZABLE;
import static io.refraft.verification.elle.Hist.append;
import static io.refraft.verification.elle.Hist.list;
import static io.refraft.verification.elle.Hist.r;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.refraft.verification.history.Keyword;
import io.refraft.verification.history.Op;
import java.util.List;
import org.junit.jupiter.api.Test;

/** One small history per anomaly, in the spirit of the cases of Elle's documentation and paper. */
class ListAppendTest {
  private static final long X = 1;
  private static final long Y = 2;

  private static ElleResult check(Hist h, ConsistencyModel... models) {
    return Elle.listAppend(h.ops(), Options.of(models));
  }

  private static void assertVerdict(ElleResult r, List<String> types, List<String> not) {
    assertEquals(types, r.anomalyTypeNames(), () -> "anomalies: " + r.anomalies());
    assertEquals(not, r.notNames(), "not");
  }

  @Test
  void a_serial_history_is_strict_serializable() {
    Hist h = new Hist()
        .txn(0, append(X, 1))
        .txn(1, r(X, list(1)), append(X, 2), append(Y, 1))
        .txn(0, r(X, list(1, 2)), r(Y, list(1)));
    ElleResult r = check(h, STRICT_SERIALIZABLE);
    assertEquals(ElleResult.Validity.TRUE, r.valid());
    assertVerdict(r, List.of(), List.of());
    assertTrue(r.alsoNot().isEmpty());
  }

  @Test
  void ww_cycle_is_G0_and_rules_out_read_uncommitted() {
    Hist h = new Hist()
        .invoke(0, append(X, 1), append(Y, 2)).invoke(1, append(X, 2), append(Y, 1))
        .ok(0, append(X, 1), append(Y, 2)).ok(1, append(X, 2), append(Y, 1))
        .txn(2, r(X, list(1, 2)), r(Y, list(1, 2)));
    ElleResult r = check(h, SERIALIZABLE);
    assertEquals(ElleResult.Validity.FALSE, r.valid());
    assertVerdict(r, List.of("G0"), List.of("read-uncommitted"));
    assertTrue(r.alsoNot().contains(SERIALIZABLE));
    assertEquals(r.alsoNot().stream().map(ConsistencyModel::elleName).sorted().toList(), r.alsoNotNames());
    assertTrue(r.alsoNotNames().contains("serializable"));
  }

  @Test
  void the_readme_example_is_G1c() {
    Hist h = new Hist()
        .invoke(0, append(X, 1), r(Y, null)).invoke(1, append(X, 2), append(Y, 1))
        .ok(1, append(X, 2), append(Y, 1)).ok(0, append(X, 1), r(Y, list(1)))
        .txn(2, r(X, list(1, 2)));
    ElleResult r = check(h, SERIALIZABLE);
    assertVerdict(r, List.of("G1c"), List.of("read-committed"));
    Anomaly.Cycle c = (Anomaly.Cycle) r.anomalies().get(AnomalyType.G1C).get(0);
    assertTrue(c.explanation().contains("observed T") && c.explanation().contains("append of 1 to key 2"),
        c.explanation());
    assertTrue(c.explanation().contains("a contradiction!"), c.explanation());
  }

  @Test
  void one_anti_dependency_is_G_single() {
    Hist h = new Hist()
        .invoke(0, append(X, 1), append(Y, 1)).invoke(1, r(X, null), r(Y, null))
        .ok(0, append(X, 1), append(Y, 1)).ok(1, r(X, list(1)), r(Y, list()))
        .txn(2, r(Y, list(1)));
    ElleResult r = check(h, SERIALIZABLE);
    assertVerdict(r, List.of("G-single-item"), List.of("consistent-view", "repeatable-read"));
    assertTrue(r.alsoNot().contains(ConsistencyModel.SNAPSHOT_ISOLATION));
    Anomaly.Cycle c = (Anomaly.Cycle) r.anomalies().get(AnomalyType.G_SINGLE_ITEM).get(0);
    assertTrue(c.explanation().contains("did not observe"), c.explanation());
  }

  @Test
  void nonadjacent_anti_dependencies_are_G_nonadjacent() {
    Hist h = new Hist()
        .invoke(0, append(X, 1)).invoke(1, r(X, null), r(Y, null))
        .invoke(2, append(Y, 1)).invoke(3, r(Y, null), r(X, null))
        .ok(0, append(X, 1)).ok(1, r(X, list(1)), r(Y, list()))
        .ok(2, append(Y, 1)).ok(3, r(Y, list(1)), r(X, list()));
    ElleResult r = check(h, SERIALIZABLE);
    assertVerdict(r, List.of("G-nonadjacent-item"), List.of("repeatable-read", "snapshot-isolation"));
  }

  @Test
  void write_skew_is_G2_item_and_allowed_by_snapshot_isolation() {
    Hist h = new Hist()
        .invoke(0, r(X, null), r(Y, null), append(X, 1)).invoke(1, r(X, null), r(Y, null), append(Y, 1))
        .ok(0, r(X, list()), r(Y, list()), append(X, 1)).ok(1, r(X, list()), r(Y, list()), append(Y, 1))
        .txn(2, r(X, list(1)), r(Y, list(1)));
    ElleResult r = check(h, ConsistencyModel.SNAPSHOT_ISOLATION, ConsistencyModel.REPEATABLE_READ);
    assertVerdict(r, List.of("G2-item"), List.of("repeatable-read"));
    assertTrue(!r.alsoNot().contains(ConsistencyModel.SNAPSHOT_ISOLATION));
  }

  @Test
  void reading_a_failed_append_is_G1a() {
    Hist h = new Hist()
        .invoke(0, append(X, 1)).fail(0, append(X, 1))
        .txn(1, r(X, list(1)));
    assertVerdict(check(h, READ_COMMITTED), List.of("G1a"), List.of("read-committed"));
  }

  @Test
  void reading_a_state_its_writer_went_on_to_change_is_G1b() {
    Hist h = new Hist()
        .invoke(0, append(X, 1), append(X, 2)).invoke(1, r(X, null))
        .ok(1, r(X, list(1))).ok(0, append(X, 1), append(X, 2));
    assertVerdict(check(h, SERIALIZABLE), List.of("G1b"), List.of("read-committed"));
  }

  @Test
  void a_read_ignoring_the_transactions_own_append_is_internal() {
    Hist h = new Hist().txn(0, r(X, list()), append(X, 1), r(X, list()));
    assertVerdict(check(h, SERIALIZABLE), List.of("internal"), List.of("read-uncommitted"));
  }

  @Test
  void committing_on_top_of_an_aborted_append_is_a_dirty_update() {
    Hist h = new Hist()
        .invoke(0, append(X, 1)).fail(0, append(X, 1))
        .txn(1, append(X, 2))
        .txn(2, r(X, list(1, 2)));
    assertVerdict(check(h, SERIALIZABLE), List.of("G1a", "dirty-update"), List.of("read-committed"));
  }

  @Test
  void an_element_read_twice_is_duplicate_elements() {
    Hist h = new Hist().txn(0, append(X, 1)).txn(1, r(X, list(1, 1)));
    assertVerdict(check(h, SERIALIZABLE), List.of("duplicate-elements"), List.of("read-uncommitted"));
  }

  @Test
  void reads_that_are_not_prefixes_of_each_other_are_incompatible_order() {
    Hist h = new Hist().txn(0, append(X, 1)).txn(1, append(X, 2))
        .txn(2, r(X, list(1, 2))).txn(3, r(X, list(2)));
    ElleResult r = check(h, SERIALIZABLE);
    assertTrue(r.anomalyTypes().contains(AnomalyType.INCOMPATIBLE_ORDER), r.anomalyTypeNames()::toString);
    assertEquals(List.of("read-committed"), r.notNames());
  }

  @Test
  void two_read_modify_appends_of_one_version_are_a_lost_update() {
    Hist h = new Hist()
        .invoke(0, r(X, null), append(X, 1)).invoke(1, r(X, null), append(X, 2))
        .ok(0, r(X, list()), append(X, 1)).ok(1, r(X, list()), append(X, 2))
        .txn(2, r(X, list(1, 2)));
    ElleResult r = check(h, SERIALIZABLE);
    // consistent-view and repeatable-read imply cursor-stability, the one lost-update rules out directly.
    assertVerdict(r, List.of("G-single-item", "lost-update"), List.of("cursor-stability"));
  }

  @Test
  void reading_an_append_made_later_in_the_same_transaction_is_a_future_read() {
    Hist h = new Hist().txn(0, r(X, list(1)), append(X, 1));
    assertVerdict(check(h, SERIALIZABLE), List.of("future-read"), List.of("read-committed"));
  }

  @Test
  void a_stale_read_after_completion_is_G_single_realtime_and_only_under_strict_models() {
    Hist h = new Hist()
        .txn(0, append(X, 1))
        .txn(1, r(X, list()))
        .txn(2, r(X, list(1)));
    ElleResult strict = check(h, STRICT_SERIALIZABLE);
    assertVerdict(strict, List.of("G-single-item-realtime"), List.of("strong-snapshot-isolation"));
    assertTrue(strict.alsoNot().contains(STRICT_SERIALIZABLE));
    assertEquals(ElleResult.Validity.TRUE, check(h, SERIALIZABLE).valid());
  }

  @Test
  void a_stale_read_in_one_session_is_G_single_process() {
    Hist h = new Hist()
        .invoke(0, append(X, 1)).invoke(1, r(X, null))
        .ok(0, append(X, 1)).ok(1, r(X, list(1)))
        .txn(0, r(X, list()));
    ElleResult r = check(h, STRONG_SESSION_SERIALIZABLE);
    assertVerdict(r, List.of("G-single-item-process"), List.of("strong-session-snapshot-isolation"));
  }

  @Test
  void an_info_append_that_was_read_committed_and_is_no_anomaly() {
    Hist h = new Hist()
        .invoke(0, append(X, 1)).info(0, append(X, 1))
        .txn(1, r(X, list(1)));
    ElleResult r = check(h, STRICT_SERIALIZABLE);
    assertEquals(ElleResult.Validity.TRUE, r.valid(), r.anomalies()::toString);
  }

  @Test
  void nemesis_ops_are_ignored() {
    Hist h = new Hist().op(Op.Type.INFO, Keyword.of("nemesis"), Keyword.of("kill"), null)
        .txn(0, append(X, 1)).txn(1, r(X, list(1)));
    assertEquals(ElleResult.Validity.TRUE, check(h, STRICT_SERIALIZABLE).valid());
  }

  @Test
  void a_history_without_committed_transactions_is_unknown() {
    Hist h = new Hist().invoke(0, append(X, 1)).fail(0, append(X, 1));
    ElleResult r = check(h, SERIALIZABLE);
    assertEquals(ElleResult.Validity.UNKNOWN, r.valid());
    assertVerdict(r, List.of("empty-transaction-graph"), List.of());
  }

  @Test
  void an_element_appended_twice_is_rejected_naming_the_op() {
    Hist h = new Hist().txn(0, append(X, 1)).txn(1, append(X, 1));
    ElleInputException e = assertThrows(ElleInputException.class, () -> check(h, SERIALIZABLE));
    assertEquals(3, e.opIndex());
    assertTrue(e.getMessage().contains("appended to key 1 more than once"), e.getMessage());
  }

  @Test
  void an_unknown_f_is_rejected_naming_the_op() {
    Hist h = new Hist().txn(0, append(X, 1)).op(Op.Type.INVOKE, 0L, Keyword.of("read"), null);
    ElleInputException e = assertThrows(ElleInputException.class, () -> check(h, SERIALIZABLE));
    assertEquals(2, e.opIndex());
    Hist w = new Hist().txn(0, Hist.w(X, 1));
    ElleInputException e2 = assertThrows(ElleInputException.class, () -> check(w, SERIALIZABLE));
    assertEquals(1, e2.opIndex()); // the completion, whose micro-ops are the ones analysed
    assertTrue(e2.getMessage().contains(":w"), e2.getMessage());
  }

  @Test
  void reading_an_element_nobody_appended_is_a_garbage_read() {
    Hist h = new Hist().txn(0, append(X, 1)).txn(1, r(X, list(1, 7)));
    assertVerdict(check(h, SERIALIZABLE), List.of("garbage-read"), List.of("read-uncommitted"));
  }

  @Test
  void ww_and_realtime_alone_make_G0_realtime() {
    // T1 completes, then T2, then T3 starts; yet the final read puts T3's append of 1 before T1's 2.
    Hist h = new Hist()
        .txn(0, append(X, 2))
        .txn(1, append(Y, 1))
        .txn(2, r(Y, list(1)), append(X, 1))
        .txn(3, r(X, list(1, 2)));
    // T2 -wr-> T3 -ww-> T1 -rt-> T2 is a second, distinct cycle, which needs its wr edge.
    assertVerdict(check(h, STRICT_SERIALIZABLE), List.of("G0-realtime", "G1c-realtime"),
        List.of("strong-read-uncommitted"));
  }

  @Test
  void a_cycle_needing_wr_and_realtime_is_G1c_realtime() {
    // T0 -wr-> T1 (x), T1 completes before T2 starts, T2 -ww-> T0 (z = [1 2]).
    long z = 3;
    Hist h = new Hist()
        .invoke(0, append(X, 1), append(z, 2)).invoke(1, r(X, null))
        .ok(1, r(X, list(1)))
        .txn(2, append(z, 1))
        .ok(0, append(X, 1), append(z, 2))
        .txn(3, r(z, list(1, 2)));
    assertVerdict(check(h, STRICT_SERIALIZABLE), List.of("G1c-realtime"), List.of("strong-read-committed"));
    assertEquals(ElleResult.Validity.TRUE, check(h, SERIALIZABLE).valid());
  }
}
