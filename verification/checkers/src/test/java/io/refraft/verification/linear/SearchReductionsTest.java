package io.refraft.verification.linear;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.refraft.verification.history.Edn;
import io.refraft.verification.history.History;
import io.refraft.verification.history.HistoryFormat;
import io.refraft.verification.history.OpPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The search's reductions (reads taken without branching, the due op first, crashed ops dropped
 * when unobserved, refuted configurations covering ones with more crashed ops) keep its verdicts:
 * small cas histories they touch, and random small histories against a brute-force search.
 */
class SearchReductionsTest {
  private static final Duration LONG = Duration.ofSeconds(30);

  private static LinearResult check(String text) throws Exception {
    return LinearChecker.check(CasRegister.casRegister(0L), HistoryFormat.EDN.read("t.edn", text), LONG);
  }

  @Test
  void a_crashed_cas_that_was_read_cannot_be_undone_by_a_later_read() throws Exception {
    // The crashed cas 1 -> 2 was read (so it is kept and took effect); nothing writes 1 again.
    String bad = """
        {:process 0, :type :invoke, :f :write, :value 1}
        {:process 0, :type :ok, :f :write, :value 1}
        {:process 1, :type :invoke, :f :cas, :value [1 2]}
        {:process 1, :type :info, :f :cas, :value [1 2]}
        {:process 2, :type :invoke, :f :read, :value nil}
        {:process 2, :type :ok, :f :read, :value 2}
        {:process 3, :type :invoke, :f :read, :value nil}
        {:process 3, :type :ok, :f :read, :value 1}
        """;
    LinearResult.Invalid r = assertInstanceOf(LinearResult.Invalid.class, check(bad));
    assertEquals(7, r.blocked().completion().index(), r.explanation());
    // With a crashed write of 1 after the read of 2 the same history is linearizable.
    String reordered = bad.lines().toList().subList(0, 6).stream().map(l -> l + "\n").reduce("", String::concat)
        + "{:process 4, :type :invoke, :f :write, :value 1}\n{:process 4, :type :info, :f :write, :value 1}\n"
        + "{:process 3, :type :invoke, :f :read, :value nil}\n{:process 3, :type :ok, :f :read, :value 1}\n";
    assertInstanceOf(LinearResult.Valid.class, check(reordered));
  }

  @Test
  void a_read_cannot_see_a_crashed_write_invoked_after_it_returned() throws Exception {
    String bad = """
        {:process 0, :type :invoke, :f :read, :value nil}
        {:process 0, :type :ok, :f :read, :value 3}
        {:process 1, :type :invoke, :f :write, :value 3}
        {:process 1, :type :info, :f :write, :value 3}
        {:process 2, :type :invoke, :f :cas, :value [0 3]}
        {:process 2, :type :fail, :f :cas, :value [0 3]}
        """;
    assertInstanceOf(LinearResult.Invalid.class, check(bad));
  }

  @Test
  void concurrent_reads_of_one_value_need_the_write_between_them() throws Exception {
    // Reads of 0, 1, 0 in real-time order: only a crashed write of 0 after the write of 1 fixes it.
    String bad = """
        {:process 0, :type :invoke, :f :write, :value 1}
        {:process 1, :type :invoke, :f :read, :value nil}
        {:process 1, :type :ok, :f :read, :value 0}
        {:process 1, :type :invoke, :f :read, :value nil}
        {:process 1, :type :ok, :f :read, :value 1}
        {:process 1, :type :invoke, :f :read, :value nil}
        {:process 1, :type :ok, :f :read, :value 0}
        {:process 0, :type :ok, :f :write, :value 1}
        """;
    assertInstanceOf(LinearResult.Invalid.class, check(bad));
    String fixed = bad.replace("{:process 1, :type :ok, :f :read, :value 1}\n",
        "{:process 1, :type :ok, :f :read, :value 1}\n{:process 2, :type :invoke, :f :write, :value 0}\n"
            + "{:process 2, :type :info, :f :write, :value 0}\n");
    assertInstanceOf(LinearResult.Valid.class, check(fixed));
  }

  @Test
  void random_small_cas_histories_get_the_brute_force_verdict() {
    long seed = System.nanoTime();
    System.out.println("SearchReductionsTest seed " + seed);
    SplittableRandom rnd = new SplittableRandom(seed);
    int valid = 0;
    int invalid = 0;
    for (int i = 0; i < 1500; i++) {
      long s = rnd.nextLong();
      var spec = new RegisterHistories.Spec(3 + rnd.nextInt(8), 2 + rnd.nextInt(3), rnd.nextInt(3) * 0.15,
          rnd.nextInt(3) * 0.25, rnd.nextInt(3), s, 2 + rnd.nextInt(2));
      History h = RegisterHistories.generate(spec);
      CasRegister model = CasRegister.casRegister(0L);
      boolean expected = BruteForce.linearizable(model, h);
      LinearResult r = LinearChecker.check(model, h, LONG);
      String ctx = "seed " + seed + ", history " + i + " (" + spec + "):\n" + Edn.print(h.ops());
      assertEquals(expected, r instanceof LinearResult.Valid, ctx + "\n" + r);
      if (expected) {
        valid++;
      } else {
        invalid++;
      }
    }
    assertTrue(valid > 100 && invalid > 100, "both verdicts occur: " + valid + " valid, " + invalid + " invalid");
  }

  /**
   * Every order of the ops that respects real time, each crashed op taken or not: exponential,
   * with only a cache of refuted (done set, state) pairs, for histories of a dozen ops.
   */
  static final class BruteForce {
    private final CasRegister model;
    private final List<Operation> ops = new ArrayList<>();
    private final List<long[]> span = new ArrayList<>();
    private final Set<List<Object>> refuted = new HashSet<>();

    private BruteForce(CasRegister model) {
      this.model = model;
    }

    static boolean linearizable(CasRegister model, History h) {
      BruteForce b = new BruteForce(model);
      for (OpPair p : h.clientOps().pairs()) {
        Operation op = model.operation(p);
        if (op != null) {
          b.ops.add(op);
          b.span.add(new long[] {p.invoke().index(), op.outputKnown() ? p.completion().index() : Long.MAX_VALUE});
        }
      }
      return b.search(0L, model.init());
    }

    private boolean search(long done, CasRegister.Value state) {
      boolean complete = true;
      for (int i = 0; i < ops.size(); i++) {
        complete &= (done & (1L << i)) != 0 || !ops.get(i).outputKnown();
      }
      if (complete) {
        return true;
      }
      if (!refuted.add(List.of(done, state))) {
        return false;
      }
      for (int i = 0; i < ops.size(); i++) {
        if ((done & (1L << i)) == 0 && minimal(done, i)) {
          CasRegister.Value next = model.step(state, ops.get(i));
          if (next != null && search(done | (1L << i), next)) {
            return true;
          }
        }
      }
      return false;
    }

    /** No op still to do returned before op i was invoked. */
    private boolean minimal(long done, int i) {
      for (int j = 0; j < ops.size(); j++) {
        if ((done & (1L << j)) == 0 && span.get(j)[1] < span.get(i)[0]) {
          return false;
        }
      }
      return true;
    }
  }
}
