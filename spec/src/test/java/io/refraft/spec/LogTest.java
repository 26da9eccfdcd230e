package io.refraft.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The persistent log against a plain {@link ArrayList} model: every size up to 2000, sizes around
 * the trie's level boundaries (32, 1024, 32768 entries), seeded random append/truncate sequences,
 * and old versions left intact by every derived one.
 */
class LogTest {

  private static Entry e(long term, int v) {
    return new Entry(term, Payload.Data.of((byte) v, (byte) (v >>> 8), (byte) (v >>> 16)));
  }

  private static List<Entry> entries(int n) {
    List<Entry> l = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      l.add(e(1 + i / 100, i));
    }
    return l;
  }

  private static void assertMatches(List<Entry> model, Log log, String context) {
    assertEquals(model.size(), log.lastIndex(), context + ": lastIndex");
    assertEquals(model.isEmpty(), log.isEmpty(), context + ": isEmpty");
    assertEquals(model.isEmpty() ? 0 : model.get(model.size() - 1).term(), log.lastTerm(), context + ": lastTerm");
    for (int i = 0; i < model.size(); i++) {
      assertSame(model.get(i), log.entry(i + 1), context + ": entry " + (i + 1));
    }
  }

  @Test
  void when_appending_one_by_one_up_to_2000_then_every_version_matches_the_model() {
    List<Entry> all = entries(2000);
    List<Log> versions = new ArrayList<>();
    Log log = Log.EMPTY;
    versions.add(log);
    for (Entry x : all) {
      log = log.append(x);
      versions.add(log);
    }
    // Checked after all appends: an older version must not see what a newer one added.
    for (int n = 0; n <= 2000; n++) {
      assertMatches(all.subList(0, n), versions.get(n), "size " + n);
    }
  }

  @Test
  void when_truncating_around_trie_boundaries_then_prefix_matches_and_appends_continue() {
    int[] sizes = {33, 64, 65, 1024, 1025, 1056, 1057, 2048, 2080, 33_000};
    for (int size : sizes) {
      List<Entry> all = entries(size + 40);
      Log full = Log.of(all.subList(0, size));
      for (int cut : boundaryCuts(size)) {
        Log t = full.truncateAfter(cut);
        assertMatches(all.subList(0, cut), t, "size " + size + " truncated after " + cut);
        Log grown = t.appendAll(all.subList(cut, Math.min(all.size(), cut + 40)));
        assertMatches(all.subList(0, Math.min(all.size(), cut + 40)), grown, "size " + size + " cut " + cut + " +40");
      }
      assertMatches(all.subList(0, size), full, "size " + size + " after deriving truncations");
    }
  }

  private static List<Integer> boundaryCuts(int size) {
    List<Integer> cuts = new ArrayList<>();
    for (int b : new int[] {0, 1, 31, 32, 33, 63, 64, 65, 1023, 1024, 1025, 1056, 1057, 32_767, 32_768, 32_769}) {
      if (b <= size) {
        cuts.add(b);
      }
    }
    cuts.add(size - 1);
    cuts.add(size);
    return cuts;
  }

  @Test
  void when_random_appends_and_truncations_then_log_matches_model_and_old_versions_survive() {
    for (long seed : new long[] {1L, 42L, Long.getLong("refraft.seed", System.nanoTime())}) {
      System.out.println("LogTest random sequence seed=" + seed + " (rerun: -Drefraft.seed=" + seed + ")");
      randomSequence(seed);
    }
  }

  private static void randomSequence(long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    List<Entry> model = new ArrayList<>();
    Log log = Log.EMPTY;
    List<List<Entry>> oldModels = new ArrayList<>();
    List<Log> oldLogs = new ArrayList<>();
    long term = 1;
    int v = 0;
    for (int op = 0; op < 400; op++) {
      String ctx = "seed " + seed + " op " + op;
      if (r.nextInt(3) > 0) {
        int k = r.nextInt(1, 80);
        List<Entry> batch = new ArrayList<>();
        for (int i = 0; i < k; i++) {
          term += r.nextInt(10) == 0 ? 1 : 0;
          batch.add(e(term, v++));
        }
        model.addAll(batch);
        log = r.nextBoolean() ? log.appendAll(batch) : appendOneByOne(log, batch);
      } else {
        int cut = r.nextInt(model.size() + 1);
        model = new ArrayList<>(model.subList(0, cut));
        log = log.truncateAfter(cut);
      }
      assertMatches(model, log, ctx);
      checkSliceAndTermSearch(model, log, r, ctx);
      if (op % 20 == 0) {
        oldModels.add(List.copyOf(model));
        oldLogs.add(log);
      }
    }
    for (int i = 0; i < oldLogs.size(); i++) {
      assertMatches(oldModels.get(i), oldLogs.get(i), "seed " + seed + " old version " + i);
    }
  }

  private static Log appendOneByOne(Log log, List<Entry> batch) {
    for (Entry x : batch) {
      log = log.append(x);
    }
    return log;
  }

  private static void checkSliceAndTermSearch(List<Entry> model, Log log, SplittableRandom r, String ctx) {
    int from = r.nextInt(1, model.size() + 2);
    int to = r.nextInt(from, model.size() + 2);
    assertEquals(model.subList(from - 1, to - 1), log.slice(from, to), ctx + ": slice [" + from + "," + to + ")");
    long maxTerm = model.isEmpty() ? 1 : model.get(model.size() - 1).term() + 1;
    for (long t = 0; t <= maxTerm; t++) {
      long first = 0;
      long last = 0;
      for (int i = 0; i < model.size(); i++) {
        if (model.get(i).term() == t) {
          first = first == 0 ? i + 1 : first;
          last = i + 1;
        }
      }
      assertEquals(first, log.firstIndexOfTerm(t), ctx + ": firstIndexOfTerm(" + t + ")");
      assertEquals(last, log.lastIndexOfTerm(t), ctx + ": lastIndexOfTerm(" + t + ")");
    }
  }

  @Test
  void when_terms_vary_then_term_searches_find_the_edges_of_each_run() {
    // Terms: 1 1 1 4 4 5 5 6 6 6 (the thesis's Figure 7-like leader log).
    long[] terms = {1, 1, 1, 4, 4, 5, 5, 6, 6, 6};
    Log log = Log.EMPTY;
    for (int i = 0; i < terms.length; i++) {
      log = log.append(e(terms[i], i));
    }
    assertEquals(1, log.firstIndexOfTerm(1));
    assertEquals(3, log.lastIndexOfTerm(1));
    assertEquals(4, log.firstIndexOfTerm(4));
    assertEquals(5, log.lastIndexOfTerm(4));
    assertEquals(0, log.firstIndexOfTerm(2));
    assertEquals(0, log.lastIndexOfTerm(3));
    assertEquals(8, log.firstIndexOfTerm(6));
    assertEquals(10, log.lastIndexOfTerm(6));
    assertEquals(0, log.firstIndexOfTerm(7));
    assertTrue(log.matches(0, 0));
    assertTrue(log.matches(5, 4));
    assertTrue(!log.matches(5, 5) && !log.matches(11, 6));
  }

  @Test
  void when_indexes_are_out_of_range_then_log_refuses_them() {
    Log log = Log.of(entries(40));
    assertThrows(IndexOutOfBoundsException.class, () -> log.entry(0));
    assertThrows(IndexOutOfBoundsException.class, () -> log.entry(41));
    assertThrows(IndexOutOfBoundsException.class, () -> log.truncateAfter(-1));
    assertThrows(IndexOutOfBoundsException.class, () -> log.truncateAfter(41));
    assertThrows(IndexOutOfBoundsException.class, () -> log.slice(0, 2));
    assertThrows(IndexOutOfBoundsException.class, () -> log.slice(3, 2));
    assertThrows(IndexOutOfBoundsException.class, () -> log.slice(1, 42));
    assertEquals(0, log.slice(41, 41).size());
    assertThrows(UnsupportedOperationException.class, () -> log.slice(1, 3).set(0, e(1, 1)));
  }

  @Test
  void when_logs_hold_the_same_entries_then_they_are_equal_however_they_were_built() {
    List<Entry> all = entries(1100);
    Log a = Log.of(all);
    Log b = Log.of(all.subList(0, 1050)).truncateAfter(1000).appendAll(all.subList(1000, 1100));
    assertEquals(a, b);
    assertEquals(a.hashCode(), b.hashCode());
    assertNotEquals(a, b.truncateAfter(1099));
    assertNotEquals(a, b.truncateAfter(1099).append(e(99, 1)));
    assertSame(a, a.truncateAfter(1100));
    assertSame(Log.EMPTY, a.truncateAfter(0));
    assertEquals("[1:v1 1:v2]", Log.EMPTY.append(new Entry(1, Payload.Data.of((byte) 1)))
        .append(new Entry(1, Payload.Data.of((byte) 2))).toString());
  }

  @Test
  void when_versions_share_structure_or_not_then_first_difference_is_the_naive_one() {
    for (long seed : new long[] {7L, Long.getLong("refraft.seed", System.nanoTime())}) {
      System.out.println("LogTest firstDifference seed=" + seed + " (rerun: -Drefraft.seed=" + seed + ")");
      SplittableRandom r = new SplittableRandom(seed);
      List<Log> versions = new ArrayList<>(List.of(Log.EMPTY));
      Log log = Log.EMPTY;
      for (int op = 0; op < 400; op++) {
        int kind = r.nextInt(10);
        if (kind < 6) {
          for (int k = r.nextInt(1, 80); k > 0; k--) {
            log = log.append(e(1 + op / 50, r.nextInt(4))); // few distinct values: equal but unshared entries
          }
        } else if (kind < 9) {
          log = log.truncateAfter(r.nextLong(log.lastIndex() + 1));
        } else { // the same entries in a log built separately: equal values, no shared nodes
          log = Log.of(new ArrayList<>(log.slice(1, log.lastIndex() + 1)));
        }
        versions.add(log);
      }
      for (int k = 0; k < 3000; k++) {
        Log a = versions.get(r.nextInt(versions.size()));
        Log b = r.nextInt(4) == 0 ? a : versions.get(r.nextInt(versions.size()));
        assertEquals(naiveFirstDifference(a, b), a.firstDifference(b), "seed " + seed + " pair " + k);
        assertEquals(naiveFirstDifference(a, b), b.firstDifference(a), "seed " + seed + " pair " + k + " swapped");
        assertEquals(a.lastIndex() == b.lastIndex() && naiveFirstDifference(a, b) > a.lastIndex(), a.equals(b));
      }
    }
  }

  private static long naiveFirstDifference(Log a, Log b) {
    long n = Math.min(a.lastIndex(), b.lastIndex());
    for (long i = 1; i <= n; i++) {
      if (!a.entry(i).equals(b.entry(i))) {
        return i;
      }
    }
    return n + 1;
  }
}
