package io.refraft.verification.sim;

import io.refraft.verification.history.Keyword;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
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
    switch (v) {
      case null -> add(0);
      case Long l -> {
        add(1);
        add(l);
      }
      case String s -> {
        add(2);
        add(s);
      }
      case Keyword k -> {
        add(3);
        add(k.name());
      }
      case List<?> list -> {
        add(4);
        add(list.size());
        // Most of a history is the numbers list-append reads return: a run of numbers is folded
        // polynomially (one multiply each) and fed as one value.
        long run = 1;
        for (Object x : list) {
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
      case Map<?, ?> map -> {
        add(5);
        add(map.size());
        map.forEach((k, x) -> {
          addValue(k);
          addValue(x);
        });
      }
      case Set<?> set -> {
        add(6);
        add(set.size());
        set.forEach(this::addValue);
      }
      case Boolean b -> {
        add(7);
        add(b);
      }
      case Double d -> {
        add(8);
        add(Double.doubleToLongBits(d));
      }
      default -> throw new IllegalArgumentException("not a history value: " + v.getClass().getName());
    }
  }

  /** The fingerprint so far, as 16 hex digits. */
  String hex() {
    long z = h ^ count;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return HexFormat.of().toHexDigits(z ^ (z >>> 31));
  }
}
