package io.refraft.verification.elle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.refraft.verification.history.Op;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Generated strict-serializable histories check valid; corrupting one read makes them invalid. */
class ListAppendGeneratorTest {

  @Test
  void generated_histories_are_strict_serializable_and_a_stale_read_is_caught() {
    long seed = Long.getLong("refraft.seed", System.nanoTime());
    System.out.println("ListAppendGeneratorTest seed " + seed);
    List<Op> h = new ListAppendGenerator(seed, 10).generate(3_000);
    ElleResult r = Elle.listAppend(h, Options.defaults());
    assertEquals(ElleResult.Validity.TRUE, r.valid(), () -> "seed " + seed + ": " + r.anomalies());
    List<Op> stale = dropLastElementOfALongRead(h);
    assertFalse(stale.equals(h), "seed " + seed + ": no read long enough to corrupt");
    ElleResult bad = Elle.listAppend(stale, Options.defaults());
    assertEquals(ElleResult.Validity.FALSE, bad.valid(), () -> "seed " + seed);
  }

  /**
   * Drops the last element of an :ok read whose appender had completed before the read was
   * invoked: a stale read that strict serializability forbids (a realtime cycle).
   */
  private static List<Op> dropLastElementOfALongRead(List<Op> h) {
    List<Op> out = new ArrayList<>(h);
    for (int i = 0; i < out.size(); i++) {
      Op op = out.get(i);
      if (op.type() != Op.Type.OK) {
        continue;
      }
      int invoke = i - 1;
      while (!out.get(invoke).process().equals(op.process())) {
        invoke--;
      }
      List<Object> mops = new ArrayList<>((List<?>) op.value());
      for (int j = 0; j < mops.size(); j++) {
        List<?> m = (List<?>) mops.get(j);
        if (m.get(2) instanceof List<?> read && read.size() >= 2
            && appendedBefore(out, invoke, m.get(1), read.get(read.size() - 1))) {
          mops.set(j, List.of(m.get(0), m.get(1), List.copyOf(read.subList(0, read.size() - 1))));
          out.set(i, op.withValue(List.copyOf(mops)));
          return out;
        }
      }
    }
    return out;
  }

  private static boolean appendedBefore(List<Op> h, int before, Object key, Object element) {
    for (int i = 0; i < before; i++) {
      Op op = h.get(i);
      if (op.type() == Op.Type.OK) {
        for (Object m : (List<?>) op.value()) {
          List<?> mop = (List<?>) m;
          if (mop.get(0).toString().equals(":append") && mop.get(1).equals(key) && mop.get(2).equals(element)) {
            return true;
          }
        }
      }
    }
    return false;
  }
}
