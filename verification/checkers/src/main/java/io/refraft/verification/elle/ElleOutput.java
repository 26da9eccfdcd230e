package io.refraft.verification.elle;

import io.refraft.verification.history.Op;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Writes a result the way Elle's {@code :directory} option does: {@code <type>.txt} with every
 * anomaly's explanation, and {@code <type>/<n>.dot} (plus {@code .svg} when Graphviz's
 * {@code dot} is on the PATH) for each cycle.
 */
public final class ElleOutput {
  private ElleOutput() {}

  /** Writes explanations and cycle graphs under {@code dir}, which is created if needed. */
  public static void writeAll(ElleResult result, Path dir) throws IOException {
    Files.createDirectories(dir);
    boolean dot = dotOnPath();
    for (Map.Entry<AnomalyType, List<Anomaly>> e : result.anomalies().entrySet()) {
      String name = e.getKey().elleName();
      StringBuilder txt = new StringBuilder();
      List<Anomaly> list = e.getValue();
      for (int i = 0; i < list.size(); i++) {
        txt.append(name).append(" #").append(i).append('\n').append(list.get(i).explanation()).append("\n\n");
        Anomaly.Cycle c = switch (list.get(i)) {
          case Anomaly.Cycle cycle -> cycle;
          case Anomaly.SearchTimeout t -> t.fallback();
          case Anomaly.OpAnomaly o -> null;
        };
        if (c != null) {
          Path d = dir.resolve(name).resolve(i + ".dot");
          writeDot(c, d);
          if (dot) {
            renderSvg(d);
          }
        }
      }
      writeAtomically(dir.resolve(name + ".txt"), txt.toString());
    }
  }

  /** Writes one cycle as a Graphviz digraph: nodes are T1..Tn, edges are labelled ww/wr/rw/process/realtime. */
  public static void writeDot(Anomaly.Cycle cycle, Path file) throws IOException {
    StringBuilder s = new StringBuilder("digraph \"").append(cycle.type().elleName()).append("\" {\n");
    s.append("  node [shape=box, fontname=\"monospace\"];\n");
    int k = cycle.ops().size();
    for (int i = 0; i < k; i++) {
      s.append("  T").append(i + 1).append(" [label=\"").append(escape("T" + (i + 1) + " " + edn(cycle.ops().get(i))))
          .append("\"];\n");
    }
    for (int i = 0; i < k; i++) {
      Anomaly.Step st = cycle.steps().get(i);
      s.append("  T").append(i + 1).append(" -> T").append((i + 1) % k + 1).append(" [label=\"")
          .append(st.type().elleName()).append("\", color=").append(color(st.type()))
          .append(", tooltip=\"").append(escape(st.why())).append("\"];\n");
    }
    s.append("}\n");
    if (file.getParent() != null) {
      Files.createDirectories(file.getParent());
    }
    writeAtomically(file, s.toString());
  }

  private static String color(EdgeType t) {
    return switch (t) {
      case WW -> "\"#C02700\"";
      case WR -> "\"#C000A5\"";
      case RW -> "\"#5B00C0\"";
      case PROCESS -> "\"#00C018\"";
      case REALTIME -> "\"#0050C0\"";
    };
  }

  private static String escape(String s) {
    return s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
  }

  /** An op printed as a Jepsen EDN map, for explanations. */
  static String edn(Op op) {
    return "{:index " + op.index() + ", :type :" + op.type().keyword() + ", :process " + ednValue(op.process())
        + ", :f " + op.f() + ", :value " + ednValue(op.value()) + "}";
  }

  private static String ednValue(Object v) {
    if (v == null) {
      return "nil";
    }
    if (v instanceof String s) {
      return "\"" + s.replace("\"", "\\\"") + "\"";
    }
    if (v instanceof List<?> l) {
      StringBuilder b = new StringBuilder("[");
      for (int i = 0; i < l.size(); i++) {
        b.append(i > 0 ? " " : "").append(ednValue(l.get(i)));
      }
      return b.append(']').toString();
    }
    return v.toString();
  }

  private static void writeAtomically(Path file, String content) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.writeString(tmp, content, StandardCharsets.UTF_8);
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  static boolean dotOnPath() {
    String path = System.getenv("PATH");
    if (path == null) {
      return false;
    }
    for (String dir : path.split(File.pathSeparator)) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, "dot"))) {
        return true;
      }
    }
    return false;
  }

  /** Renders {@code x.dot} to {@code x.svg}; a failing or slow dot leaves no svg and is not an error. */
  private static void renderSvg(Path dotFile) throws IOException {
    Path svg = dotFile.resolveSibling(dotFile.getFileName().toString().replaceFirst("\\.dot$", ".svg"));
    Process p = new ProcessBuilder("dot", "-Tsvg", "-o", svg.toString(), dotFile.toString())
        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    try {
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        Files.deleteIfExists(svg);
      }
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
