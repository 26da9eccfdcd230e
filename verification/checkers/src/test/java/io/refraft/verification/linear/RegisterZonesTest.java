package io.refraft.verification.linear;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.refraft.verification.history.History;
import io.refraft.verification.history.HistoryFormat;
import io.refraft.verification.history.Op;
import io.refraft.verification.history.RefData;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The polynomial decision for unique-value registers against the exhaustive search, which it must
 * agree with on every history it decides.
 */
class RegisterZonesTest {
  private static final Duration LONG = Duration.ofMinutes(1);

  /** The same register, hidden from the zones: LinearChecker can only search it. */
  record SearchOnly(CasRegister inner) implements Model<CasRegister.Value> {
    @Override
    public String name() {
      return inner.name();
    }

    @Override
    public CasRegister.Value init() {
      return inner.init();
    }

    @Override
    public CasRegister.Value step(CasRegister.Value state, Operation op) {
      return inner.step(state, op);
    }

    @Override
    public Operation operation(io.refraft.verification.history.OpPair pair) {
      return inner.operation(pair);
    }
  }

  /** What the zones decide on {@code h}'s one partition, computed as LinearChecker prepares it. */
  private static RegisterZones.Decision zones(CasRegister model, History h) {
    var part = LinearChecker.prepare(model, "all", h.clientOps(), Long.MAX_VALUE, MemoryBudget.defaults());
    return part.zones();
  }

  /** Coarsens {@code :time} so that many events share an instant (ties are concurrent). */
  private static History coarse(History h, long grain) {
    List<Op> out = new ArrayList<>();
    for (Op o : h) {
      out.add(new Op(o.index(), o.type(), o.process(), o.f(), o.value(), o.time() / grain, o.error()));
    }
    return History.of(out);
  }

  private static History withoutTime(History h) {
    List<Op> out = new ArrayList<>();
    for (Op o : h) {
      out.add(new Op(o.index(), o.type(), o.process(), o.f(), o.value(), -1, o.error()));
    }
    return History.of(out);
  }

  @Test
  void random_histories_get_the_search_verdict() {
    long seed = System.nanoTime();
    System.out.println("RegisterZonesTest seed " + seed);
    SplittableRandom rnd = new SplittableRandom(seed);
    int decided = 0;
    int invalid = 0;
    for (int i = 0; i < 3000; i++) {
      long s = rnd.nextLong();
      var spec = new RegisterHistories.Spec(4 + rnd.nextInt(14), 1 + rnd.nextInt(5), rnd.nextDouble() * 0.4, 0,
          rnd.nextInt(3), s);
      History h = RegisterHistories.generate(spec);
      h = switch (rnd.nextInt(3)) {
        case 0 -> h;
        case 1 -> coarse(h, 1 + rnd.nextInt(3000));
        default -> withoutTime(h);
      };
      CasRegister model = rnd.nextBoolean() ? CasRegister.register(null) : CasRegister.casRegister(null);
      LinearResult searched = LinearChecker.check(new SearchOnly(model), h, LONG);
      RegisterZones.Decision d = zones(model, h);
      String ctx = "seed " + seed + ", history " + i + " (generator seed " + s + "): " + h;
      assertInstanceOf(RegisterZones.Decision.class, d);
      switch (d) {
        case RegisterZones.Linearizable l -> assertInstanceOf(LinearResult.Valid.class, searched, ctx);
        case RegisterZones.NotLinearizable bad -> {
          assertInstanceOf(LinearResult.Invalid.class, searched, ctx + " zones: " + bad.explanation());
          invalid++;
        }
        case RegisterZones.NotApplicable na -> throw new AssertionError(ctx + ": not applicable: " + na.why());
      }
      decided++;
      assertEquals(searched.getClass(), LinearChecker.check(model, h, LONG).getClass(), ctx);
    }
    assertEquals(3000, decided);
    assertTrue(invalid > 100 && invalid < 2900, "both verdicts are exercised: " + invalid + " invalid");
  }

  @Test
  void zones_decide_a_long_history_with_crashed_ops_without_searching() {
    History h = RegisterHistories.generate(new RegisterHistories.Spec(100_000, 5, 0.05, 0, 0, 1));
    assertInstanceOf(RegisterZones.Linearizable.class, zones(CasRegister.register(null), h));
    // A budget too small for any search cache: only the zones can answer.
    assertInstanceOf(LinearResult.Valid.class,
        LinearChecker.check(CasRegister.register(null), h, LONG, MemoryBudget.ofBytes(1)));
  }

  @Test
  void cas_duplicate_values_and_the_initial_value_fall_back_to_the_search() throws Exception {
    History cas = RegisterHistories.generate(new RegisterHistories.Spec(50, 3, 0, 0.3, 0, 7));
    assertInstanceOf(RegisterZones.NotApplicable.class, zones(CasRegister.casRegister(null), cas));
    History twice = HistoryFormat.EDN.read("t.edn", """
        {:process 0, :type :invoke, :f :write, :value 1}
        {:process 0, :type :ok, :f :write, :value 1}
        {:process 1, :type :invoke, :f :write, :value 1}
        {:process 1, :type :ok, :f :write, :value 1}
        """);
    var na = assertInstanceOf(RegisterZones.NotApplicable.class, zones(CasRegister.register(null), twice));
    assertTrue(na.why().contains("op 0") && na.why().contains("op 2"), na.why());
    assertInstanceOf(RegisterZones.NotApplicable.class, zones(CasRegister.register(1L), twice));
  }

  @Test
  void a_read_of_a_value_never_written_is_refuted_naming_the_read() throws Exception {
    History h = HistoryFormat.EDN.read("t.edn", """
        {:process 0, :type :invoke, :f :write, :value 1}
        {:process 0, :type :ok, :f :write, :value 1}
        {:process 1, :type :invoke, :f :read, :value nil}
        {:process 1, :type :ok, :f :read, :value 7}
        """);
    var bad = assertInstanceOf(RegisterZones.NotLinearizable.class, zones(CasRegister.register(null), h));
    assertEquals(2, bad.culprit().invoke().index());
    assertTrue(bad.explanation().contains("op 2") && bad.explanation().contains("no op wrote"), bad.explanation());
  }

  @Test
  void a_read_that_returned_before_its_write_was_invoked_is_refuted() throws Exception {
    History h = HistoryFormat.EDN.read("t.edn", """
        {:process 1, :type :invoke, :f :read, :value nil}
        {:process 1, :type :ok, :f :read, :value 3}
        {:process 0, :type :invoke, :f :write, :value 3}
        {:process 0, :type :ok, :f :write, :value 3}
        """);
    var bad = assertInstanceOf(RegisterZones.NotLinearizable.class, zones(CasRegister.register(null), h));
    assertTrue(bad.explanation().contains("before op 2"), bad.explanation());
  }

  /** When the search cannot show a prefix within its bounded steps, the zones' explanation stands alone. */
  @Test
  void a_refuted_long_history_is_invalid_even_when_the_witness_search_gives_up() {
    History h = RegisterHistories.generate(new RegisterHistories.Spec(20_000, 5, 0.05, 0, 5, 3));
    assertInstanceOf(RegisterZones.NotLinearizable.class, zones(CasRegister.register(null), h));
    LinearResult r = LinearChecker.check(CasRegister.register(null), h, LONG, MemoryBudget.ofBytes(1));
    LinearResult.Invalid bad = assertInstanceOf(LinearResult.Invalid.class, r);
    assertTrue(bad.explanation().contains("must"), bad.explanation());
  }

  /** The reference histories the zones apply to (read/write ops, unique values) get their reference verdicts. */
  @Test
  void reference_histories_the_zones_apply_to_agree_with_the_search() throws Exception {
    Path root = RefData.root();
    int applicable = 0;
    int total = 0;
    for (LinearConformanceTest.Case c : LinearConformanceTest.cases(root)) {
      if (!(LinearConformanceTest.modelFor(c.path()) instanceof CasRegister reg)) {
        continue;
      }
      total++;
      History h = HistoryFormat.AUTO.read(root.resolve(c.path()));
      for (Map.Entry<Object, History> part : reg.partition(h.clientOps()).entrySet()) {
        var d = LinearChecker.prepare(reg, part.getKey(), part.getValue(), Long.MAX_VALUE, MemoryBudget.defaults()).zones();
        if (!(d instanceof RegisterZones.NotApplicable)) {
          applicable++;
          assertEquals(c.linearizable(), d instanceof RegisterZones.Linearizable, c.path());
        }
      }
    }
    System.out.println("RegisterZonesTest: the zones apply to " + applicable + " of " + total + " reference register histories");
    assertEquals(102 + 120, total);
  }
}
