package io.refraft.verification.elle;

import static io.refraft.verification.elle.ConsistencyModel.SERIALIZABLE;
import static io.refraft.verification.elle.ConsistencyModel.STRICT_SERIALIZABLE;
import static io.refraft.verification.elle.Hist.r;
import static io.refraft.verification.elle.Hist.w;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** rw-register: one small history per anomaly the conservative version order can show. */
class RwRegisterTest {
  private static final long X = 1;
  private static final long Y = 2;

  private static ElleResult check(Hist h, ConsistencyModel... models) {
    return Elle.rwRegister(h.ops(), Options.of(models));
  }

  private static void assertVerdict(ElleResult r, List<String> types, List<String> not) {
    assertEquals(types, r.anomalyTypeNames(), () -> "anomalies: " + r.anomalies());
    assertEquals(not, r.notNames(), "not");
  }

  @Test
  void a_serial_history_is_strict_serializable() {
    Hist h = new Hist().txn(0, w(X, 1)).txn(1, r(X, 1L), w(X, 2)).txn(0, r(X, 2L), r(Y, null));
    ElleResult r = check(h, STRICT_SERIALIZABLE);
    assertEquals(ElleResult.Validity.TRUE, r.valid(), r.anomalies()::toString);
  }

  @Test
  void reading_a_failed_write_is_G1a() {
    Hist h = new Hist().invoke(0, w(X, 1)).fail(0, w(X, 1)).txn(1, r(X, 1L));
    assertVerdict(check(h, SERIALIZABLE), List.of("G1a"), List.of("read-committed"));
  }

  @Test
  void reading_an_overwritten_write_of_the_same_transaction_is_G1b() {
    Hist h = new Hist().txn(0, w(X, 1), w(X, 2)).txn(1, r(X, 1L));
    assertVerdict(check(h, SERIALIZABLE), List.of("G1b"), List.of("read-committed"));
  }

  @Test
  void reading_other_than_the_own_write_is_internal() {
    Hist h = new Hist().txn(0, w(X, 1), r(X, 2L)).txn(1, w(X, 2));
    assertTrue(check(h, SERIALIZABLE).anomalyTypes().contains(AnomalyType.INTERNAL));
  }

  @Test
  void versions_ordered_both_ways_are_cyclic_versions() {
    Hist h = new Hist()
        .invoke(0, r(X, null), w(X, 2)).invoke(1, r(X, null), w(X, 1))
        .ok(0, r(X, 1L), w(X, 2)).ok(1, r(X, 2L), w(X, 1));
    ElleResult r = check(h, SERIALIZABLE);
    assertTrue(r.anomalyTypes().contains(AnomalyType.CYCLIC_VERSIONS), r.anomalyTypeNames()::toString);
    assertEquals(List.of("read-uncommitted"), r.notNames());
  }

  @Test
  void missing_a_write_through_the_initial_state_is_G_single() {
    Hist h = new Hist()
        .invoke(0, w(X, 1), w(Y, 1)).invoke(1, r(X, null), r(Y, null))
        .ok(0, w(X, 1), w(Y, 1)).ok(1, r(X, 1L), r(Y, null));
    ElleResult r = check(h, SERIALIZABLE);
    assertVerdict(r, List.of("G-single-item"), List.of("consistent-view", "repeatable-read"));
    Anomaly.Cycle c = (Anomaly.Cycle) r.anomalies().get(AnomalyType.G_SINGLE_ITEM).get(0);
    assertTrue(c.explanation().contains("nil is the initial state"), c.explanation());
  }

  @Test
  void write_skew_is_G2_item() {
    Hist h = new Hist()
        .invoke(0, r(X, null), w(Y, 1)).invoke(1, r(Y, null), w(X, 1))
        .ok(0, r(X, null), w(Y, 1)).ok(1, r(Y, null), w(X, 1));
    assertVerdict(check(h, SERIALIZABLE), List.of("G2-item"), List.of("repeatable-read"));
  }

  @Test
  void writes_ordered_both_ways_by_writes_follow_reads_are_G0() {
    // T0 wrote x=1 and y=2 after reading y=1; T1 read x=1 and wrote x=2 and y=1.
    Hist h = new Hist()
        .invoke(0, r(Y, null), w(X, 1), w(Y, 2)).invoke(1, r(X, null), w(X, 2), w(Y, 1))
        .ok(1, r(X, 1L), w(X, 2), w(Y, 1)).ok(0, r(Y, 1L), w(X, 1), w(Y, 2));
    ElleResult r = check(h, SERIALIZABLE);
    assertEquals(List.of("G0"), r.anomalyTypeNames(), r.anomalies()::toString);
  }

  @Test
  void a_value_written_twice_is_rejected_naming_the_op() {
    Hist h = new Hist().txn(0, w(X, 1)).txn(1, w(X, 1));
    ElleInputException e = assertThrows(ElleInputException.class, () -> check(h, SERIALIZABLE));
    assertEquals(3, e.opIndex());
  }

  @Test
  void reading_a_value_nobody_wrote_is_a_garbage_read() {
    Hist h = new Hist().txn(0, w(X, 1)).txn(1, r(X, 9L));
    assertVerdict(check(h, SERIALIZABLE), List.of("garbage-read"), List.of("read-uncommitted"));
  }

  @Test
  void a_crashed_write_that_was_read_may_have_committed() {
    Hist h = new Hist().invoke(0, w(X, 1)).info(0, w(X, 1)).txn(1, r(X, 1L));
    assertEquals(ElleResult.Validity.TRUE, check(h, STRICT_SERIALIZABLE).valid());
  }
}
