package io.refraft.verification.trace;

import io.refraft.spec.Input;
import io.refraft.spec.NodeId;
import io.refraft.spec.NodeState;
import io.refraft.traces.TraceStep;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Explains an observed step that no single spec step explains by a short composition of spec
 * steps, as CCF's trace validation does for coarse-grained implementation events. A composition
 * is the step's own input with up to {@code k - 1} internal events around it: timer events the
 * implementation took without logging them (an election or send timeout just before the logged
 * input, e.g. a missed ElectionTimeout before a vote request is sent) or that it folds into the
 * logged step (sending to peers right after a receive or a proposal, as an eager implementation
 * does when the header's config says eagerSend=false). A received message, a proposal or a
 * restart is never invented: each appears exactly once, as the logged input.
 *
 * <p>Shorter compositions are tried first, and among equally long ones fewer events before the
 * input first, so the explanation found is a smallest one.
 */
final class Composer {
  private final int maxCompose;
  private final Composite.Stepping stepping;
  private final List<Input> internal;

  Composer(List<NodeId> members, NodeId self, int maxCompose, Composite.Stepping stepping) {
    this.maxCompose = maxCompose;
    this.stepping = stepping;
    List<Input> in = new ArrayList<>();
    in.add(new Input.ElectionTimeout());
    in.add(Input.HeartbeatTimeout.all());
    for (NodeId p : members) {
      if (!p.equals(self)) {
        in.add(Input.HeartbeatTimeout.to(p));
      }
    }
    this.internal = List.copyOf(in);
  }

  /** A composition of 2..k spec steps that matches {@code observed}, if any. */
  Optional<Composite> explain(NodeState s, Input input, TraceStep observed) {
    if (input instanceof Input.Restart || input instanceof Input.Persisted) {
      return Optional.empty();
    }
    for (int len = 2; len <= maxCompose; len++) {
      for (int before = 0; before < len; before++) {
        Optional<Composite> c = prefix(s, null, before, input, len - 1 - before, observed);
        if (c.isPresent()) {
          return c;
        }
      }
    }
    return Optional.empty();
  }

  private Optional<Composite> prefix(NodeState s, Composite sofar, int before, Input input, int after,
      TraceStep observed) {
    if (before == 0) {
      Composite c = sofar == null ? Composite.single(stepping, s, input) : sofar.then(input);
      return suffix(c, after, observed);
    }
    for (Input t : internal) {
      Composite c = sofar == null ? Composite.single(stepping, s, t) : sofar.then(t);
      Optional<Composite> r = prefix(s, c, before - 1, input, after, observed);
      if (r.isPresent()) {
        return r;
      }
    }
    return Optional.empty();
  }

  private Optional<Composite> suffix(Composite c, int after, TraceStep observed) {
    if (after == 0) {
      return Comparison.compare(c, observed).matches() ? Optional.of(c) : Optional.empty();
    }
    for (Input t : internal) {
      Optional<Composite> r = suffix(c.then(t), after - 1, observed);
      if (r.isPresent()) {
        return r;
      }
    }
    return Optional.empty();
  }
}
