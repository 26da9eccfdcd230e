package io.refraft.verification.harness;

import io.refraft.verification.history.History;
import io.refraft.verification.history.Op;
import io.refraft.verification.history.OpPair;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Latency and throughput of a history's client operations, for the report's plots and tables.
 *
 * @param points     one per completed operation: invoke time, latency, outcome
 * @param perSecond  completions per second of run time: {@code perSecond[s] = {ok, info, fail}}
 * @param okLatencyMs the ok operations' latencies, sorted
 */
public record Stats(List<Point> points, int[][] perSecond, double[] okLatencyMs) {

  /** One operation: invoked at {@code atSeconds}, took {@code latencyMs}. */
  public record Point(double atSeconds, double latencyMs, Op.Type type) {}

  public Stats {
    points = List.copyOf(points);
  }

  public static Stats of(History history) {
    List<Point> points = new ArrayList<>();
    List<Double> ok = new ArrayList<>();
    long last = 0;
    for (Op op : history) {
      last = Math.max(last, op.time());
    }
    int[][] perSecond = new int[(int) (last / 1_000_000_000L) + 1][3];
    for (OpPair p : history.clientOps().pairs()) {
      Op done = p.completion();
      if (done == null) {
        continue;
      }
      double latency = (done.time() - p.invoke().time()) / 1e6;
      points.add(new Point(p.invoke().time() / 1e9, latency, done.type()));
      int col = switch (done.type()) {
        case OK -> 0;
        case INFO -> 1;
        case FAIL, INVOKE -> 2;
      };
      perSecond[(int) (done.time() / 1_000_000_000L)][col]++;
      if (done.type() == Op.Type.OK) {
        ok.add(latency);
      }
    }
    double[] sorted = ok.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    return new Stats(points, perSecond, sorted);
  }

  /** The q-quantile (0..1) of ok latencies in ms, nearest rank; NaN when there is none. */
  public double okQuantile(double q) {
    if (okLatencyMs.length == 0) {
      return Double.NaN;
    }
    int rank = (int) Math.ceil(q * okLatencyMs.length);
    return okLatencyMs[Math.max(0, Math.min(okLatencyMs.length - 1, rank - 1))];
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Stats s && s.points.equals(points) && Arrays.deepEquals(s.perSecond, perSecond)
        && Arrays.equals(s.okLatencyMs, okLatencyMs);
  }

  @Override
  public int hashCode() {
    return points.hashCode();
  }

  @Override
  public String toString() {
    return "Stats[" + points.size() + " ops]";
  }
}
