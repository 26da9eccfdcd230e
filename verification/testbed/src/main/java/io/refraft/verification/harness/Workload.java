package io.refraft.verification.harness;

import io.refraft.impl.client.DefiniteFailure;
import io.refraft.impl.client.IndeterminateFailure;
import io.refraft.impl.client.RefraftClient;
import io.refraft.verification.history.History;
import io.refraft.verification.history.Keyword;
import io.refraft.verification.history.Op;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import java.util.function.Supplier;

/**
 * What the clients do and how their history is checked. Implementations are thread-safe: the
 * clients draw their next operation concurrently.
 */
public sealed interface Workload permits ListAppendWorkload, RegisterWorkload {

  /** An operation to invoke: Jepsen's {@code :f} and {@code :value}. */
  record Invocation(Keyword f, Object value) {
    public Invocation {
      Objects.requireNonNull(f, "f");
    }
  }

  /** How it ended: {@code :ok} with the value read, {@code :fail} (did not happen) or {@code :info} (unknown). */
  record Completion(Op.Type type, Object value, String error) {
    public Completion {
      if (type == Op.Type.INVOKE) {
        throw new IllegalArgumentException("a completion is ok, fail or info");
      }
    }
  }

  /**
   * A checker's verdict on the history.
   *
   * @param checker      what checked it, e.g. {@code elle strict-serializable}
   * @param anomalyTypes names of the anomalies found (Elle's types, or {@code nonlinearizable})
   * @param explanations prose a reader can check by hand, at most a few per type
   * @param summary      one line
   * @param artifacts    files written beside the report (explanations, timelines), relative to it
   */
  record Check(String checker, Validity validity, List<String> anomalyTypes, List<String> explanations,
      String summary, List<String> artifacts) {
    public Check {
      Objects.requireNonNull(validity, "validity");
      anomalyTypes = List.copyOf(anomalyTypes);
      explanations = List.copyOf(explanations);
      artifacts = List.copyOf(artifacts);
    }
  }

  /** The next operation of a client, drawn with {@code rnd}. */
  Invocation next(Random rnd);

  /** Runs {@code op} through {@code client}; never throws for a failed request. */
  Completion run(RefraftClient client, Invocation op);

  /** A read of every key the run touched, invoked after the last heal. */
  List<Invocation> finalReads();

  /** A write to a fresh key: the liveness probe after the last heal. */
  Invocation livenessWrite();

  /** Checks the client history; writes explanation files under {@code dir}. */
  Check check(History history, Path dir, Duration timeout) throws IOException;

  /** A workload by its command-line name. */
  static Workload named(String name) {
    return switch (name) {
      case "list-append" -> new ListAppendWorkload();
      case "register" -> new RegisterWorkload();
      default -> throw new IllegalArgumentException("unknown workload '" + name + "'; known: list-append, register");
    };
  }

  /**
   * Maps the client's exceptions to Jepsen's types: a definite failure (400, 409, 503 until the
   * deadline, nothing reached a node) is {@code :fail}; an indeterminate one (timeout or lost
   * connection after sending, 504) and anything unexpected are {@code :info}.
   */
  static Completion attempt(Supplier<Object> call) {
    try {
      return new Completion(Op.Type.OK, call.get(), null);
    } catch (DefiniteFailure e) {
      return new Completion(Op.Type.FAIL, null, e.status() == 409 ? "conflict" : "http-" + e.status());
    } catch (IndeterminateFailure e) {
      return new Completion(Op.Type.INFO, null, "indeterminate");
    } catch (RuntimeException e) {
      return new Completion(Op.Type.INFO, null, e.getClass().getSimpleName());
    }
  }
}
