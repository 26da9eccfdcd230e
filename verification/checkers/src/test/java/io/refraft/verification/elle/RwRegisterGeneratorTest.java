package io.refraft.verification.elle;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.refraft.verification.history.Keyword;
import io.refraft.verification.history.Op;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Seeded strict-serializable rw-register histories (each transaction applied atomically at its
 * completion; unique values per key; some :fail and :info) must check valid: the conservative
 * version-order inference must not invent anomalies.
 */
class RwRegisterGeneratorTest {
  private static final Keyword TXN = Keyword.of("txn");
  private static final Keyword W = Keyword.of("w");
  private static final Keyword R = Keyword.of("r");

  @Test
  void generated_serial_register_histories_are_strict_serializable() {
    long seed = Long.getLong("refraft.seed", System.nanoTime());
    System.out.println("RwRegisterGeneratorTest seed " + seed);
    List<Op> h = generate(new SplittableRandom(seed), 10, 3_000);
    ElleResult r = Elle.rwRegister(h, Options.defaults());
    assertEquals(ElleResult.Validity.TRUE, r.valid(), () -> "seed " + seed + ": " + r.anomalies());
  }

  private static List<Op> generate(SplittableRandom rnd, int processes, int txns) {
    List<Op> ops = new ArrayList<>();
    Map<Long, Long> store = new HashMap<>();
    long[] nextValue = new long[5];
    List<List<Object>>[] pending = newPending(processes);
    long[] process = new long[processes];
    Arrays.setAll(process, i -> i);
    long nextProcess = processes;
    int started = 0;
    int open = 0;
    while (started < txns || open > 0) {
      int p = rnd.nextInt(processes);
      if (pending[p] == null) {
        if (started == txns) {
          continue;
        }
        List<List<Object>> t = new ArrayList<>();
        for (int i = 0, n = 1 + rnd.nextInt(3); i < n; i++) {
          long k = rnd.nextInt(5);
          t.add(rnd.nextBoolean() ? List.of(W, k, ++nextValue[(int) k]) : mop(R, k, null));
        }
        pending[p] = t;
        started++;
        open++;
        emit(ops, Op.Type.INVOKE, process[p], t);
        continue;
      }
      int roll = rnd.nextInt(100);
      if (roll < 5) {
        emit(ops, Op.Type.FAIL, process[p], pending[p]);
      } else if (roll < 7) {
        if (rnd.nextBoolean()) {
          apply(store, pending[p]);
        }
        emit(ops, Op.Type.INFO, process[p], pending[p]);
        process[p] = nextProcess++;
      } else {
        emit(ops, Op.Type.OK, process[p], apply(store, pending[p]));
      }
      pending[p] = null;
      open--;
    }
    return ops;
  }

  private static List<List<Object>> apply(Map<Long, Long> store, List<List<Object>> t) {
    List<List<Object>> out = new ArrayList<>();
    for (List<Object> m : t) {
      long k = (Long) m.get(1);
      if (m.get(0).equals(W)) {
        store.put(k, (Long) m.get(2));
        out.add(m);
      } else {
        out.add(mop(R, k, store.get(k)));
      }
    }
    return out;
  }

  private static List<Object> mop(Keyword f, long k, Object v) {
    return Collections.unmodifiableList(Arrays.asList(f, k, v));
  }

  @SuppressWarnings("unchecked")
  private static List<List<Object>>[] newPending(int n) {
    return (List<List<Object>>[]) new List<?>[n];
  }

  private static void emit(List<Op> ops, Op.Type type, long process, List<List<Object>> value) {
    ops.add(new Op(ops.size(), type, process, TXN, List.copyOf(value), ops.size(), null));
  }
}
