package io.refraft.cli;

import io.refraft.verification.history.History;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A transactional-consistency checker (the Elle port) as {@code refraft check} calls it for the
 * {@code list-append} and {@code rw-register} workloads. The CLI owns this interface so that the
 * checker packages need not know the command line.
 */
public interface TxnChecker {

  /** Elle's three answers. */
  enum Validity { VALID, INVALID, UNKNOWN }

  /**
   * What to check.
   *
   * @param workload {@code list-append} or {@code rw-register}
   * @param file     the history's file name, for messages
   * @param history  the history as read
   * @param timeout  the time limit for this file
   * @param outDir   where to write explanations/graphs, or null
   * @param model    consistency model(s) to check, comma-separated Elle names, or null for the
   *     default (strict-serializable)
   */
  record Request(String workload, String file, History history, Duration timeout, Path outDir, String model) {
    public Request {
      Objects.requireNonNull(workload, "workload");
      Objects.requireNonNull(history, "history");
      Objects.requireNonNull(timeout, "timeout");
    }
  }

  /**
   * The verdict.
   *
   * @param anomalyTypes Elle's {@code :anomaly-types}, e.g. {@code G2-item}
   * @param not          the consistency models ruled out, Elle's {@code :not}
   * @param explanation  one line for the per-file output
   */
  record Verdict(Validity validity, List<String> anomalyTypes, List<String> not, String explanation) {
    public Verdict {
      Objects.requireNonNull(validity, "validity");
      anomalyTypes = List.copyOf(anomalyTypes);
      not = List.copyOf(not);
      Objects.requireNonNull(explanation, "explanation");
    }
  }

  /**
   * @throws IllegalArgumentException for a history the checker cannot interpret (exit 2); the
   *     message names the op
   */
  Verdict check(Request request) throws IOException;

  /** The Elle port's checker, or empty while it is not built. */
  static Optional<TxnChecker> elle() {
    return Optional.of(new ElleTxnChecker());
  }
}
