package io.refraft.verification.linear;

import io.refraft.verification.history.Edn;
import io.refraft.verification.history.Op;
import io.refraft.verification.history.OpPair;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A self-contained HTML timeline of a partition without a linearization, in the spirit of
 * Porcupine's visualization: one row per process, one bar per operation from invocation to
 * completion (to the right edge when it never completed), the longest linearizable prefix in
 * green numbered in linearization order, the op that could not be placed in red. Time is drawn
 * by event order, not to scale, so that short ops stay readable. No scripts, no external files.
 */
public final class LinearTimeline {
  private static final int COLUMN = 28;
  private static final int ROW = 30;
  private static final int LABEL = 110;

  private LinearTimeline() {}

  /** Writes the timeline to {@code file} (via a temporary file, so no half-written page is left). */
  public static void write(LinearResult.Invalid result, String title, Path file) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.writeString(tmp, render(result, title), StandardCharsets.UTF_8);
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  public static String render(LinearResult.Invalid result, String title) {
    List<OpPair> ops = result.partitionOps();
    boolean timed = ops.stream().allMatch(p -> p.invoke().time() >= 0 && (p.completion() == null || p.completion().time() >= 0));
    TreeSet<Long> keys = new TreeSet<>();
    for (OpPair p : ops) {
      keys.add(key(p.invoke(), timed));
      if (p.completion() != null) {
        keys.add(key(p.completion(), timed));
      }
    }
    Map<Long, Integer> column = new HashMap<>();
    for (long k : keys) {
      column.put(k, column.size());
    }
    int width = LABEL + (keys.size() + 2) * COLUMN;
    TreeMap<String, Integer> rows = new TreeMap<>((a, b) -> a.length() != b.length() ? a.length() - b.length() : a.compareTo(b));
    ops.forEach(p -> rows.putIfAbsent(String.valueOf(p.process()), 0));
    int r = 0;
    for (Map.Entry<String, Integer> e : rows.entrySet()) {
      e.setValue(r++);
    }
    Map<Long, Integer> order = new HashMap<>();
    for (int i = 0; i < result.longestPrefix().size(); i++) {
      order.put(result.longestPrefix().get(i).invoke().index(), i + 1);
    }
    StringBuilder sb = new StringBuilder(8192);
    head(sb, title, result);
    sb.append("<div class=\"tl\" style=\"width:").append(width).append("px;height:").append(rows.size() * ROW + 10).append("px\">\n");
    rows.forEach((name, row) -> sb.append("<div class=\"lbl\" style=\"top:").append(row * ROW).append("px\">process ")
        .append(esc(name)).append("</div>\n"));
    List<OpPair> sorted = new ArrayList<>(ops);
    for (OpPair p : sorted) {
      int x0 = LABEL + column.get(key(p.invoke(), timed)) * COLUMN;
      int x1 = p.completion() == null || p.outcome() == Op.Type.INFO
          ? width - 4 : LABEL + column.get(key(p.completion(), timed)) * COLUMN + COLUMN / 2;
      Integer rank = order.get(p.invoke().index());
      boolean blocked = result.blocked() != null && result.blocked().invoke().index() == p.invoke().index();
      String cls = blocked ? "op blocked" : rank != null ? "op lin" : "op";
      if (p.outcome() == Op.Type.INFO) {
        cls += " info";
      } else if (p.outcome() == Op.Type.FAIL) {
        cls += " fail";
      }
      sb.append("<div class=\"").append(cls).append("\" style=\"left:").append(x0).append("px;top:")
          .append(rows.get(String.valueOf(p.process())) * ROW + 4).append("px;width:").append(Math.max(8, x1 - x0))
          .append("px\" title=\"").append(esc(LinearChecker.describe(p))).append(rank == null ? "" : " — linearized #" + rank)
          .append("\">").append(rank == null ? "" : "<b>" + rank + "</b> ").append(esc(label(p))).append("</div>\n");
    }
    sb.append("</div>\n</body>\n</html>\n");
    return sb.toString();
  }

  private static void head(StringBuilder sb, String title, LinearResult.Invalid result) {
    sb.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>")
        .append(esc(title)).append("</title>\n<style>\n")
        .append("body{font:13px system-ui,sans-serif;margin:16px;color:#222}\n")
        .append(".tl{position:relative;border-top:1px solid #ccc}\n")
        .append(".lbl{position:absolute;left:0;height:30px;line-height:30px;color:#555}\n")
        .append(".op{position:absolute;height:20px;line-height:20px;font-size:11px;white-space:nowrap;overflow:hidden;")
        .append("background:#d9d9d9;border:1px solid #999;border-radius:3px;padding:0 3px;box-sizing:border-box}\n")
        .append(".op.lin{background:#b7e1b0;border-color:#4a9a3f}\n.op.blocked{background:#f4b4b4;border-color:#c0392b;border-width:2px}\n")
        .append(".op.info{border-style:dashed;background-image:linear-gradient(90deg,transparent 60%,#fff)}\n")
        .append(".op.fail{opacity:.6}\n.legend span{display:inline-block;padding:0 6px;margin-right:8px;border:1px solid #999}\n")
        .append("</style>\n</head>\n<body>\n<h1>").append(esc(title)).append("</h1>\n<p>").append(esc(result.explanation()))
        .append("</p>\n<p>Partition ").append(esc(Edn.print(result.partitionKey()))).append(": ")
        .append(result.partitionOps().size()).append(" ops; longest linearizable prefix ")
        .append(result.longestPrefix().size()).append(" ops, leaving state <code>").append(esc(result.stateAfterPrefix()))
        .append("</code>.</p>\n<p class=\"legend\"><span style=\"background:#b7e1b0\">linearized (order)</span>")
        .append("<span style=\"background:#f4b4b4\">could not be placed</span><span style=\"border-style:dashed\">")
        .append("never completed / :info (may take effect any time after its start, or never)</span>")
        .append("<span>not reached</span></p>\n");
  }

  private static long key(Op op, boolean timed) {
    return timed ? op.time() : op.index();
  }

  private static String label(OpPair p) {
    Op c = p.completion();
    String out = c == null || c.type() == Op.Type.INFO ? "?" : c.type() == Op.Type.FAIL ? "fail" : Edn.print(c.value());
    return p.f().name() + " " + Edn.print(p.invoke().value()) + " → " + out;
  }

  private static String esc(String s) {
    StringBuilder sb = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '<' -> sb.append("&lt;");
        case '>' -> sb.append("&gt;");
        case '&' -> sb.append("&amp;");
        case '"' -> sb.append("&quot;");
        default -> sb.append(c);
      }
    }
    return sb.toString();
  }
}
