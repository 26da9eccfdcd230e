package io.refraft.impl.planted;

import io.refraft.impl.kv.KvOp;
import io.refraft.impl.kv.Result;
import io.refraft.impl.node.Proposals;
import io.refraft.impl.server.KvAnswers;
import io.refraft.impl.server.KvService;
import io.refraft.spec.NodeState;
import io.refraft.spec.Output;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/** The {@code ack-before-commit} bug's wrappers ({@link InjectedBug#ACK_BEFORE_COMMIT}). */
final class AckBeforeCommit {
  private AckBeforeCommit() {}

  /** A driver's proposals that complete with their index as soon as the spec appends them. */
  static final class Acks implements Proposals {
    private final Proposals proposals;
    private final InjectedBug.Fired fired;

    Acks(Proposals proposals, InjectedBug.Fired fired) {
      this.proposals = proposals;
      this.fired = fired;
    }

    @Override
    public void accepted(Output.ProposalAccepted a, Batch batch) {
      proposals.accepted(a, batch);
      fired.times(a.count());
      for (int i = 0; i < a.count(); i++) {
        batch.results().get(i).complete(a.firstIndex() + i); // acknowledged before it is committed
      }
    }

    @Override
    public void hold(byte[] command, CompletableFuture<Long> result) {
      proposals.hold(command, result);
    }

    @Override
    public boolean anyHeld() {
      return proposals.anyHeld();
    }

    @Override
    public boolean mayPropose(NodeState s) {
      return proposals.mayPropose(s);
    }

    @Override
    public Batch takeHeld() {
      return proposals.takeHeld();
    }

    @Override
    public void rejected(Output.ProposalRejected r, Batch batch) {
      proposals.rejected(r, batch);
    }

    @Override
    public void truncated(long index, Exception cause) {
      proposals.truncated(index, cause);
    }

    @Override
    public void applied(long index, long term) {
      proposals.applied(index, term); // completing an acknowledged future again does nothing
    }

    @Override
    public void failAll(Exception cause) {
      proposals.failAll(cause);
    }
  }

  /**
   * The service's answers to such early acknowledgements: for an index not applied yet, what
   * applying the op now would answer (a new session's id is its index), a guess from the current
   * state; otherwise the service's own answer.
   */
  static final class Guesses implements KvAnswers {
    private final KvService service;

    Guesses(KvService service) {
      this.service = service;
    }

    @Override
    public Optional<Result> answer(long index, KvOp op) {
      synchronized (service) { // one step against the applies (KvService's monitor)
        Optional<Result> r = service.result(index);
        if (r.isEmpty() && index > service.lastApplied()) {
          return Optional.of(op instanceof KvOp.OpenSession ? new Result.SessionOpened(index) : service.preview(op));
        }
        return r;
      }
    }

    @Override
    public Result read(KvOp op) {
      return service.read(op);
    }
  }
}
