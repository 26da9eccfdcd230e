package io.refraft.traces;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Values decoded from one buffer of trace lines, by their exact bytes, so that a later value with
 * the same bytes reuses the decoded object instead of decoding it again: a received message
 * repeats its send, followers print the same state and the same persisted entries, most steps the
 * same actions. Sound because decoding a value is a function of its bytes (and of the file's node
 * ids, which only grow) and the decoded values are immutable: equal bytes decode to an equal value
 * without error. A value whose bytes differ is decoded in full as before.
 *
 * <p>Looked up before the value's end is known: a JSON value whose bytes begin with all the bytes
 * of a complete value decoded without error is that value (the tokens are the same up to its
 * closing bracket). Set-associative on a hash of the first {@code prefix} bytes (values shorter
 * than that are not kept): a set keeps the last few values that hashed to it, so memory is fixed.
 *
 * @param <T> the decoded value's type
 */
final class Repeats<T> {
  private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  private final byte[] buf;
  private final int prefix;
  private final int ways;
  private final int sets;
  private final int[] start;
  private final int[] end;
  private final Object[] value;
  /** Per set, the way the next value replaces. */
  private final byte[] victim;
  private int matchedEnd;

  /**
   * @param buf    the bytes the parser reads, from offset 0
   * @param sets   a power of two
   * @param ways   values kept per set
   * @param prefix how many first bytes choose the set: at most the shortest value worth keeping,
   *               and enough to tell apart the values that recur
   */
  Repeats(byte[] buf, int sets, int ways, int prefix) {
    this.buf = buf;
    this.prefix = prefix;
    this.ways = ways;
    this.sets = sets;
    this.start = new int[sets * ways];
    this.end = new int[sets * ways];
    this.value = new Object[sets * ways];
    this.victim = new byte[sets];
  }

  /** Keeps {@code v}, decoded from exactly the bytes {@code buf[from, to)}. */
  void put(int from, int to, T v) {
    if (to - from < prefix) {
      return;
    }
    int set = set(from);
    int i = set * ways + victim[set];
    victim[set] = (byte) ((victim[set] + 1) % ways);
    start[i] = from;
    end[i] = to;
    value[i] = v;
  }

  /**
   * The value decoded from bytes that {@code buf} repeats from {@code from} on (within
   * {@code limit}), or null; {@link #matchedEnd} is then where they end.
   */
  @SuppressWarnings("unchecked")
  T prefixOf(int from, int limit) {
    if (limit - from < prefix) {
      return null;
    }
    int base = set(from) * ways;
    for (int i = base; i < base + ways; i++) {
      Object v = value[i];
      if (v == null) {
        return null;
      }
      int n = end[i] - start[i];
      if (from + n <= limit && Arrays.equals(buf, start[i], end[i], buf, from, from + n)) {
        matchedEnd = from + n;
        return (T) v;
      }
    }
    return null;
  }

  /** Where the bytes {@link #prefixOf} matched last end. */
  int matchedEnd() {
    return matchedEnd;
  }

  /** The set of the value starting at {@code from}, at least {@code prefix} bytes long: hashed eight bytes at a time. */
  private int set(int from) {
    long h = prefix;
    int i = from;
    int e = from + prefix;
    for (; i + 8 <= e; i += 8) {
      h = (h + (long) LONGS.get(buf, i)) * 0x9E3779B97F4A7C15L;
    }
    for (; i < e; i++) {
      h = (h + buf[i]) * 0x9E3779B97F4A7C15L;
    }
    return (int) (h >>> 40) & (sets - 1);
  }
}
