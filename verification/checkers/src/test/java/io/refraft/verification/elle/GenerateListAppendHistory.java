package io.refraft.verification.elle;

import io.refraft.verification.history.History;
import io.refraft.verification.history.HistoryWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes a generated strict-serializable list-append history as Jepsen EDN (or refraft JSONL when
 * the file name ends in {@code .jsonl}), to time
 * {@code refraft check} as a whole process:
 *
 * <pre>
 * bin/refraft-tool list-append-history 100000 20 42 /tmp/la-100k.edn
 * </pre>
 */
public final class GenerateListAppendHistory {
  private GenerateListAppendHistory() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 4) {
      System.err.println("usage: GenerateListAppendHistory TXNS PROCESSES SEED OUT.edn");
      System.exit(2);
    }
    int txns = Integer.parseInt(args[0]);
    int processes = Integer.parseInt(args[1]);
    long seed = Long.parseLong(args[2]);
    History h = History.of(new ListAppendGenerator(seed, processes).generate(txns));
    try (Writer w = Files.newBufferedWriter(Path.of(args[3]), StandardCharsets.UTF_8)) {
      if (args[3].endsWith(".jsonl")) {
        HistoryWriter.writeJsonl(h, w);
      } else {
        HistoryWriter.writeEdn(h, w);
      }
    }
    System.out.println("seed " + seed + ": " + txns + " txns, " + h.size() + " ops -> " + args[3]);
  }
}
