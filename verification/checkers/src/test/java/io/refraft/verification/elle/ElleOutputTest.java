package io.refraft.verification.elle;

import static io.refraft.verification.elle.Hist.append;
import static io.refraft.verification.elle.Hist.list;
import static io.refraft.verification.elle.Hist.r;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ElleOutputTest {

  @Test
  void writes_explanations_and_one_dot_graph_per_cycle(@TempDir Path dir) throws Exception {
    Hist h = new Hist()
        .invoke(0, append(1, 1), r(2, null)).invoke(1, append(1, 2), append(2, 1))
        .ok(1, append(1, 2), append(2, 1)).ok(0, append(1, 1), r(2, list(1)))
        .txn(2, r(1, list(1, 2)));
    ElleResult r = Elle.listAppend(h.ops(), Options.of(ConsistencyModel.SERIALIZABLE));
    ElleOutput.writeAll(r, dir);
    String txt = Files.readString(dir.resolve("G1c.txt"));
    assertTrue(txt.startsWith("G1c #0\nLet:"), txt);
    String dot = Files.readString(dir.resolve("G1c/0.dot"));
    assertTrue(dot.contains("T1 -> T2 [label=\"") && dot.contains("T2 -> T1 [label=\""), dot);
    assertTrue(dot.contains("label=\"wr\"") && dot.contains("label=\"ww\""), dot);
  }
}
