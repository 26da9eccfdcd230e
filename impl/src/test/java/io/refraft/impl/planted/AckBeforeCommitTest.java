package io.refraft.impl.planted;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.refraft.impl.kv.Command;
import io.refraft.impl.kv.CommandCodec;
import io.refraft.impl.kv.KvOp;
import io.refraft.impl.kv.Result;
import io.refraft.impl.node.Proposals;
import io.refraft.impl.server.KvAnswers;
import io.refraft.impl.server.KvService;
import io.refraft.spec.Output;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class AckBeforeCommitTest {

  /** One proposal accepted at index 7 by {@code proposals}; its future. */
  private static CompletableFuture<Long> acceptOne(Proposals proposals) {
    CompletableFuture<Long> f = new CompletableFuture<>();
    proposals.hold(new byte[] {1}, f);
    Proposals.Batch batch = proposals.takeHeld();
    proposals.accepted(new Output.ProposalAccepted(7, 1, 2), batch);
    return f;
  }

  @Test
  void a_node_completes_a_proposal_only_once_applied() {
    Proposals p = Proposals.batched();
    CompletableFuture<Long> f = acceptOne(p);
    assertFalse(f.isDone());
    p.applied(7, 2);
    assertEquals(7L, f.getNow(null));
  }

  @Test
  void with_the_planted_bug_it_completes_when_appended() {
    CompletableFuture<Long> f = acceptOne(InjectedBug.ACK_BEFORE_COMMIT.proposals(Proposals.batched()));
    assertEquals(7L, f.getNow(null));
  }

  @Test
  void with_the_planted_bug_an_unapplied_index_is_answered_with_a_guess() {
    KvService service = new KvService();
    service.apply(1, CommandCodec.encode(Command.of(0, new KvOp.Put("k", "v"))));
    KvAnswers answers = InjectedBug.ACK_BEFORE_COMMIT.answers(service);
    assertEquals(Optional.of(new Result.Done()), answers.answer(1, new KvOp.Put("k", "v")), "applied: its result");
    assertEquals(Optional.of(new Result.CasFailed(Optional.of("v"))),
        answers.answer(2, new KvOp.Cas("k", Optional.of("w"), "x")), "not applied: a guess from the state");
    assertEquals(Optional.of(new Result.SessionOpened(3)), answers.answer(3, new KvOp.OpenSession()));
    assertTrue(service.answer(2, new KvOp.Cas("k", Optional.of("w"), "x")).isEmpty(), "the node itself does not guess");
  }
}
