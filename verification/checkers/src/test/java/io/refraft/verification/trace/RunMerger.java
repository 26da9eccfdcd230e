package io.refraft.verification.trace;

import io.refraft.traces.MessageId;
import io.refraft.traces.TraceFormatException;
import io.refraft.traces.TraceHeader;
import io.refraft.traces.TraceInput;
import io.refraft.traces.TraceReader;
import io.refraft.traces.TraceStep;
import io.refraft.traces.TraceWriter;
import io.refraft.traces.TracedMessage;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Merges the per-node trace files of one real run into one self-contained trace (traces/FORMAT.md
 * §1), in the order {@link TraceValidator#validateRun} replays them: at each point, the first file
 * whose next step is not a receive of a message not yet sent. Used to put real runs into
 * traces/corpus/valid (files named {@code real-*.ndjson}, which {@link CorpusGenerator} keeps).
 *
 * <pre>
 * bin/refraft test --time 12 --nemesis kill --rate 5 --concurrency 2 --seed S --out RUN
 * bin/refraft-tool run-merger RUN/traces traces/corpus/valid/real-kill-restart-3.ndjson "DESCRIPTION"
 * </pre>
 */
public final class RunMerger {
  private RunMerger() {}

  public static void main(String[] args) throws IOException, TraceFormatException {
    if (args.length != 3) {
      System.err.println("usage: RunMerger RUN_TRACE_DIR OUT.ndjson DESCRIPTION");
      System.exit(2);
    }
    List<Path> files;
    try (Stream<Path> s = Files.list(Path.of(args[0]))) {
      files = s.filter(f -> f.toString().endsWith(".ndjson")).sorted().toList();
    }
    int steps = merge(files, Path.of(args[1]), args[2]);
    System.out.println("merged " + steps + " steps of " + files.size() + " files into " + args[1]);
  }

  /** Writes the merged trace; returns the number of steps. */
  static int merge(List<Path> files, Path out, String description) throws IOException, TraceFormatException {
    List<TraceReader> readers = new ArrayList<>();
    try {
      for (Path f : files) {
        readers.add(TraceReader.open(f));
      }
      TraceHeader first = readers.get(0).header();
      TraceHeader header = TraceHeader.of(first.config(), first.network(), first.persistence(),
          new TraceHeader.Source(first.source().implementation(), description)).withJoining(first.joining());
      List<TraceStep> next = new ArrayList<>();
      for (TraceReader r : readers) {
        next.add(r.next());
      }
      Set<MessageId> sent = new HashSet<>();
      int steps = 0;
      Path tmp = out.resolveSibling(out.getFileName() + ".tmp");
      try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8); TraceWriter tw = new TraceWriter(w)) {
        tw.header(header);
        while (true) {
          int pick = -1;
          for (int i = 0; i < next.size() && pick < 0; i++) {
            TraceStep s = next.get(i);
            if (s != null && (!(s.input() instanceof TraceInput.MessageReceived r) || sent.contains(r.message().id()))) {
              pick = i;
            }
          }
          if (pick < 0) {
            break;
          }
          TraceStep s = next.get(pick);
          for (TracedMessage m : s.sent()) {
            sent.add(m.id());
          }
          tw.step(s);
          steps++;
          next.set(pick, readers.get(pick).next());
        }
      }
      if (next.stream().anyMatch(s -> s != null)) {
        throw new IllegalStateException("a receive of a message never sent blocks the merge; validate the run first");
      }
      Files.move(tmp, out, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      return steps;
    } finally {
      for (TraceReader r : readers) {
        r.close();
      }
    }
  }
}
