package io.refraft.impl.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.refraft.impl.kv.Command;
import io.refraft.impl.kv.CommandCodec;
import io.refraft.impl.kv.KvOp;
import io.refraft.impl.kv.Result;
import io.refraft.impl.node.RecordingStateMachine;
import io.refraft.impl.node.StateMachine;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class KvServiceTest {
  private static byte[] put(String k, String v) {
    return CommandCodec.encode(Command.of(0, new KvOp.Put(k, v)));
  }

  @Test
  void indexesTheDriverSkipsAreAppliedAsNoOps() {
    KvService s = new KvService();
    RecordingStateMachine recording = new RecordingStateMachine(false);
    StateMachine node = recording.andThen(s); // as the composition roots build it
    node.apply(2, put("x", "1")); // index 1 was the leader's no-op
    node.apply(5, put("x", "2"));
    assertEquals(5, s.lastApplied());
    assertEquals(new Result.RegisterValue(Optional.of("2")), s.read(new KvOp.Get("x")));
    assertEquals(2, recording.count(), "the digest covers client commands only, as before");
  }

  @Test
  void eachIndexKeepsItsResultUntilTheRingWrapsAround() {
    KvService s = new KvService();
    s.apply(1, CommandCodec.encode(Command.of(0, new KvOp.Cas("x", Optional.of("0"), "1"))));
    s.apply(2, put("x", "1"));
    assertEquals(Optional.of(new Result.CasFailed(Optional.empty())), s.result(1));
    assertEquals(Optional.of(new Result.Done()), s.result(2));
    assertEquals(Optional.empty(), s.result(3), "not applied yet");
    s.apply(2 + (1 << 16), put("x", "2"));
    assertEquals(Optional.empty(), s.result(2), "overwritten by the index 2^16 later");
  }
}
