package io.refraft.verification.linear;

import io.refraft.verification.history.Keyword;
import io.refraft.verification.history.OpPair;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Decides a read/write register partition without a search when every write writes a value no
 * other write (nor the initial value) has: each read then names the one write it saw (the
 * read-mapping is known), and linearizability is polynomial (Gibbons &amp; Korach, "Testing shared
 * memories", SIAM J. Comput. 26(4), 1997; the zone formulation of Golab, Li &amp; Shah, PODC 2011).
 *
 * <p>A write and the reads of its value form a <em>cluster</em>, which a linearization must place
 * contiguously (the value is unique, so nothing may overwrite it between the write and its last
 * read). Let {@code low} be the earliest return and {@code high} the latest call in a cluster. If
 * {@code low < high} the cluster spans at least the <em>forward zone</em> {@code [low, high]}: one of
 * its ops returned before another was called, so the value is the register's content throughout.
 * Otherwise all of its ops overlap on the <em>backward zone</em> {@code [high, low]}, where the cluster
 * can take effect at one instant. The history is linearizable iff (1) no read returned before its
 * write was called, (2) no two forward zones overlap, and (3) no backward zone lies inside a forward
 * zone. Events at one instant are concurrent (as in {@link WglSearch}: calls before returns), so the
 * comparisons are strict.
 *
 * <p>The initial value is a write before every event. A crashed ({@code :info}) write that nobody
 * read may never have taken effect and is dropped; one that was read took effect, at some time after
 * its call: its return is at +infinity. Anything else (a cas, a value written twice or equal to the
 * initial value) is {@link NotApplicable}, and the search decides.
 */
final class RegisterZones {
  private static final Keyword READ = Keyword.of("read");
  private static final Keyword WRITE = Keyword.of("write");
  private static final long BEFORE_ALL = Long.MIN_VALUE;

  /** What the zones say about one partition. */
  sealed interface Decision {}

  record Linearizable() implements Decision {}

  /** Not linearizable: the op at fault and why, naming the ops involved. */
  record NotLinearizable(OpPair culprit, String explanation) implements Decision {}

  record NotApplicable(String why) implements Decision {}

  private RegisterZones() {}

  /**
   * @param call   each op's call key (time or index)
   * @param ret    each op's return key, {@link Long#MAX_VALUE} for an {@code :info} op
   */
  static Decision decide(CasRegister model, List<Operation> ops, long[] call, long[] ret) {
    int n = ops.size();
    Map<Object, Integer> writerOf = new HashMap<>();
    writerOf.put(model.initial(), -1);
    for (int i = 0; i < n; i++) {
      Operation op = ops.get(i);
      if (op.f().equals(WRITE)) {
        Integer before = writerOf.put(op.input(), i);
        if (before != null) {
          return new NotApplicable("the value " + LinearChecker.excerpt(op.input()) + " is written by "
              + (before < 0 ? "the initial state" : "op " + ops.get(before).pair().invoke().index()) + " and by op "
              + op.pair().invoke().index());
        }
      } else if (!op.f().equals(READ)) {
        return new NotApplicable("op " + op.pair().invoke().index() + " is a " + op.f() + ", not a read or write");
      }
    }
    // Cluster c = write c, or n for the initial value.
    long[] low = new long[n + 1];
    long[] high = new long[n + 1];
    int[] lowOp = new int[n + 1];
    int[] highOp = new int[n + 1];
    int[] reads = new int[n + 1];
    for (int c = 0; c < n; c++) {
      low[c] = ret[c];
      high[c] = call[c];
      lowOp[c] = c;
      highOp[c] = c;
    }
    low[n] = BEFORE_ALL;
    high[n] = BEFORE_ALL;
    lowOp[n] = -1;
    highOp[n] = -1;
    for (int r = 0; r < n; r++) {
      Operation op = ops.get(r);
      if (!op.f().equals(READ)) {
        continue;
      }
      Integer w = writerOf.get(op.output());
      if (w == null) {
        return new NotLinearizable(op.pair(), describe(op) + " read " + LinearChecker.excerpt(op.output())
            + ", a value that no op wrote" + (op.output() == null ? "" : " and that is not the initial value") + ".");
      }
      int c = w < 0 ? n : w;
      if (w >= 0 && ret[r] < call[w]) {
        return new NotLinearizable(op.pair(), describe(op) + " returned before " + describe(ops.get(w))
            + ", the only write of " + LinearChecker.excerpt(op.output()) + ", was invoked.");
      }
      reads[c]++;
      if (ret[r] < low[c]) {
        low[c] = ret[r];
        lowOp[c] = r;
      }
      if (call[r] > high[c]) {
        high[c] = call[r];
        highOp[c] = r;
      }
    }
    return zones(model, ops, low, high, lowOp, highOp, reads, ret);
  }

  private static Decision zones(CasRegister model, List<Operation> ops, long[] low, long[] high, int[] lowOp,
      int[] highOp, int[] reads, long[] ret) {
    int n = ops.size();
    int[] forward = new int[n + 1];
    int[] backward = new int[n + 1];
    int f = 0;
    int b = 0;
    for (int c = 0; c <= n; c++) {
      if (c < n && !ops.get(c).f().equals(WRITE)) {
        continue; // only writes (and the initial value) head a cluster
      }
      boolean unreadCrash = c < n ? reads[c] == 0 && ret[c] == Long.MAX_VALUE : reads[c] == 0;
      if (unreadCrash) {
        continue; // may never have taken effect (or, for the initial value, nobody saw it)
      }
      if (low[c] < high[c]) {
        forward[f++] = c;
      } else {
        backward[b++] = c;
      }
    }
    Integer[] order = new Integer[f];
    for (int i = 0; i < f; i++) {
      order[i] = forward[i];
    }
    Arrays.sort(order, (x, y) -> Long.compare(low[x], low[y]));
    int widest = -1;
    for (int c : order) {
      if (widest >= 0 && low[c] < high[widest]) {
        return new NotLinearizable(culprit(ops, c, highOp), "The values " + value(model, ops, widest) + " and "
            + value(model, ops, c) + " must each stay in the register over overlapping spans: "
            + span(ops, widest, lowOp, highOp) + "; and " + span(ops, c, lowOp, highOp)
            + ". Neither can be overwritten while the other must stay.");
      }
      if (widest < 0 || high[c] > high[widest]) {
        widest = c;
      }
    }
    long[] starts = new long[f];
    for (int i = 0; i < f; i++) {
      starts[i] = low[order[i]];
    }
    for (int i = 0; i < b; i++) {
      int c = backward[i];
      // The forward zones are disjoint and sorted: only the last one starting before high[c] can contain it.
      int k = lastBelow(starts, high[c]);
      if (k >= 0 && low[c] < high[order[k]]) {
        int fz = order[k];
        return new NotLinearizable(culprit(ops, c, highOp), "The value " + value(model, ops, fz)
            + " must stay in the register " + span(ops, fz, lowOp, highOp) + "; but " + value(model, ops, c)
            + " must take effect and be read within that span: its ops (" + clusterOps(ops, c)
            + ") can only take effect after " + callOf(ops, highOp[c]) + " and before " + returnOf(ops, lowOp[c]) + ".");
      }
    }
    return new Linearizable();
  }

  /** Index of the last element of sorted {@code a} strictly below {@code x}, or -1. */
  private static int lastBelow(long[] a, long x) {
    int lo = 0;
    int hi = a.length - 1;
    int found = -1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      if (a[mid] < x) {
        found = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return found;
  }

  /** The cluster's write, or for the initial value its latest-called read. */
  private static OpPair culprit(List<Operation> ops, int cluster, int[] highOp) {
    int op = cluster < ops.size() ? cluster : highOp[cluster];
    return op < 0 ? null : ops.get(op).pair();
  }

  private static String value(CasRegister model, List<Operation> ops, int c) {
    return c < ops.size() ? LinearChecker.excerpt(ops.get(c).input()) + " (written by op " + ops.get(c).pair().invoke().index() + ")"
        : LinearChecker.excerpt(model.initial()) + " (the initial value)";
  }

  /** Why a forward zone's value must stay: an op of its cluster returned before another was called. */
  private static String span(List<Operation> ops, int c, int[] lowOp, int[] highOp) {
    return "from " + returnOf(ops, lowOp[c]) + " until " + callOf(ops, highOp[c]);
  }

  private static String returnOf(List<Operation> ops, int op) {
    return op < 0 ? "the start" : "the return of " + describe(ops.get(op));
  }

  private static String callOf(List<Operation> ops, int op) {
    return op < 0 ? "the start" : "the call of " + describe(ops.get(op));
  }

  private static String clusterOps(List<Operation> ops, int c) {
    StringBuilder sb = new StringBuilder();
    Object v = c < ops.size() ? ops.get(c).input() : null;
    int shown = 0;
    for (int i = 0; i < ops.size() && shown < 4; i++) {
      Operation op = ops.get(i);
      if (i == c || (op.f().equals(READ) && c < ops.size() && java.util.Objects.equals(op.output(), v))) {
        sb.append(shown++ > 0 ? ", " : "").append("op ").append(op.pair().invoke().index());
      }
    }
    return sb.toString();
  }

  private static String describe(Operation op) {
    return LinearChecker.describe(op.pair());
  }
}
