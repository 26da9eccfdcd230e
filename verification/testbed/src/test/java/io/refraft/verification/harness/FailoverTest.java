package io.refraft.verification.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.refraft.verification.fault.FaultKind;
import io.refraft.verification.history.History;
import io.refraft.verification.history.Keyword;
import io.refraft.verification.history.Op;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class FailoverTest {
  private static final long MS = 1_000_000;
  private final List<Op> ops = new ArrayList<>();

  private void op(Op.Type type, long process, Keyword f, Object value, long ms) {
    ops.add(new Op(ops.size(), type, process, f, value, ms * MS, null));
  }

  private void write(long process, long invokeMs, long okMs) {
    op(Op.Type.INVOKE, process, RegisterWorkload.WRITE, 1L, invokeMs);
    op(Op.Type.OK, process, RegisterWorkload.WRITE, 1L, okMs);
  }

  private static NemesisEvent event(FaultKind kind, String what, long startMs) {
    return new NemesisEvent(startMs * MS, startMs * MS + 2000 * MS, kind, what, "");
  }

  @Test
  void the_window_ends_at_the_first_write_invoked_after_the_fault_that_succeeds() {
    write(0, 900, 990);
    op(Op.Type.INVOKE, 1, RegisterWorkload.WRITE, 2L, 995); // in flight at the fault, acknowledged late:
    op(Op.Type.INVOKE, 0, RegisterWorkload.READ, null, 1100);
    op(Op.Type.OK, 0, RegisterWorkload.READ, 1L, 1150); // a read does not count
    op(Op.Type.OK, 1, RegisterWorkload.WRITE, 2L, 1200); // invoked before the fault: does not count
    op(Op.Type.INVOKE, 2, RegisterWorkload.WRITE, 3L, 1300);
    op(Op.Type.INFO, 2, RegisterWorkload.WRITE, 3L, 1400); // not acknowledged
    write(3, 1500, 1750);
    Failover f = Failover.of(History.of(ops), List.of(event(FaultKind.KILL, "kill -9 n1 (leader)", 1000),
        event(FaultKind.KILL, "kill -9 n2", 1001)));
    assertEquals(1, f.windows().size(), "only the fault on the leader");
    assertEquals(0.750, f.windows().get(0).seconds(), 1e-9);
    Failover.Summary s = f.summary().get(FaultKind.KILL);
    assertEquals(1, s.faults());
    assertEquals(0.750, s.maxSeconds(), 1e-9);
  }

  @Test
  void list_append_transactions_count_only_with_an_append_and_unrecovered_faults_are_counted() {
    Keyword r = ListAppendWorkload.R;
    Keyword a = ListAppendWorkload.APPEND;
    op(Op.Type.INVOKE, 0, ListAppendWorkload.TXN, List.of(java.util.Arrays.asList(r, 1L, null)), 2100);
    op(Op.Type.OK, 0, ListAppendWorkload.TXN, List.of(List.of(r, 1L, List.of())), 2200);
    op(Op.Type.INVOKE, 0, ListAppendWorkload.TXN, List.of(java.util.Arrays.asList(r, 1L, null), List.of(a, 1L, 5L)), 2300);
    op(Op.Type.OK, 0, ListAppendWorkload.TXN, List.of(List.of(r, 1L, List.of()), List.of(a, 1L, 5L)), 2600);
    Failover f = Failover.of(History.of(ops), List.of(
        event(FaultKind.PARTITION, "partition isolate-leader (n3)", 2000),
        event(FaultKind.PAUSE, "pause n1 (leader)", 2700)));
    assertEquals(0.600, f.windows().get(0).seconds(), 1e-9);
    assertTrue(f.windows().get(0).recovered());
    assertFalse(f.windows().get(1).recovered());
    assertEquals(1, f.summary().get(FaultKind.PAUSE).unrecovered());
    assertTrue(Double.isNaN(f.summary().get(FaultKind.PAUSE).p50Seconds()));
  }
}
