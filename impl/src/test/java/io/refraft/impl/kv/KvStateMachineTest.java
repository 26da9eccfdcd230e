package io.refraft.impl.kv;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class KvStateMachineTest {
  private final KvStateMachine sm = new KvStateMachine(1_000, 3);
  private long index;

  private Result apply(Command c) {
    return sm.apply(++index, CommandCodec.encode(c));
  }

  private Result apply(KvOp op) {
    return apply(Command.of(0, op));
  }

  private static Result.RegisterValue value(String v) {
    return new Result.RegisterValue(Optional.ofNullable(v));
  }

  // --- registers and lists ---

  @Test
  void when_a_register_is_put_then_get_returns_it_and_delete_removes_it() {
    assertEquals(value(null), apply(new KvOp.Get("x")));
    assertEquals(new Result.Done(), apply(new KvOp.Put("x", "1")));
    assertEquals(value("1"), apply(new KvOp.Get("x")));
    assertEquals(new Result.Done(), apply(new KvOp.Delete("x")));
    assertEquals(value(null), apply(new KvOp.Get("x")));
  }

  @Test
  void when_cas_expects_the_current_value_then_it_swaps_else_it_reports_the_actual_value() {
    assertEquals(new Result.CasFailed(Optional.empty()), apply(new KvOp.Cas("x", Optional.of("0"), "1")));
    assertEquals(new Result.Done(), apply(new KvOp.Cas("x", Optional.empty(), "1")));
    assertEquals(new Result.CasFailed(Optional.of("1")), apply(new KvOp.Cas("x", Optional.of("0"), "2")));
    assertEquals(value("1"), apply(new KvOp.Get("x")));
    assertEquals(new Result.Done(), apply(new KvOp.Cas("x", Optional.of("1"), "2")));
    assertEquals(value("2"), apply(new KvOp.Get("x")));
  }

  @Test
  void when_values_are_appended_then_the_list_keeps_their_order() {
    assertEquals(new Result.ListValue(List.of()), apply(new KvOp.Read("l")));
    apply(new KvOp.Append("l", "3"));
    apply(new KvOp.Append("l", "1"));
    apply(new KvOp.Append("l", "2"));
    assertEquals(new Result.ListValue(List.of("3", "1", "2")), apply(new KvOp.Read("l")));
  }

  @Test
  void when_an_operation_meets_a_key_of_the_other_kind_then_it_is_a_type_mismatch_and_changes_nothing() {
    apply(new KvOp.Put("r", "1"));
    apply(new KvOp.Append("l", "1"));
    assertInstanceOf(Result.TypeMismatch.class, apply(new KvOp.Append("r", "2")));
    assertInstanceOf(Result.TypeMismatch.class, apply(new KvOp.Read("r")));
    assertInstanceOf(Result.TypeMismatch.class, apply(new KvOp.Put("l", "2")));
    assertInstanceOf(Result.TypeMismatch.class, apply(new KvOp.Get("l")));
    assertInstanceOf(Result.TypeMismatch.class, apply(new KvOp.Cas("l", Optional.empty(), "2")));
    assertEquals(value("1"), apply(new KvOp.Get("r")));
    assertEquals(new Result.ListValue(List.of("1")), apply(new KvOp.Read("l")));
  }

  // --- transactions ---

  @Test
  void when_a_txn_commits_then_reads_see_its_own_earlier_writes_and_all_writes_land() {
    apply(new KvOp.Append("x", "0"));
    Result r = apply(new KvOp.Txn(List.of(new MicroOp.Append("x", "1"), new MicroOp.R("x"), new MicroOp.W("y", "a"),
        new MicroOp.R("y"), new MicroOp.R("z"))));
    assertEquals(new Result.TxnCommitted(List.of(
        new Result.Completed(new MicroOp.Append("x", "1"), Optional.empty()),
        new Result.Completed(new MicroOp.R("x"), Optional.of(new Value.Items(List.of("0", "1")))),
        new Result.Completed(new MicroOp.W("y", "a"), Optional.empty()),
        new Result.Completed(new MicroOp.R("y"), Optional.of(new Value.Register("a"))),
        new Result.Completed(new MicroOp.R("z"), Optional.empty()))), r);
    assertEquals(new Result.ListValue(List.of("0", "1")), apply(new KvOp.Read("x")));
    assertEquals(value("a"), apply(new KvOp.Get("y")));
    assertEquals("{\"type\":\"txn\",\"value\":[[\"append\",\"x\",\"1\"],[\"r\",\"x\",[\"0\",\"1\"]],[\"w\",\"y\",\"a\"],"
        + "[\"r\",\"y\",\"a\"],[\"r\",\"z\",null]]}", new String(ResultCodec.encode(r), StandardCharsets.UTF_8));
  }

  @Test
  void when_a_txn_cas_fails_late_then_none_of_its_earlier_writes_take_effect() {
    apply(new KvOp.Put("c", "old"));
    byte[] before = sm.snapshot();
    Result r = apply(new KvOp.Txn(List.of(new MicroOp.W("a", "1"), new MicroOp.Append("b", "1"),
        new MicroOp.Cas("c", Optional.of("new"), "newer"))));
    assertEquals(2, assertInstanceOf(Result.TxnAborted.class, r).opIndex());
    assertEquals(value(null), apply(new KvOp.Get("a")));
    assertEquals(new Result.ListValue(List.of()), apply(new KvOp.Read("b")));
    assertEquals(value("old"), apply(new KvOp.Get("c")));
    assertEquals(new String(before, StandardCharsets.UTF_8).replace("\"applied\":1", "\"applied\":5"),
        new String(sm.snapshot(), StandardCharsets.UTF_8), "an aborted txn leaves the data untouched");
  }

  @Test
  void when_a_txn_cas_follows_its_own_write_then_it_sees_that_write() {
    Result r = apply(new KvOp.Txn(List.of(new MicroOp.W("k", "1"), new MicroOp.Cas("k", Optional.of("1"), "2"))));
    assertInstanceOf(Result.TxnCommitted.class, r);
    assertEquals(value("2"), apply(new KvOp.Get("k")));
  }

  @Test
  void when_a_txn_has_a_type_error_then_it_aborts_whole() {
    apply(new KvOp.Put("r", "1"));
    Result r = apply(new KvOp.Txn(List.of(new MicroOp.Append("l", "1"), new MicroOp.Append("r", "2"))));
    assertEquals(1, assertInstanceOf(Result.TxnAborted.class, r).opIndex());
    assertEquals(new Result.ListValue(List.of()), apply(new KvOp.Read("l")));
  }

  // --- sessions ---

  private long openSession(long time) {
    return assertInstanceOf(Result.SessionOpened.class, apply(Command.of(time, new KvOp.OpenSession()))).clientId();
  }

  @Test
  void when_a_session_request_is_retried_then_it_is_answered_from_the_session_not_applied_again() {
    long c = openSession(0);
    assertEquals(1, c, "a session's id is the index of the entry that opened it");
    assertEquals(new Result.Done(), apply(Command.of(1, c, 1, new KvOp.Append("l", "x"))));
    assertEquals(new Result.Done(), apply(Command.of(2, c, 1, new KvOp.Append("l", "x"))));
    assertEquals(new Result.ListValue(List.of("x")), apply(new KvOp.Read("l")), "the retry was not applied");
    assertEquals(new Result.CasFailed(Optional.empty()), apply(Command.of(3, c, 2, new KvOp.Cas("k", Optional.of("a"), "b"))));
    apply(new KvOp.Put("k", "a"));
    assertEquals(new Result.CasFailed(Optional.empty()), apply(Command.of(4, c, 2, new KvOp.Cas("k", Optional.of("a"), "b"))),
        "a retry gets the original answer even though the state changed since");
    assertEquals(value("a"), apply(new KvOp.Get("k")));
  }

  @Test
  void when_a_request_is_older_than_the_sessions_last_then_it_is_neither_applied_nor_answered() {
    long c = openSession(0);
    apply(Command.of(0, c, 5, new KvOp.Append("l", "5")));
    assertEquals(new Result.StaleRequest(c, 4, 5), apply(Command.of(0, c, 4, new KvOp.Append("l", "4"))));
    assertEquals(new Result.ListValue(List.of("5")), apply(new KvOp.Read("l")));
  }

  @Test
  void when_a_session_is_idle_longer_than_the_ttl_by_the_log_clock_then_it_expires() {
    long c = openSession(10_000);
    apply(Command.of(10_500, c, 1, new KvOp.Put("k", "1")));
    apply(Command.of(11_500, new KvOp.Get("k"))); // idle exactly the ttl (1000): still alive
    assertEquals(new Result.Done(), apply(Command.of(11_500, c, 1, new KvOp.Put("k", "1"))));
    apply(Command.of(12_501, new KvOp.Get("k"))); // idle 1001 ms by the log clock
    assertEquals(new Result.SessionExpired(c), apply(Command.of(12_501, c, 2, new KvOp.Put("k", "2"))));
    assertEquals(value("1"), apply(new KvOp.Get("k")), "a request of an expired session is not applied");
  }

  @Test
  void when_a_leader_clock_runs_behind_then_the_log_clock_does_not_go_back() {
    long c = openSession(5_000);
    apply(Command.of(100, new KvOp.Get("k")));
    assertEquals(5_000, sm.clock());
    assertEquals(new Result.Done(), apply(Command.of(100, c, 1, new KvOp.Put("k", "1"))), "the session is still alive");
  }

  @Test
  void when_more_sessions_open_than_allowed_then_the_least_recently_active_expires() {
    long a = openSession(0);
    long b = openSession(0);
    long c = openSession(0);
    apply(Command.of(1, a, 1, new KvOp.Put("k", "a")));
    long d = openSession(2); // b is now the least recently active (time 0, smaller id than c)
    assertEquals(new Result.SessionExpired(b), apply(Command.of(2, b, 1, new KvOp.Put("k", "b"))));
    assertEquals(new Result.Done(), apply(Command.of(2, c, 1, new KvOp.Put("k", "c"))));
    assertEquals(new Result.Done(), apply(Command.of(2, d, 1, new KvOp.Put("k", "d"))));
    assertEquals(new Result.Done(), apply(Command.of(2, a, 1, new KvOp.Put("k", "a"))));
  }

  @Test
  void when_an_unknown_session_is_named_then_the_request_is_refused() {
    assertEquals(new Result.SessionExpired(42), apply(Command.of(0, 42, 1, new KvOp.Put("k", "1"))));
    assertEquals(value(null), apply(new KvOp.Get("k")));
  }

  // --- the apply contract ---

  @Test
  void when_entries_are_applied_out_of_order_or_twice_then_apply_refuses() {
    apply(new KvOp.Put("k", "1"));
    assertThrows(IllegalStateException.class, () -> sm.apply(1, CommandCodec.encode(Command.of(0, new KvOp.Get("k")))));
    assertThrows(IllegalStateException.class, () -> sm.apply(3, CommandCodec.encode(Command.of(0, new KvOp.Get("k")))));
  }

  @Test
  void when_an_entry_is_empty_or_undecodable_then_it_consumes_its_index_and_changes_nothing() {
    byte[] before = sm.snapshot();
    assertEquals(new Result.Done(), sm.apply(1, new byte[0]));
    assertInstanceOf(Result.Invalid.class, sm.apply(2, "{\"v\":9}".getBytes(StandardCharsets.UTF_8)));
    assertEquals(2, sm.lastApplied());
    assertEquals(new String(before, StandardCharsets.UTF_8).replace("\"applied\":0", "\"applied\":2"),
        new String(sm.snapshot(), StandardCharsets.UTF_8));
  }

  @Test
  void when_a_read_only_op_is_read_locally_then_it_answers_and_a_write_is_refused() {
    apply(new KvOp.Put("k", "1"));
    assertEquals(value("1"), sm.read(new KvOp.Get("k")));
    assertInstanceOf(Result.TxnCommitted.class, sm.read(new KvOp.Txn(List.of(new MicroOp.R("k")))));
    assertThrows(IllegalArgumentException.class, () -> sm.read(new KvOp.Put("k", "2")));
    assertThrows(IllegalArgumentException.class, () -> sm.read(new KvOp.Txn(List.of(new MicroOp.R("k"), new MicroOp.W("k", "2")))));
  }

  // --- determinism ---

  @Test
  void when_two_replicas_apply_the_same_log_then_their_snapshots_are_byte_identical() {
    long seed = Long.getLong("refraft.seed", System.nanoTime());
    System.out.println("KvStateMachineTest seed=" + seed + " (rerun: -Drefraft.seed=" + seed + ")");
    List<byte[]> log = randomLog(new SplittableRandom(seed), 3_000);
    KvStateMachine a = new KvStateMachine(500, 8);
    KvStateMachine b = new KvStateMachine(500, 8);
    List<String> resultsA = new ArrayList<>();
    for (int i = 0; i < log.size(); i++) {
      resultsA.add(new String(ResultCodec.encode(a.apply(i + 1, log.get(i))), StandardCharsets.UTF_8));
    }
    SplittableRandom reads = new SplittableRandom(seed + 1);
    for (int i = 0; i < log.size(); i++) {
      assertEquals(resultsA.get(i), new String(ResultCodec.encode(b.apply(i + 1, log.get(i))), StandardCharsets.UTF_8),
          "seed " + seed + " entry " + (i + 1));
      b.read(new KvOp.Get("r" + reads.nextInt(4))); // local reads must not change anything
    }
    assertArrayEquals(a.snapshot(), b.snapshot(), "seed " + seed);
    String snap = new String(a.snapshot(), StandardCharsets.UTF_8);
    assertFalse(resultsA.stream().allMatch(r -> r.equals(resultsA.get(0))), "the log exercised nothing");
    // Sessions were exercised (whether any outlives the log's last clock jump depends on the seed).
    assertTrue(resultsA.stream().anyMatch(r -> r.contains("\"type\":\"session\"")), "seed " + seed + ": no session opened");
    assertTrue(snap.contains("\"sessions\":["), "seed " + seed + ": " + snap);
  }

  /** A random log over few keys: every op kind, sessions with retries, and a clock that sometimes jumps. */
  static List<byte[]> randomLog(SplittableRandom r, int n) {
    List<byte[]> log = new ArrayList<>();
    List<Long> clients = new ArrayList<>();
    long time = 0;
    for (int i = 1; i <= n; i++) {
      time += r.nextInt(10) == 0 ? r.nextInt(600) : r.nextInt(5);
      KvOp op = switch (r.nextInt(8)) {
        case 0 -> new KvOp.Put("r" + r.nextInt(4), "" + r.nextInt(5));
        case 1 -> new KvOp.Cas("r" + r.nextInt(4), r.nextBoolean() ? Optional.empty() : Optional.of("" + r.nextInt(5)),
            "" + r.nextInt(5));
        case 2 -> new KvOp.Append("l" + r.nextInt(3), "" + i);
        case 3 -> new KvOp.Delete((r.nextBoolean() ? "r" : "l") + r.nextInt(3));
        case 4 -> new KvOp.Txn(List.of(new MicroOp.Append("l" + r.nextInt(3), "" + i), new MicroOp.R("l" + r.nextInt(3)),
            new MicroOp.Cas("r" + r.nextInt(4), Optional.of("" + r.nextInt(5)), "" + i)));
        case 5 -> new KvOp.OpenSession();
        case 6 -> new KvOp.Get("r" + r.nextInt(4));
        default -> new KvOp.Read("l" + r.nextInt(3));
      };
      Command c;
      if (op instanceof KvOp.OpenSession) {
        clients.add((long) i);
        c = Command.of(time, op);
      } else if (!clients.isEmpty() && r.nextBoolean()) {
        long client = clients.get(r.nextInt(clients.size()));
        c = Command.of(time, client, 1 + i / 3 + r.nextInt(2), op); // seq repeats: retries and stale requests
      } else {
        c = Command.of(time, op);
      }
      log.add(CommandCodec.encode(c));
    }
    return log;
  }

  @Test
  void when_a_small_log_is_applied_then_the_snapshot_is_the_documented_canonical_form() {
    long c = openSession(7);
    apply(Command.of(8, c, 1, new KvOp.Put("b", "2")));
    apply(Command.of(9, new KvOp.Append("a", "1")));
    assertEquals("{\"v\":1,\"applied\":3,\"clock\":9,\"data\":{\"a\":[\"1\"],\"b\":\"2\"},"
        + "\"sessions\":[{\"c\":1,\"q\":1,\"active\":8,\"result\":{\"type\":\"ok\"}}]}",
        new String(sm.snapshot(), StandardCharsets.UTF_8));
  }

  @Test
  void when_previewing_an_operation_then_its_answer_is_given_and_nothing_changes() {
    apply(new KvOp.Put("r", "1"));
    byte[] before = sm.snapshot();
    assertEquals(new Result.Done(), sm.preview(new KvOp.Cas("r", Optional.of("1"), "2")));
    assertEquals(new Result.CasFailed(Optional.of("1")), sm.preview(new KvOp.Cas("r", Optional.of("0"), "2")));
    assertArrayEquals(before, sm.snapshot());
  }
}
