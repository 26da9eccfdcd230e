package io.refraft.impl.planted;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.refraft.impl.kv.Command;
import io.refraft.impl.kv.CommandCodec;
import io.refraft.impl.kv.KvOp;
import io.refraft.impl.kv.Result;
import io.refraft.impl.node.StateMachine;
import io.refraft.impl.server.KvService;
import java.util.List;
import org.junit.jupiter.api.Test;

class NoSessionTest {

  private static void applyRetriedAppend(StateMachine sm) {
    sm.apply(1, CommandCodec.encode(Command.of(0, new KvOp.OpenSession())));
    byte[] append = CommandCodec.encode(Command.of(0, 1, 1, new KvOp.Append("l", "x")));
    sm.apply(2, append);
    sm.apply(3, append);
  }

  @Test
  void when_sessions_are_ignored_by_the_planted_bug_then_a_retry_is_applied_twice() {
    KvService service = new KvService();
    applyRetriedAppend(InjectedBug.NO_SESSION.stateMachine(service));
    assertEquals(new Result.ListValue(List.of("x", "x")), service.read(new KvOp.Read("l")));
  }

  @Test
  void without_the_bug_the_session_answers_the_retry() {
    KvService service = new KvService();
    applyRetriedAppend(service);
    assertEquals(new Result.ListValue(List.of("x")), service.read(new KvOp.Read("l")));
  }

  @Test
  void a_payload_that_is_not_a_command_passes_unchanged() {
    byte[] junk = {1, 2, 3};
    assertEquals(junk, NoSession.withoutSession(junk));
    byte[] untagged = CommandCodec.encode(Command.of(4, new KvOp.Put("k", "v")));
    assertEquals(untagged, NoSession.withoutSession(untagged));
  }
}
