package io.refraft.verification.elle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.refraft.verification.history.History;
import io.refraft.verification.history.HistoryFormat;
import io.refraft.verification.history.RefData;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Conformance with the verdicts Elle's own tests assert on its reference histories (refdata/verdicts.tsv). */
class ElleRefdataTest {

  private static History read(String name) throws Exception {
    Path p = RefData.root().resolve("elle/histories").resolve(name);
    return HistoryFormat.EDN.read(p);
  }

  /** Elle's intermediate-sequential-extension-test: SI holds, repeatable read does not. */
  @Test
  void si_without_g_single_is_G2_item_and_not_repeatable_read() throws Exception {
    ElleResult r = Elle.listAppend(read("si-without-g-single.edn"),
        Options.of(ConsistencyModel.SNAPSHOT_ISOLATION, ConsistencyModel.REPEATABLE_READ));
    assertEquals(List.of("G2-item"), r.anomalyTypeNames());
    assertEquals(List.of("repeatable-read"), r.notNames());
    assertFalse(r.alsoNot().contains(ConsistencyModel.SNAPSHOT_ISOLATION));
    assertEquals(ElleResult.Validity.FALSE, r.valid());
    assertEquals(ElleResult.Validity.TRUE,
        Elle.listAppend(read("si-without-g-single.edn"), Options.of(ConsistencyModel.SNAPSHOT_ISOLATION)).valid());
  }

  /**
   * Elle's huge-scc-test: invalid under strict serializability. Elle's own anomaly set there depends
   * on its search timeouts, so only the verdict and the presence of a realtime cycle are asserted.
   */
  @Test
  void huge_scc_is_not_strict_serializable() throws Exception {
    History h = read("huge-scc.edn");
    long start = System.nanoTime();
    ElleResult r = Elle.listAppend(h, Options.defaults());
    long ms = (System.nanoTime() - start) / 1_000_000;
    System.out.println("huge-scc: " + r.anomalyTypeNames() + " not " + r.notNames() + " in " + ms + " ms");
    assertEquals(ElleResult.Validity.FALSE, r.valid());
    assertTrue(r.alsoNot().contains(ConsistencyModel.STRICT_SERIALIZABLE)
        || r.not().contains(ConsistencyModel.STRICT_SERIALIZABLE), r.notNames()::toString);
  }

  /**
   * The paper's example: no verdict is asserted upstream, and its ops carry no :process and no :f.
   * By hand: T4's append of 3 to key 256 was never read, so it follows T3's 4, the last element
   * read (T3 -ww-> T4); T4 read key 255 without T2's 8 (T4 -rw-> T2); T3 read T2's 8 (T2 -wr-> T3):
   * a cycle with one rw edge, G-single. Other cycles of the component need two adjacent rw edges.
   */
  @Test
  void the_paper_example_has_a_G_single_cycle() throws Exception {
    ElleResult r = Elle.listAppend(read("paper-example.edn"), Options.of(ConsistencyModel.SERIALIZABLE));
    assertEquals(ElleResult.Validity.FALSE, r.valid());
    assertEquals(List.of("G-single-item", "G2-item"), r.anomalyTypeNames());
    assertEquals(List.of("consistent-view", "repeatable-read"), r.notNames());
  }
}
