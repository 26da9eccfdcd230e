package io.refraft.verification.linear;

import io.refraft.verification.history.OpPair;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The Wing &amp; Gong search with Lowe's memoization over one partition.
 *
 * <p>Call and return events sit in a doubly linked list in real-time order. The search walks the
 * list from its head: at a call it tries to linearize that op now (the model must accept it, and
 * the resulting (linearized set, state) must be new, else the subtree was already explored); a
 * linearized op's call and return are unlinked and the walk restarts at the head. Reaching a
 * return means the ops tried so far cannot precede it, so the last choice is undone from the
 * stack. An {@code :info} op has no return event: it may take effect at any point after its call
 * or never (Knossos' reading), so it never forces a backtrack.
 *
 * <p>The candidates of a configuration are tried in phases (see the constants FORCED to INFO) in
 * the search's {@link Order}: in call order, or reads first and without branching, then the op
 * that is due (its return comes first), then the rest. The cache ({@link MemoTable}) lets a refuted configuration cover those with more crashed
 * ops linearized.
 */
final class WglSearch<S> {
  /** What came of the search of one partition. */
  sealed interface Outcome {}

  record Linearizable() implements Outcome {}

  record NotLinearizable(List<OpPair> prefix, String state, OpPair blocked) implements Outcome {}

  /** Why a search gave up. */
  enum Limit { TIME, MEMORY }

  record GaveUp(int explored, Limit limit) implements Outcome {}

  private final Model<S> model;
  private final List<Operation> ops;
  private final long deadlineNanos;
  private final MemoryBudget budget;
  // Linked list over event nodes; node e < events is an event, HEAD and TAIL are sentinels.
  private final int[] next;
  private final int[] prev;
  private final int[] opOf;
  private final int[] returnOf; // for a call node, its return node or -1 (info)
  private final boolean[] isCall;
  private final int head;
  private final int tail;
  private final long[] zobrist;
  private final int[] earlierTwin;
  private final Order order;
  private final int[] callNode;
  private final boolean[] preserving;

  WglSearch(Model<S> model, List<Operation> ops, long[] callKeys, long[] returnKeys, long deadlineNanos,
      MemoryBudget budget, Order order) {
    this.model = model;
    this.order = order;
    this.phase = order.firstPhase();
    this.ops = ops;
    this.deadlineNanos = deadlineNanos;
    this.budget = budget;
    int n = ops.size();
    List<long[]> events = new ArrayList<>(); // {key, kind (0 call, 1 return), op}
    for (int i = 0; i < n; i++) {
      events.add(new long[] {callKeys[i], 0, i});
      if (returnKeys[i] != Long.MAX_VALUE) {
        events.add(new long[] {returnKeys[i], 1, i});
      }
    }
    // At equal keys calls come first: ops whose events coincide are taken as concurrent.
    events.sort((a, b) -> a[0] != b[0] ? Long.compare(a[0], b[0]) : a[1] != b[1] ? Long.compare(a[1], b[1])
        : Long.compare(a[2], b[2]));
    int e = events.size();
    head = e;
    tail = e + 1;
    next = new int[e + 2];
    prev = new int[e + 2];
    opOf = new int[e];
    returnOf = new int[e];
    isCall = new boolean[e];
    callNode = new int[n];
    preserving = new boolean[n];
    for (int i = 0; i < n; i++) {
      preserving[i] = returnKeys[i] != Long.MAX_VALUE && model.preservesState(ops.get(i));
    }
    Arrays.fill(returnOf, -1);
    for (int i = 0; i < e; i++) {
      long[] ev = events.get(i);
      opOf[i] = (int) ev[2];
      isCall[i] = ev[1] == 0;
      if (isCall[i]) {
        callNode[opOf[i]] = i;
      } else {
        returnOf[callNode[opOf[i]]] = i;
      }
      next[i] = i + 1 == e ? tail : i + 1;
      prev[i] = i == 0 ? head : i - 1;
    }
    next[head] = e == 0 ? tail : 0;
    prev[tail] = e == 0 ? head : e - 1;
    earlierTwin = twins(ops, callKeys, returnKeys);
    zobrist = new long[n];
    long x = 0x9E3779B97F4A7C15L;
    for (int i = 0; i < n; i++) {
      x += 0x9E3779B97F4A7C15L;
      long z = x;
      z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
      z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
      // A crashed op's bit is left out of the hash: see MemoTable's covering of configurations.
      zobrist[i] = returnKeys[i] == Long.MAX_VALUE ? 0 : z ^ (z >>> 31);
    }
  }

  // The search's position, kept in fields so that it can pause and resume (see run(long)).
  private long[] bits;
  private long bitsHash;
  private MemoTable memo;
  private int[] stackNode;
  private byte[] stackPhase;
  private int[] stackJit;
  private final List<S> stackState = new ArrayList<>();
  private int depth;
  private S state;
  private int best;
  private int[] bestOrder = new int[0];
  private boolean bestRecorded = true;
  private S bestState;
  private int bestBlocked = -1;
  private int remainingReal;
  private int entry;
  private boolean started;
  private byte phase;
  private int jitOp = -1;
  // The current configuration is known to have no linearization: undo the last step.
  private boolean failing;

  /**
   * Phases. The candidates of one configuration are the calls before the first pending return,
   * tried in phases. FORCED: a state-preserving op that is legal now (see Model#preservesState) is
   * taken without branching. JIT: the op of the first pending return, which must take effect
   * before it (Lowe's just-in-time linearization: prefer the op that is due). ENABLE: any
   * candidate, completed or crashed, after which the due op is legal (what a read needs is
   * usually one write). OTHERS: the other completed ops, in call order. INFO: the
   * :info ops, so that guessing whether a crashed op took effect is postponed until a completed
   * op needs it. Every candidate is tried in some phase: the search stays complete. The phases an
   * {@link Order} uses are listed there.
   */
  private static final byte FORCED = 0;
  private static final byte JIT = 1;
  private static final byte ENABLE = 2;
  private static final byte OTHERS = 3;
  private static final byte INFO = 4;

  /** The order in which a configuration's candidates are tried; every order is complete. */
  enum Order {
    /**
     * Completed ops in call order, then :info ops (phases OTHERS and INFO): Wing &amp; Gong's own
     * order. On Porcupine's kv history c50-ok the due op is often a dead end: its key "4" takes
     * 0.85 M steps in this order and 3.8 M due-first (the other keys are quicker due-first).
     */
    CALL,
    /** Legal reads without branching, then the due op, then call order (FORCED, JIT, OTHERS, INFO). */
    DUE_FIRST,
    /** As DUE_FIRST, with the ops that make the due op legal tried before the rest (ENABLE). */
    ENABLERS_FIRST;

    byte firstPhase() {
      return this == CALL ? OTHERS : FORCED;
    }

    byte afterJit() {
      return this == ENABLERS_FIRST ? ENABLE : OTHERS;
    }
  }

  /**
   * For each :info op, the latest :info op with an earlier call and the same function and input,
   * or -1. Such twins are interchangeable (same effect, both may happen any time after their
   * calls or never), so any linearization can be rearranged to take them in call order: the
   * search only linearizes an :info op once its earlier twin is linearized. Crashed writes of
   * the same value are common in Jepsen histories and otherwise multiply the configurations.
   */
  private static int[] twins(List<Operation> ops, long[] callKeys, long[] returnKeys) {
    int[] twin = new int[ops.size()];
    java.util.Map<List<Object>, Integer> last = new java.util.HashMap<>();
    Integer[] order = new Integer[ops.size()];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (a, b) -> callKeys[a] != callKeys[b] ? Long.compare(callKeys[a], callKeys[b]) : Integer.compare(a, b));
    Arrays.fill(twin, -1);
    for (int i : order) {
      if (returnKeys[i] != Long.MAX_VALUE) {
        continue;
      }
      Operation op = ops.get(i);
      Integer before = last.put(java.util.Arrays.asList(op.f(), op.input()), i);
      twin[i] = before == null ? -1 : before;
    }
    return twin;
  }

  /** Configurations (linearized set, state) explored so far. */
  int explored() {
    return memo == null ? 0 : memo.size();
  }

  private void start() {
    started = true;
    int n = ops.size();
    for (boolean call : isCall) {
      remainingReal += call ? 0 : 1;
    }
    bits = new long[(n + 63) / 64];
    long[] infoMask = new long[bits.length];
    for (int i = 0; i < n; i++) {
      if (returnOf[callNode[i]] < 0) {
        infoMask[i >>> 6] |= 1L << i;
      }
    }
    memo = new MemoTable(bits.length, infoMask, budget);
    stackNode = new int[n];
    stackPhase = new byte[n];
    stackJit = new int[n];
    state = model.init();
    bestState = state;
    entry = next[head];
  }

  /**
   * Searches for at most {@code budget} steps; returns null when the budget ran out first (call
   * again to resume), so that a checker can interleave partitions and report whichever fails
   * first, as Porcupine does by searching partitions concurrently.
   */
  Outcome run(long budget) {
    try {
      return runSteps(budget);
    } catch (MemoryBudget.Spent e) {
      int explored = explored();
      release();
      return new GaveUp(explored, Limit.MEMORY);
    }
  }

  /** Returns the cache's memory to the budget; call when this search's outcome is final. */
  void release() {
    if (memo != null) {
      memo.release();
    }
  }

  private Outcome runSteps(long budget) {
    if (!started) {
      start();
    }
    long steps = 0;
    while (remainingReal > 0) {
      if (++steps > budget) {
        return null;
      }
      if ((steps & 0xFFF) == 0 && System.nanoTime() - deadlineNanos > 0) {
        return new GaveUp(memo.size(), Limit.TIME);
      }
      if (failing) {
        if (depth == 0) {
          return notLinearizable(bestOrder, bestState, bestBlocked);
        }
        backtrack();
        continue;
      }
      switch (phase) {
        case FORCED -> forcedStep();
        case JIT -> jitStep();
        case ENABLE -> enableStep();
        default -> scanStep();
      }
    }
    return new Linearizable();
  }

  /** Takes a legal state-preserving candidate; at the first pending return, moves on to its op. */
  private void forcedStep() {
    if (!isCall[entry]) {
      jitOp = opOf[entry];
      phase = JIT;
      entry = callNode[jitOp];
      return;
    }
    int op = opOf[entry];
    if (preserving[op]) {
      S after = model.step(state, ops.get(op));
      if (after != null) {
        // Already explored means already refuted, and then so is this configuration.
        failing = !push(after);
        return;
      }
    }
    entry = next[entry];
  }

  private void jitStep() {
    S after = model.step(state, ops.get(jitOp));
    if (after != null && push(after)) {
      return;
    }
    phase = order.afterJit();
    entry = next[head];
  }

  private void enableStep() {
    if (!isCall[entry]) {
      phase = OTHERS;
      entry = next[head];
      return;
    }
    int op = opOf[entry];
    int twin = earlierTwin[op];
    if (op != jitOp && (twin < 0 || (bits[twin >>> 6] & (1L << twin)) != 0)) {
      S after = model.step(state, ops.get(op));
      if (after != null && model.step(after, ops.get(jitOp)) != null && push(after)) {
        return;
      }
    }
    entry = next[entry];
  }

  private void scanStep() {
    if (isCall[entry]) {
      int op = opOf[entry];
      if ((returnOf[entry] < 0) == (phase == INFO) && op != jitOp) {
        tryLinearize(op);
      } else {
        entry = next[entry];
      }
    } else if (phase == OTHERS) {
      phase = INFO;
      entry = next[head];
    } else {
      // Every candidate was tried: the ops linearized so far cannot precede this return.
      if (depth == best && bestBlocked < 0) {
        bestBlocked = opOf[entry];
      }
      failing = true;
    }
  }

  private void tryLinearize(int op) {
    int twin = earlierTwin[op];
    if (twin >= 0 && (bits[twin >>> 6] & (1L << twin)) == 0) {
      entry = next[entry];
      return;
    }
    S after = model.step(state, ops.get(op));
    if (after != null && push(after)) {
      return;
    }
    entry = next[entry];
  }

  /** Linearizes the op at {@code entry} leaving {@code after}, unless that configuration was explored. */
  private boolean push(S after) {
    int op = opOf[entry];
    long h = bitsHash ^ zobrist[op];
    bits[op >>> 6] ^= 1L << op;
    if (!memo.add(bits, after, h * 31 + after.hashCode())) {
      bits[op >>> 6] ^= 1L << op;
      return false;
    }
    stackNode[depth] = entry;
    stackPhase[depth] = phase;
    stackJit[depth] = jitOp;
    depth++;
    stackState.add(state);
    state = after;
    bitsHash = h;
    remainingReal -= lift(entry);
    if (depth > best) {
      best = depth;
      bestRecorded = false;
      bestState = state;
      bestBlocked = -1;
    }
    entry = next[head];
    phase = order.firstPhase();
    jitOp = -1;
    return true;
  }

  /** The configuration has no linearization: undo the last step and resume its phase after it. */
  private void backtrack() {
    if (depth == best && !bestRecorded) {
      // Copied when the stack is about to leave the deepest prefix, not each time it deepens,
      // which on a long history would copy the stack once per op.
      bestOrder = Arrays.copyOf(stackNode, depth);
      bestRecorded = true;
    }
    memo.close(bits, state, bitsHash * 31 + state.hashCode());
    int top = stackNode[--depth];
    phase = stackPhase[depth];
    jitOp = stackJit[depth];
    state = stackState.remove(stackState.size() - 1);
    int op = opOf[top];
    bits[op >>> 6] ^= 1L << op;
    bitsHash ^= zobrist[op];
    remainingReal += unlift(top);
    // A forced step is the only one its configuration needs: when it fails, so does the configuration.
    failing = phase == FORCED;
    if (phase == JIT) {
      phase = order.afterJit();
      entry = next[head];
    } else {
      entry = next[top];
    }
  }

  /** Unlinks a call and its return; returns how many real (non-info) ops this removed. */
  private int lift(int call) {
    unlink(call);
    int ret = returnOf[call];
    if (ret >= 0) {
      unlink(ret);
      return 1;
    }
    return 0;
  }

  private int unlift(int call) {
    int ret = returnOf[call];
    if (ret >= 0) {
      relink(ret);
    }
    relink(call);
    return ret >= 0 ? 1 : 0;
  }

  private void unlink(int x) {
    next[prev[x]] = next[x];
    prev[next[x]] = prev[x];
  }

  private void relink(int x) {
    next[prev[x]] = x;
    prev[next[x]] = x;
  }

  private NotLinearizable notLinearizable(int[] order, S state, int blocked) {
    List<OpPair> prefix = new ArrayList<>(order.length);
    for (int node : order) {
      prefix.add(ops.get(opOf[node]).pair());
    }
    return new NotLinearizable(prefix, model.describe(state), blocked < 0 ? null : ops.get(blocked).pair());
  }
}
