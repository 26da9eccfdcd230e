package io.refraft.impl.kv;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** {@link KvStateMachine#restore}: the inverse of {@code snapshot()}, sessions included. */
class KvSnapshotTest {

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static String text(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }

  @Test
  void when_a_snapshot_is_restored_then_it_encodes_to_the_same_bytes_and_the_next_commands_answer_the_same() throws Exception {
    long seed = Long.getLong("refraft.seed", System.nanoTime());
    System.out.println("KvSnapshotTest seed=" + seed + " (rerun: -Drefraft.seed=" + seed + ")");
    SplittableRandom random = new SplittableRandom(seed);
    List<byte[]> log = KvStateMachineTest.randomLog(new SplittableRandom(seed), 1_500);
    for (int round = 0; round < 12; round++) {
      int cut = round == 0 ? 0 : 1 + random.nextInt(log.size() - 1);
      KvStateMachine original = new KvStateMachine(500, 8);
      for (int i = 0; i < cut; i++) {
        original.apply(i + 1, log.get(i));
      }
      KvStateMachine restored = new KvStateMachine(500, 8);
      restored.restore(original.snapshot());
      assertArrayEquals(original.snapshot(), restored.snapshot(), "seed " + seed + " cut " + cut);
      assertEquals(cut, restored.lastApplied());
      for (int i = cut; i < log.size(); i++) {
        assertEquals(original.apply(i + 1, log.get(i)), restored.apply(i + 1, log.get(i)),
            "seed " + seed + " cut " + cut + " entry " + (i + 1));
      }
      assertArrayEquals(original.snapshot(), restored.snapshot(), "seed " + seed + " cut " + cut + " at the end");
    }
  }

  @Test
  void when_a_retry_follows_a_restore_then_it_is_answered_from_the_session_not_applied_again() throws Exception {
    KvStateMachine before = new KvStateMachine(1_000, 3);
    long client = assertInstanceOf(Result.SessionOpened.class,
        before.apply(1, CommandCodec.encode(Command.of(0, new KvOp.OpenSession())))).clientId();
    byte[] append = CommandCodec.encode(Command.of(1, client, 1, new KvOp.Append("l", "x")));
    assertEquals(new Result.Done(), before.apply(2, append));
    byte[] cas = CommandCodec.encode(Command.of(2, client, 2, new KvOp.Txn(List.of(new MicroOp.R("l"),
        new MicroOp.Cas("k", Optional.empty(), "v")))));
    Result txn = before.apply(3, cas);
    assertInstanceOf(Result.TxnCommitted.class, txn);

    KvStateMachine after = new KvStateMachine(1_000, 3);
    after.restore(before.snapshot());
    assertEquals(txn, after.apply(4, cas), "the retry of seq 2 gets the stored answer, reads included");
    assertEquals(new Result.StaleRequest(client, 1, 2), after.apply(5, append), "seq 1 is older than the session's last");
    assertEquals(new Result.ListValue(List.of("x")), after.read(new KvOp.Read("l")), "nothing applied twice");
    assertEquals(new Result.RegisterValue(Optional.of("v")), after.read(new KvOp.Get("k")));
    assertEquals(6, after.apply(6, new byte[0]) instanceof Result.Done ? after.lastApplied() : -1,
        "apply continues after the snapshot's index");
  }

  @Test
  void when_a_snapshot_is_malformed_then_restore_names_the_field_and_changes_nothing() throws Exception {
    String ok = "{\"v\":1,\"applied\":3,\"clock\":9,\"data\":{\"a\":[\"1\"],\"b\":\"2\"},"
        + "\"sessions\":[{\"c\":1,\"q\":1,\"active\":8,\"result\":{\"type\":\"ok\"}}]}";
    String session = "{\"c\":1,\"q\":1,\"active\":8,\"result\":%s}";
    List<List<String>> cases = List.of(
        List.of("", ""),
        List.of("[]", ""),
        List.of(ok + " x", ""),
        List.of(ok.replace("\"v\":1", "\"v\":2"), "v"),
        List.of(ok.replace("\"clock\":9,", ""), "clock"),
        List.of(ok.replace("\"clock\":9", "\"clock\":-1"), "clock"),
        List.of(ok.replace("\"clock\":9", "\"clock\":9,\"extra\":0"), "extra"),
        List.of(ok.replace("{\"a\":[\"1\"],\"b\":\"2\"}", "[]"), "data"),
        List.of(ok.replace("\"b\":\"2\"", "\"b\":2"), "data[\"b\"]"),
        List.of(ok.replace("\"a\":[\"1\"],\"b\":\"2\"", "\"b\":\"2\",\"a\":[\"1\"]"), "data[\"a\"]"),
        List.of(ok.replace("\"a\":[\"1\"]", "\"\":[\"1\"]"), "data[\"\"]"),
        List.of(ok.replace("[\"1\"]", "[\"1\",null]"), "data[\"a\"][1]"),
        List.of(ok.replace("\"a\":[\"1\"]", "\"a\":[\"1\"],\"a\":\"3\""), "data[\"a\"]"),
        List.of(ok.replace("\"clock\":9", "\"clock\":9,\"clock\":9"), "clock"),
        List.of(ok.replace("\"q\":1", "\"q\":1,\"q\":1"), ""),
        List.of(ok.replace("\"c\":1", "\"c\":0"), "sessions[0].c"),
        List.of(ok.replace("}]}", "}," + String.format(session, "{\"type\":\"ok\"}") + "]}"), "sessions[1].c"),
        List.of(ok.replace("{\"type\":\"ok\"}", "{\"type\":\"maybe\"}"), "sessions[0].result.type"),
        List.of(ok.replace("{\"type\":\"ok\"}", "{\"type\":\"value\"}"), "sessions[0].result.value"),
        List.of(ok.replace("{\"type\":\"ok\"}", "{\"type\":\"ok\",\"value\":\"1\"}"), "sessions[0].result.value"),
        List.of(ok.replace("{\"type\":\"ok\"}", "{\"type\":\"txn\",\"value\":[[\"rw\",\"k\",null]]}"),
            "sessions[0].result.value[0][0]"),
        List.of(ok.replace("{\"type\":\"ok\"}", "{\"type\":\"txn\",\"value\":[[\"r\",\"k\",7]]}"),
            "sessions[0].result.value[0][2]"),
        List.of(ok.replace("{\"type\":\"ok\"}", "{\"type\":\"stale-request\",\"client\":1,\"seq\":1}"),
            "sessions[0].result.last"));
    KvStateMachine sm = new KvStateMachine(1_000, 3);
    sm.restore(utf8(ok));
    assertEquals(ok, text(sm.snapshot()), "the valid base case restores");
    for (List<String> c : cases) {
      MalformedSnapshotException e = assertThrows(MalformedSnapshotException.class, () -> sm.restore(utf8(c.get(0))),
          c.get(0));
      assertEquals(c.get(1), e.field(), e.getMessage());
      assertTrue(e.getMessage().startsWith("malformed KV snapshot"), e.getMessage());
      assertEquals(ok, text(sm.snapshot()), "a refused snapshot changes nothing: " + c.get(0));
    }
  }

  @Test
  void when_a_snapshot_holds_more_sessions_than_the_maximum_then_restore_refuses_it() throws Exception {
    KvStateMachine big = new KvStateMachine(1_000, 5);
    for (int i = 1; i <= 4; i++) {
      big.apply(i, CommandCodec.encode(Command.of(0, new KvOp.OpenSession())));
    }
    KvStateMachine small = new KvStateMachine(1_000, 3);
    MalformedSnapshotException e = assertThrows(MalformedSnapshotException.class, () -> small.restore(big.snapshot()));
    assertEquals("sessions", e.field());
    assertEquals(0, small.lastApplied());
  }
}
