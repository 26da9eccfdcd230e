package io.refraft.verification.sim;

import io.refraft.impl.kv.MicroOp;
import io.refraft.impl.kv.KvOp;
import io.refraft.impl.kv.Result;
import io.refraft.impl.kv.Value;
import io.refraft.verification.history.Keyword;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * The operations simulated clients issue, and how each is written in the history (Jepsen's
 * conventions, so Elle and the linearizability checker read them unchanged):
 * <ul>
 *   <li>list-append transactions over a few keys: {@code :txn [[:append k v] [:r k nil] ...]}, values
 *       unique per key; a transaction of reads only is served by a ReadIndex read, the others are
 *       one log entry each. As in Elle's generator ({@code elle.list-append/gen}, options
 *       {@code :key-count} and {@code :max-writes-per-key}), {@value #LIST_KEYS} keys are active at a
 *       time and a key that took {@value #MAX_WRITES_PER_KEY} appends is retired for a fresh one: lists
 *       stay short, so a read's cost (in the store, the history and Elle) does not grow with the run,
 *       and every key's version order starts anew, which gives Elle more independent orders to
 *       contradict;</li>
 *   <li>register operations on a few other keys, as {@code jepsen.independent} tuples:
 *       {@code :read [k nil]} (ReadIndex), {@code :write [k v]}, {@code :cas [k [from to]]}.</li>
 * </ul>
 * History keys and values are integers; in the store a list key {@code k} is {@code "a<k>"}, a
 * register key {@code "r<k>"}, so the two kinds never meet.
 */
final class SimWorkload {
  static final Keyword TXN = Keyword.of("txn");
  static final Keyword READ = Keyword.of("read");
  static final Keyword WRITE = Keyword.of("write");
  static final Keyword CAS = Keyword.of("cas");
  private static final Keyword APPEND = Keyword.of("append");
  private static final Keyword R = Keyword.of("r");
  private static final int LIST_KEYS = 4;
  private static final int MAX_WRITES_PER_KEY = 32;
  private static final int REGISTER_KEYS = 3;
  private static final int REGISTER_VALUES = 5;

  /**
   * One operation: what the store executes, how the history writes its invocation, and whether it
   * is served by a ReadIndex read instead of the log.
   */
  record Invocation(Keyword f, Object value, KvOp op, boolean read) {}

  /** How an answered operation completes in the history. */
  record Completion(io.refraft.verification.history.Op.Type type, Object value, String error) {}

  private final SplittableRandom random;
  private final boolean reads;
  private long nextElement;
  /** The list keys in use, and how many appends each has been given. */
  private final long[] activeKeys = new long[LIST_KEYS];
  private final int[] appendsTo = new int[LIST_KEYS];
  private long nextKey = LIST_KEYS;

  SimWorkload(SplittableRandom random, boolean reads) {
    this.random = random;
    this.reads = reads;
    for (int i = 0; i < LIST_KEYS; i++) {
      activeKeys[i] = i;
    }
  }

  Invocation next() {
    return random.nextBoolean() ? txn() : register();
  }

  private Invocation txn() {
    int n = 1 + random.nextInt(4);
    List<Object> mops = new ArrayList<>(n);
    List<MicroOp> kv = new ArrayList<>(n);
    boolean readOnly = true;
    for (int i = 0; i < n; i++) {
      int slot = random.nextInt(LIST_KEYS);
      long key = activeKeys[slot];
      if (!reads || random.nextBoolean()) {
        if (appendsTo[slot] == MAX_WRITES_PER_KEY) {
          key = activeKeys[slot] = nextKey++;
          appendsTo[slot] = 0;
        }
        appendsTo[slot]++;
        long element = ++nextElement;
        mops.add(List.of(APPEND, key, element));
        kv.add(new MicroOp.Append("a" + key, Long.toString(element)));
        readOnly = false;
      } else {
        mops.add(Arrays.asList(R, key, null));
        kv.add(new MicroOp.R("a" + key));
      }
    }
    return new Invocation(TXN, List.copyOf(mops), new KvOp.Txn(kv), readOnly);
  }

  private Invocation register() {
    long key = random.nextInt(REGISTER_KEYS);
    String k = "r" + key;
    int choice = random.nextInt(reads ? 3 : 2);
    if (choice == 2) {
      return new Invocation(READ, Arrays.asList(key, null), new KvOp.Get(k), true);
    }
    long v = random.nextInt(REGISTER_VALUES);
    if (choice == 0) {
      return new Invocation(WRITE, List.of(key, v), new KvOp.Put(k, Long.toString(v)), false);
    }
    long from = random.nextInt(REGISTER_VALUES);
    return new Invocation(CAS, List.of(key, List.of(from, v)), new KvOp.Cas(k, Optional.of(Long.toString(from)),
        Long.toString(v)), false);
  }

  /** The history's completion of {@code inv} answered {@code r}. */
  static Completion complete(Invocation inv, Result r, ListReads lists) {
    var ok = io.refraft.verification.history.Op.Type.OK;
    var fail = io.refraft.verification.history.Op.Type.FAIL;
    var info = io.refraft.verification.history.Op.Type.INFO;
    return switch (r) {
      case Result.TxnCommitted t -> new Completion(ok, txnValue(inv, t, lists), null);
      case Result.TxnAborted a -> new Completion(fail, inv.value(), a.reason());
      case Result.RegisterValue v -> new Completion(ok,
          Arrays.asList(((List<?>) inv.value()).get(0), v.value().map(Long::parseLong).orElse(null)), null);
      case Result.Done d -> new Completion(ok, inv.value(), null);
      case Result.CasFailed c -> new Completion(fail, inv.value(), "cas-mismatch");
      // a retry answered after its session expired, or the like: the outcome is unknown to the client
      case Result.SessionExpired e -> new Completion(info, inv.value(), "session-expired");
      case Result.StaleRequest s -> new Completion(info, inv.value(), "stale-request");
      case Result.ListValue l -> new Completion(info, inv.value(), "unexpected list value");
      case Result.TypeMismatch m -> new Completion(info, inv.value(), "type mismatch: " + m);
      case Result.SessionOpened s -> new Completion(info, inv.value(), "unexpected session");
      case Result.Invalid i -> new Completion(info, inv.value(), "invalid: " + i);
    };
  }

  private static List<Object> txnValue(Invocation inv, Result.TxnCommitted t, ListReads lists) {
    List<?> mops = (List<?>) inv.value();
    List<Object> out = new ArrayList<>(mops.size());
    for (int i = 0; i < mops.size(); i++) {
      List<?> m = (List<?>) mops.get(i);
      if (m.get(0).equals(R)) {
        List<Long> seen = switch (t.completed().get(i).read().orElse(Value.Items.EMPTY)) {
          case Value.Items items -> lists.numbers(m.get(1), items.elements());
          case Value.Register reg -> List.of(-1L); // a register where a list should be: Elle will object
        };
        out.add(List.of(R, m.get(1), seen));
      } else {
        out.add(m);
      }
    }
    return List.copyOf(out);
  }
}
