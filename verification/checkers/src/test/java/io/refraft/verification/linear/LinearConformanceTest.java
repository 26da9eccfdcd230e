package io.refraft.verification.linear;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.refraft.verification.history.Edn;
import io.refraft.verification.history.History;
import io.refraft.verification.history.HistoryFormat;
import io.refraft.verification.history.RefData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The verdicts the original projects' own tests assert on their data (refdata's verdicts.tsv):
 * Porcupine's etcd logs and kv histories, Knossos' cas-register and multi-register files.
 */
class LinearConformanceTest {

  /** One row of verdicts.tsv that this checker covers. */
  record Case(String path, boolean linearizable) {}

  static List<Case> cases(Path root) throws Exception {
    List<Case> out = new ArrayList<>();
    for (String line : Files.readAllLines(root.resolve("verdicts.tsv"))) {
      String[] cols = line.split("\t");
      if (cols.length < 3 || !(cols[0].startsWith("porcupine/") || cols[0].startsWith("knossos/data/cas-register/")
          || cols[0].startsWith("knossos/data/multi-register/"))) {
        continue;
      }
      if (cols[2].startsWith("none")) {
        continue; // etcd_095 is empty: Porcupine asserts nothing about it
      }
      out.add(new Case(cols[0], switch (cols[2]) {
        case "linearizable" -> true;
        case "not-linearizable" -> false;
        default -> throw new AssertionError("unexpected verdict " + cols[2] + " for " + cols[0]);
      }));
    }
    return out;
  }

  /** The model each source's own test uses. */
  static Model<?> modelFor(String path) {
    if (path.startsWith("porcupine/test_data/jepsen/")) {
      return CasRegister.etcd();
    }
    if (path.startsWith("porcupine/test_data/kv/")) {
      return new KvModel();
    }
    if (path.startsWith("knossos/data/multi-register/")) {
      @SuppressWarnings("unchecked")
      Map<Object, Object> init = (Map<Object, Object>) Edn.read("{:x 0 :y 0}");
      return new MultiRegister(init);
    }
    return CasRegister.casRegister(0L);
  }

  @TestFactory
  List<DynamicTest> reference_verdicts() throws Exception {
    Path root = RefData.root();
    List<Case> cases = cases(root);
    assertEquals(102 + 6 + 120 + 1, cases.size(), "rows of verdicts.tsv covered");
    List<DynamicTest> tests = new ArrayList<>();
    for (Case c : cases) {
      tests.add(DynamicTest.dynamicTest(c.path(), () -> {
        History h = HistoryFormat.AUTO.read(root.resolve(c.path()));
        LinearResult r = LinearChecker.check(modelFor(c.path()), h, Duration.ofSeconds(60));
        if (c.linearizable()) {
          assertInstanceOf(LinearResult.Valid.class, r, () -> c.path() + ": " + r);
        } else {
          LinearResult.Invalid bad = assertInstanceOf(LinearResult.Invalid.class, r, () -> c.path() + ": " + r);
          assertTrue(bad.longestPrefix().size() < bad.partitionOps().size(), c.path());
        }
      }));
    }
    return tests;
  }

  @Test
  void empty_etcd_log_has_no_operations() throws Exception {
    Path empty = RefData.root().resolve("porcupine/test_data/jepsen/etcd_095.log");
    History h = HistoryFormat.AUTO.read(empty);
    assertTrue(h.isEmpty());
    assertEquals(new LinearResult.Valid(1, 0), LinearChecker.check(CasRegister.etcd(), h, Duration.ofSeconds(1)));
  }

  @Test
  void knossos_named_failures_are_the_ops_its_tests_name() throws Exception {
    Path root = RefData.root();
    LinearResult.Invalid minimal = (LinearResult.Invalid) LinearChecker.check(CasRegister.casRegister(null),
        HistoryFormat.AUTO.read(root.resolve("knossos/data/cas-register/bad/rethink-fail-minimal.edn")),
        Duration.ofSeconds(10));
    assertEquals(4, minimal.blocked().completion().index(), "Knossos: process 1 ok read 3 at index 4");
    assertEquals(3L, minimal.blocked().completion().value());
    LinearResult.Invalid analysis = (LinearResult.Invalid) LinearChecker.check(CasRegister.casRegister(0L),
        HistoryFormat.AUTO.read(root.resolve("knossos/data/cas-register/bad/bad-analysis.edn")), Duration.ofSeconds(10));
    assertEquals(14, analysis.blocked().completion().index(), "Knossos: process 21 ok read 2 at index 14");
    assertEquals(21L, analysis.blocked().process());
    LinearResult.Invalid casFailure = (LinearResult.Invalid) LinearChecker.check(CasRegister.casRegister(0L),
        HistoryFormat.AUTO.read(root.resolve("knossos/data/cas-register/bad/cas-failure.edn")), Duration.ofSeconds(10));
    assertEquals(491, casFailure.blocked().completion().index(), "Knossos: process 70 ok read 0 at index 491");
    assertEquals(0L, casFailure.blocked().completion().value());
    assertFalse(casFailure.explanation().isEmpty());
  }
}
