package io.refraft.verification.linear;

import io.refraft.verification.history.OpPair;
import java.util.List;
import java.util.Objects;

/** The verdict of {@link LinearChecker}. */
public sealed interface LinearResult {

  /** Number of partitions checked and operations the search considered. */
  int partitions();

  int operations();

  /** Every partition has a linearization. */
  record Valid(int partitions, int operations) implements LinearResult {}

  /**
   * A partition has no linearization.
   *
   * @param partitionKey   the failing partition's key (e.g. the kv key)
   * @param partitionOps   that partition's operations, in invocation order
   * @param longestPrefix  the longest sequence of operations the search could linearize, in
   *     linearization order (a witness of how far the history is explainable)
   * @param stateAfterPrefix the model state after that prefix, described
   * @param blocked        an operation that had to take effect before it returned but could not
   *     after that prefix, or null
   * @param explanation    one paragraph in English
   */
  record Invalid(int partitions, int operations, Object partitionKey, List<OpPair> partitionOps,
      List<OpPair> longestPrefix, String stateAfterPrefix, OpPair blocked, String explanation)
      implements LinearResult {
    public Invalid {
      partitionOps = List.copyOf(partitionOps);
      longestPrefix = List.copyOf(longestPrefix);
      Objects.requireNonNull(explanation, "explanation");
    }
  }

  /** The search gave up (time limit) before finding either answer. */
  record Unknown(int partitions, int operations, Object partitionKey, String reason) implements LinearResult {}
}
