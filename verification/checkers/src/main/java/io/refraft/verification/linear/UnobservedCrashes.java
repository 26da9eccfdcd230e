package io.refraft.verification.linear;

import io.refraft.verification.history.Keyword;
import io.refraft.verification.history.Op;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Drops the crashed ({@code :info}) writes and cas ops of a register that nothing could observe:
 * no read returned the value they write and no cas expected it, among the ops that returned after
 * (or never returned before) their call. Such an op changes the history's verdict in neither
 * direction: in a linearization that takes it, the ops up to the next write see its value, so (no
 * op observing it) they are writes, which leave the same state whether it happened or not; and a
 * crashed op may always not take effect. Dropping it spares the search the choice.
 *
 * <p>A failed cas in the compare-failed reading observes every value but its own expected one, so
 * it counts as observing all. Dropping a crashed cas removes what it observed, so this repeats
 * until nothing more drops.
 */
final class UnobservedCrashes {
  private static final Keyword READ = Keyword.of("read");
  private static final Keyword CAS = Keyword.of("cas");

  private UnobservedCrashes() {}

  /** Which ops to keep: false for the crashed writes and cas ops nothing observes. */
  static boolean[] keep(List<Operation> ops, long[] call, long[] ret) {
    int n = ops.size();
    boolean[] keep = new boolean[n];
    java.util.Arrays.fill(keep, true);
    boolean changed = true;
    while (changed) {
      Map<Object, Long> lastObserver = new HashMap<>();
      long lastFailedCas = Long.MIN_VALUE;
      for (int j = 0; j < n; j++) {
        Operation op = ops.get(j);
        if (!keep[j]) {
          continue;
        }
        if (op.outcome() == Op.Type.FAIL) {
          lastFailedCas = Math.max(lastFailedCas, ret[j]);
        } else if (op.f().equals(READ)) {
          lastObserver.merge(op.output(), ret[j], Math::max);
        } else if (op.f().equals(CAS)) {
          lastObserver.merge(((List<?>) op.input()).get(0), ret[j], Math::max);
        }
      }
      changed = false;
      for (int i = 0; i < n; i++) {
        Operation op = ops.get(i);
        if (!keep[i] || op.outcome() != Op.Type.INFO || op.f().equals(READ)) {
          continue;
        }
        Object written = op.f().equals(CAS) ? ((List<?>) op.input()).get(1) : op.input();
        long last = Math.max(lastFailedCas, lastObserver.getOrDefault(written, Long.MIN_VALUE));
        // Events at one key are concurrent: an op returning at the crashed op's call may follow it.
        if (last < call[i]) {
          keep[i] = false;
          changed = true;
        }
      }
    }
    return keep;
  }
}
