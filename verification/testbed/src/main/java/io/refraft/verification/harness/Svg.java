package io.refraft.verification.harness;

import io.refraft.verification.fault.FaultKind;
import io.refraft.verification.history.Op;
import java.util.List;
import java.util.Locale;

/**
 * The report's plots as inline SVG, written here so the report needs no browser-side library:
 * latency of every operation over time (log scale, ok/info/fail coloured) and completions per second,
 * each with the nemesis' faults as shaded bands.
 */
public final class Svg {
  static final int WIDTH = 960;
  static final int HEIGHT = 300;
  static final int LEFT = 60;
  static final int RIGHT = 20;
  static final int TOP = 20;
  static final int BOTTOM = 40;

  private Svg() {}

  /** The colour of an outcome: ok blue, info orange, fail red (as Jepsen's perf plots). */
  static String colour(Op.Type t) {
    return switch (t) {
      case OK -> "#1f77b4";
      case INFO -> "#ff7f0e";
      case FAIL, INVOKE -> "#d62728";
    };
  }

  static String colour(FaultKind k) {
    return switch (k) {
      case PARTITION -> "#c7b8e6";
      case KILL -> "#f4b6b6";
      case PAUSE -> "#f7e3a1";
      case RESTART -> "#b9e3c6";
      case DISK_FULL -> "#c9d7e8";
      case COMPACT -> "#e6c9a8";
      case DROP, DUP, CRASH, FSYNC_LATENCY -> throw new IllegalArgumentException("not a nemesis: " + k);
    };
  }

  /** Latency (ms, log scale) of each operation against its invocation time (s). */
  public static String latency(Stats stats, List<NemesisEvent> events, double seconds) {
    double maxMs = 1;
    for (Stats.Point p : stats.points()) {
      maxMs = Math.max(maxMs, p.latencyMs());
    }
    double top = Math.pow(10, Math.ceil(Math.log10(maxMs)));
    double bottom = 0.1;
    StringBuilder sb = open("latency of each operation (ms, log scale) by invocation time (s)");
    bands(sb, events, seconds);
    for (double d = bottom; d <= top * 1.0001; d *= 10) {
      double y = yLog(d, bottom, top);
      line(sb, LEFT, y, WIDTH - RIGHT, y, "#e0e0e0");
      text(sb, LEFT - 6, y + 4, "end", label(d));
    }
    for (Op.Type t : new Op.Type[] {Op.Type.OK, Op.Type.FAIL, Op.Type.INFO}) {
      sb.append("<g fill=\"").append(colour(t)).append("\" fill-opacity=\"0.6\">");
      for (Stats.Point p : stats.points()) {
        if (p.type() == t) {
          sb.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"1.8\"/>", x(p.atSeconds(), seconds),
              yLog(Math.max(bottom, p.latencyMs()), bottom, top)));
        }
      }
      sb.append("</g>");
    }
    xAxis(sb, seconds);
    legend(sb);
    return sb.append("</svg>").toString();
  }

  /** Completions per second, one line per outcome. */
  public static String throughput(Stats stats, List<NemesisEvent> events, double seconds) {
    int[][] all = stats.perSecond();
    // A last, partial second would read as a collapse of throughput: only whole seconds are drawn.
    int[][] per = java.util.Arrays.copyOf(all, Math.max(0, Math.min(all.length, (int) Math.floor(seconds))));
    int peak = 1;
    for (int[] s : per) {
      for (int c : s) {
        peak = Math.max(peak, c);
      }
    }
    int step = niceStep(peak / 4.0);
    int gridLines = (peak + step - 1) / step;
    int max = gridLines * step;
    StringBuilder sb = open("completions per second by time (s)");
    bands(sb, events, seconds);
    for (int g = 0; g <= gridLines; g++) {
      double v = (double) g * step;
      double y = yLin(v, max);
      line(sb, LEFT, y, WIDTH - RIGHT, y, "#e0e0e0");
      text(sb, LEFT - 6, y + 4, "end", String.format(Locale.ROOT, "%.0f", v));
    }
    Op.Type[] types = {Op.Type.OK, Op.Type.INFO, Op.Type.FAIL};
    for (int col = 0; col < 3; col++) {
      sb.append("<polyline fill=\"none\" stroke-width=\"1.5\" stroke=\"").append(colour(types[col])).append("\" points=\"");
      for (int s = 0; s < per.length; s++) {
        sb.append(String.format(Locale.ROOT, "%.1f,%.1f ", x(s + 0.5, seconds), yLin(per[s][col], max)));
      }
      sb.append("\"/>");
    }
    xAxis(sb, seconds);
    legend(sb);
    return sb.append("</svg>").toString();
  }

  /** Node colours for {@link #nodeLines}, one per node in order (cycled beyond seven). */
  private static final String[] NODE_COLOURS = {"#1f77b4", "#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#17becf",
      "#7f7f7f"};

  /**
   * One line per node of a value over the run (a metric scraped from the nodes' {@code /metrics}),
   * with the nemesis' faults as bands; a gap in a node's scrapes (killed, paused) stays a gap.
   *
   * @param lines per node, (seconds, value) points in time order
   */
  public static String nodeLines(String title, List<List<double[]>> lines, List<NemesisEvent> events, double seconds) {
    double peak = 0;
    for (List<double[]> l : lines) {
      for (double[] p : l) {
        peak = Math.max(peak, p[1]);
      }
    }
    double step = fineStep(Math.max(peak, 1e-9) / 4.0);
    int gridLines = Math.max(1, (int) Math.ceil(peak / step));
    double max = gridLines * step;
    StringBuilder sb = open(title);
    bands(sb, events, seconds);
    for (int g = 0; g <= gridLines; g++) {
      double y = yLin(g * step, max);
      line(sb, LEFT, y, WIDTH - RIGHT, y, "#e0e0e0");
      text(sb, LEFT - 6, y + 4, "end", axisLabel(g * step));
    }
    for (int n = 0; n < lines.size(); n++) {
      String colour = NODE_COLOURS[n % NODE_COLOURS.length];
      List<double[]> l = lines.get(n);
      sb.append("<polyline fill=\"none\" stroke-width=\"1.5\" stroke=\"").append(colour).append("\" points=\"");
      for (int i = 0; i < l.size(); i++) {
        if (i > 0 && l.get(i)[0] - l.get(i - 1)[0] > 2.5) { // more than two scrapes missed: break the line
          sb.append("\"/><polyline fill=\"none\" stroke-width=\"1.5\" stroke=\"").append(colour).append("\" points=\"");
        }
        sb.append(String.format(Locale.ROOT, "%.1f,%.1f ", x(l.get(i)[0], seconds), yLin(l.get(i)[1], max)));
      }
      sb.append("\"/>");
      sb.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"10\" height=\"3\" fill=\"%s\"/>",
          LEFT + 10 + 60 * n, HEIGHT - 10, colour));
      text(sb, LEFT + 24 + 60 * n, HEIGHT - 4, "start", LocalCluster.id(n));
    }
    xAxis(sb, seconds);
    return sb.append("</svg>").toString();
  }

  /** A linear axis label: whole numbers plainly, fractions with what their step needs. */
  private static String axisLabel(double v) {
    return v == Math.rint(v) ? String.format(Locale.ROOT, "%.0f", v) : String.format(Locale.ROOT, "%.2g", v);
  }

  /** {@link #niceStep} for axes with fractions: 1, 2 or 5 times any power of ten, 0.02 included. */
  static double fineStep(double raw) {
    double p = Math.pow(10, Math.floor(Math.log10(raw)));
    for (int m : new int[] {1, 2, 5, 10}) {
      if (m * p >= raw) {
        return m * p;
      }
    }
    return 10 * p;
  }

  /** The smallest of 1, 2, 5 times a power of ten that is at least {@code raw}: round axis labels. */
  static int niceStep(double raw) {
    int p = 1;
    while (true) {
      for (int m : new int[] {1, 2, 5}) {
        if (m * p >= raw) {
          return m * p;
        }
      }
      p *= 10;
    }
  }

  private static StringBuilder open(String title) {
    StringBuilder sb = new StringBuilder();
    sb.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
        + "viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"11\">", WIDTH, HEIGHT, WIDTH, HEIGHT));
    sb.append("<title>").append(Html.escape(title)).append("</title>");
    sb.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"white\" stroke=\"#999\"/>",
        LEFT, TOP, WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM));
    return sb;
  }

  private static void bands(StringBuilder sb, List<NemesisEvent> events, double seconds) {
    for (NemesisEvent e : events) {
      double x0 = x(e.startNanos() / 1e9, seconds);
      double x1 = x((e.endNanos() < 0 ? seconds * 1e9 : e.endNanos()) / 1e9, seconds);
      sb.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\" "
          + "fill-opacity=\"0.6\"><title>%s</title></rect>", x0, TOP, Math.max(1, x1 - x0), HEIGHT - TOP - BOTTOM,
          colour(e.kind()), Html.escape(e.what())));
    }
  }

  private static void xAxis(StringBuilder sb, double seconds) {
    double step = seconds <= 20 ? 2 : seconds <= 60 ? 5 : seconds <= 300 ? 30 : 60;
    for (double s = 0; s <= seconds + 1e-9; s += step) {
      double x = x(s, seconds);
      line(sb, x, HEIGHT - BOTTOM, x, HEIGHT - BOTTOM + 4, "#333");
      text(sb, x, HEIGHT - BOTTOM + 16, "middle", String.format(Locale.ROOT, "%.0f", s));
    }
  }

  private static void legend(StringBuilder sb) {
    int x = LEFT + 10;
    for (Op.Type t : new Op.Type[] {Op.Type.OK, Op.Type.INFO, Op.Type.FAIL}) {
      sb.append(String.format(Locale.ROOT, "<circle cx=\"%d\" cy=\"%d\" r=\"4\" fill=\"%s\"/>", x, HEIGHT - 8, colour(t)));
      text(sb, x + 8, HEIGHT - 4, "start", t.keyword());
      x += 60;
    }
    for (FaultKind k : FaultKind.NEMESES) {
      sb.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"10\" height=\"10\" fill=\"%s\"/>", x,
          HEIGHT - 13, colour(k)));
      text(sb, x + 14, HEIGHT - 4, "start", k.flag());
      x += 80;
    }
  }

  static double x(double s, double seconds) {
    return LEFT + (WIDTH - LEFT - RIGHT) * Math.max(0, Math.min(1, s / seconds));
  }

  private static double yLog(double v, double bottom, double top) {
    double f = (Math.log10(v) - Math.log10(bottom)) / (Math.log10(top) - Math.log10(bottom));
    return HEIGHT - BOTTOM - (HEIGHT - TOP - BOTTOM) * Math.max(0, Math.min(1, f));
  }

  private static double yLin(double v, double max) {
    return HEIGHT - BOTTOM - (HEIGHT - TOP - BOTTOM) * v / max;
  }

  private static void line(StringBuilder sb, double x1, double y1, double x2, double y2, String stroke) {
    sb.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\"/>", x1, y1,
        x2, y2, stroke));
  }

  private static void text(StringBuilder sb, double x, double y, String anchor, String s) {
    sb.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\">%s</text>", x, y, anchor,
        Html.escape(s)));
  }

  private static String label(double ms) {
    return ms >= 1000 ? String.format(Locale.ROOT, "%.0f s", ms / 1000) : ms >= 1
        ? String.format(Locale.ROOT, "%.0f ms", ms) : String.format(Locale.ROOT, "%.1f ms", ms);
  }
}
