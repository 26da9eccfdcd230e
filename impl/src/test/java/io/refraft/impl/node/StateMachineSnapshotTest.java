package io.refraft.impl.node;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.refraft.impl.kv.Command;
import io.refraft.impl.kv.CommandCodec;
import io.refraft.impl.kv.KvOp;
import io.refraft.impl.server.KvService;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Snapshots of the node's state machines: the recorder, the KV service and the two chained. */
class StateMachineSnapshotTest {

  private static byte[] put(String key, String value) {
    return CommandCodec.encode(Command.of(0, new KvOp.Put(key, value)));
  }

  @Test
  void when_the_node_state_machine_is_restored_then_count_digest_and_data_continue_as_before() throws IOException {
    for (boolean keep : new boolean[] {false, true}) {
      RecordingStateMachine recA = new RecordingStateMachine(keep);
      KvService kvA = new KvService();
      StateMachine a = recA.andThen(kvA);
      a.apply(1, put("x", "1"));
      a.apply(3, put("y", "2")); // index 2 was a no-op the driver did not pass on
      RecordingStateMachine recB = new RecordingStateMachine(keep);
      KvService kvB = new KvService();
      StateMachine b = recB.andThen(kvB);
      b.restore(3, a.snapshot());
      assertArrayEquals(a.snapshot(), b.snapshot(), "keep " + keep);
      a.apply(4, put("x", "3"));
      b.apply(4, put("x", "3"));
      assertEquals(recA.digest(), recB.digest());
      assertEquals(recA.count(), recB.count());
      assertEquals(3, recB.count());
      assertEquals(kvA.read(new KvOp.Get("x")), kvB.read(new KvOp.Get("x")));
      assertEquals(recA.applied().size(), recB.applied().size());
    }
  }

  @Test
  void when_a_snapshot_is_cut_or_not_a_snapshot_then_restore_says_so() {
    StateMachine sm = new RecordingStateMachine(false).andThen(new KvService());
    sm.apply(1, put("x", "1"));
    byte[] good = sm.snapshot();
    StateMachine fresh = new RecordingStateMachine(false).andThen(new KvService());
    for (int cut : new int[] {0, 3, 10, 24}) {
      assertThrows(IOException.class, () -> fresh.restore(1, Arrays.copyOf(good, cut)), "cut " + cut);
    }
    byte[] wrongIndex = good.clone();
    IOException e = assertThrows(IOException.class, () -> new KvService().restore(0,
        Arrays.copyOfRange(wrongIndex, 4 + 20, wrongIndex.length)));
    assertEquals(true, e.getMessage().contains("taken at index 1"), e.getMessage());
    IOException json = assertThrows(IOException.class, () -> new KvService().restore(1, "{}".getBytes(StandardCharsets.UTF_8)));
    assertEquals(true, json.getMessage().contains("missing"), json.getMessage());
  }
}
