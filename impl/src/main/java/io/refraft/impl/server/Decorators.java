package io.refraft.impl.server;

import io.refraft.impl.http.Handler;
import io.refraft.impl.node.Driver;
import io.refraft.impl.node.Proposals;
import io.refraft.impl.node.Reads;
import io.refraft.impl.node.StateMachine;
import io.refraft.impl.node.StepFunction;
import io.refraft.impl.node.TraceSink;
import io.refraft.impl.storage.Storage;

/**
 * Wrappers a node's composition root applies to its collaborators as it builds them:
 * {@link NodeServer} for a real node, the deterministic simulator for its nodes. Every method
 * returns what it is given unless overridden; a node runs with {@link #NONE}. The one other
 * implementation is the test instruments' ({@code impl.planted}, the planted bugs of
 * {@code --inject-bug}), so production classes carry no bug flags: a bug is a wrapper, as the
 * spec's mutants are.
 */
public interface Decorators {

  /** No wrapper: the node as it is. */
  Decorators NONE = new Decorators() {};

  /** The driver's protocol step. */
  default StepFunction step(StepFunction step) {
    return step;
  }

  /** The driver's trace sink (not {@link TraceSink#OFF}, which is never wrapped). */
  default TraceSink trace(TraceSink trace) {
    return trace;
  }

  /** The driver's client proposals. */
  default Proposals proposals(Proposals proposals) {
    return proposals;
  }

  /** The driver's client reads. */
  default Reads reads(Reads reads) {
    return reads;
  }

  /** The storage the driver writes to (under the simulator's disk view, over the real disk). */
  default Storage storage(Storage storage) {
    return storage;
  }

  /** The KV service as the driver applies committed commands to it. */
  default StateMachine stateMachine(StateMachine service) {
    return service;
  }

  /** The KV service as clients' requests see it. */
  default KvAnswers answers(KvService service) {
    return service;
  }

  /** The HTTP API's request handler. */
  default Handler http(Handler handler) {
    return handler;
  }

  /** A new driver's {@link Driver.Parts}: the standard ones, wrapped by {@code d}. */
  static Driver.Parts driverParts(Decorators d) {
    Driver.Parts p = Driver.Parts.standard();
    return new Driver.Parts(d.step(p.step()), d.proposals(p.proposals()), d.reads(p.reads()));
  }
}
