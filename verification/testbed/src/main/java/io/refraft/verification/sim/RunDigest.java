package io.refraft.verification.sim;

import io.refraft.verification.history.Keyword;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.RandomAccess;
import java.util.Set;

/**
 * A 64-bit fingerprint of a run, fed field by field as the run goes: every traced step's fields,
 * every message's encoded bytes, the history and the schedule. It tells two runs apart without
 * formatting anything as text, so a passing seed pays neither for the JSON trace nor for hashing
 * it (the trace is written only when a seed fails, by a re-run: the run is deterministic).
 *
 * <p>Not cryptographic: it detects nondeterminism and unequal runs, nobody forges inputs here. Every
 * value fed must hash the same in every JVM, so enums are fed by ordinal and strings by
 * {@link String#hashCode()}, which the JDK specifies; never an identity hash.
 */
final class RunDigest {
  /** Golden-ratio multiplier and the finalizer of SplitMix64 (Steele, Lea, Flood, OOPSLA 2014). */
  private static final long MUL = 0x9E3779B97F4A7C15L;

  private long h = 0x6A09E667F3BCC908L;
  private long count;

  void add(long x) {
    h = Long.rotateLeft((h ^ x) * MUL, 29) + ++count;
  }

  void add(boolean b) {
    add(b ? 1 : 0);
  }

  void add(String s) {
    add(s.length());
    add(s.hashCode());
  }

  /** The bytes' length and {@link Arrays#hashCode(byte[])}, which the JDK vectorizes. */
  void add(byte[] bytes) {
    add(bytes.length);
    add(Arrays.hashCode(bytes));
  }

  /**
   * A history value (verification.history's plain data): type tags keep {@code [1]} apart from
   * {@code 1} and {@code "1"} from {@code :1}. Maps and sets are fed in their iteration order, which
   * for the simulator's own values depends only on their contents.
   */
  void addValue(Object v) {
    // An instanceof chain, most frequent first, rather than a pattern switch: the switch's
    // typeSwitch bootstrap cost a measurable share of the digest, which runs over every history value.
    if (v instanceof Long l) {
      add(1);
      add(l);
    } else if (v instanceof List<?> list) {
      addList(list);
    } else if (v instanceof Keyword k) {
      add(3);
      add(k.name());
    } else if (v instanceof String s) {
      add(2);
      add(s);
    } else if (v == null) {
      add(0);
    } else if (v instanceof Map<?, ?> map) {
      add(5);
      add(map.size());
      map.forEach((k, x) -> {
        addValue(k);
        addValue(x);
      });
    } else if (v instanceof Set<?> set) {
      add(6);
      add(set.size());
      set.forEach(this::addValue);
    } else if (v instanceof Boolean b) {
      add(7);
      add(b);
    } else if (v instanceof Double d) {
      add(8);
      add(Double.doubleToLongBits(d));
    } else {
      throw new IllegalArgumentException("not a history value: " + v.getClass().getName());
    }
  }

  /**
   * Most of a history is the numbers list-append reads return: a run of numbers is folded
   * polynomially (one multiply each) and fed as one value.
   */
  private void addList(List<?> list) {
    add(4);
    int n = list.size();
    add(n);
    long run = 1;
    Iterator<?> it = list instanceof RandomAccess ? null : list.iterator();
    for (int i = 0; i < n; i++) {
      Object x = it == null ? list.get(i) : it.next();
      if (x instanceof Long l) {
        run = run * 0x100000001B3L + l;
      } else {
        add(run);
        run = 1;
        addValue(x);
      }
    }
    add(run);
  }

  /** The fingerprint so far, as 16 hex digits. */
  String hex() {
    long z = h ^ count;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return HexFormat.of().toHexDigits(z ^ (z >>> 31));
  }
}
