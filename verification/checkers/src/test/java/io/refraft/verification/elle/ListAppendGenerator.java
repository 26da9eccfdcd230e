package io.refraft.verification.elle;

import io.refraft.verification.history.Keyword;
import io.refraft.verification.history.Op;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Generates strict-serializable list-append histories: concurrent client processes run
 * transactions against an in-memory store that applies each one atomically at its completion
 * (a point inside its invocation–completion interval). Some transactions fail (no effect) and some
 * crash as :info (applied or not at random; the process is then replaced, as Jepsen does). Keys
 * rotate so lists stay short, as in Jepsen's list-append generator.
 */
final class ListAppendGenerator {
  private static final Keyword TXN = Keyword.of("txn");
  private static final Keyword APPEND = Keyword.of("append");
  private static final Keyword READ = Keyword.of("r");

  private final SplittableRandom rnd;
  private final int processes;
  private final Map<Long, List<Object>> store = new HashMap<>();
  private final Map<Long, Long> nextElement = new HashMap<>();
  private final List<Op> ops = new ArrayList<>();
  private long firstActiveKey;
  private long keyAppends;
  private long nextProcess;

  ListAppendGenerator(long seed, int processes) {
    this.rnd = new SplittableRandom(seed);
    this.processes = processes;
  }

  /** A history of {@code txns} transactions. */
  List<Op> generate(int txns) {
    long[] process = new long[processes];
    List<List<Object>>[] pending = newPending();
    for (int i = 0; i < processes; i++) {
      process[i] = nextProcess++;
    }
    int started = 0;
    int open = 0;
    while (started < txns || open > 0) {
      int slot = rnd.nextInt(processes);
      if (pending[slot] == null) {
        if (started == txns) {
          continue;
        }
        pending[slot] = newTxn();
        started++;
        open++;
        emit(Op.Type.INVOKE, process[slot], blankReads(pending[slot]));
      } else {
        complete(slot, process, pending[slot]);
        pending[slot] = null;
        open--;
      }
    }
    return ops;
  }

  @SuppressWarnings("unchecked")
  private List<List<Object>>[] newPending() {
    return (List<List<Object>>[]) new List<?>[processes];
  }

  private void complete(int slot, long[] process, List<List<Object>> txn) {
    int roll = rnd.nextInt(100);
    if (roll < 5) {
      emit(Op.Type.FAIL, process[slot], txn);
    } else if (roll < 6) {
      if (rnd.nextBoolean()) {
        apply(txn);
      }
      emit(Op.Type.INFO, process[slot], txn);
      process[slot] = nextProcess++;
    } else {
      emit(Op.Type.OK, process[slot], apply(txn));
    }
  }

  private List<List<Object>> newTxn() {
    int n = 1 + rnd.nextInt(4);
    List<List<Object>> mops = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      long key = firstActiveKey + rnd.nextInt(8);
      if (rnd.nextBoolean()) {
        long e = nextElement.merge(key, 1L, Long::sum);
        mops.add(List.of(APPEND, key, e));
        if (++keyAppends % 64 == 0) {
          firstActiveKey++; // retire the oldest key now and then
        }
      } else {
        mops.add(read(key, null));
      }
    }
    return mops;
  }

  private List<List<Object>> apply(List<List<Object>> txn) {
    List<List<Object>> out = new ArrayList<>(txn.size());
    for (List<Object> m : txn) {
      long key = (Long) m.get(1);
      if (m.get(0).equals(APPEND)) {
        store.computeIfAbsent(key, k -> new ArrayList<>()).add(m.get(2));
        out.add(m);
      } else {
        out.add(read(key, List.copyOf(store.getOrDefault(key, List.of()))));
      }
    }
    return out;
  }

  private static List<Object> read(long key, Object value) {
    return java.util.Collections.unmodifiableList(java.util.Arrays.asList(READ, key, value));
  }

  private static List<List<Object>> blankReads(List<List<Object>> txn) {
    return txn.stream().map(m -> m.get(0).equals(READ) ? read((Long) m.get(1), null) : m).toList();
  }

  private void emit(Op.Type type, long process, List<List<Object>> value) {
    ops.add(new Op(ops.size(), type, process, TXN, List.copyOf(value), ops.size() * 1000L, null));
  }
}
