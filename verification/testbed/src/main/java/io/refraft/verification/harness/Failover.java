package io.refraft.verification.harness;

import io.refraft.verification.fault.FaultKind;
import io.refraft.verification.fault.PartitionShape;
import io.refraft.verification.history.History;
import io.refraft.verification.history.Op;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What clients feel of each fault on the leader (its kill, pause or isolation): the time from the
 * fault to the first write acknowledged that a client invoked at or after it. A write invoked before
 * the fault and acknowledged after it does not count: the old leader may have committed it before it
 * failed. The first write invoked after the fault that succeeds shows a leader serving again and
 * clients that found it.
 *
 * @param windows one per fault on the leader, in order
 */
record Failover(List<Window> windows) {

  /**
   * @param recoveredNanos when the first such write was acknowledged (recorder time), -1 when none
   *                       was before the workload ended
   */
  record Window(FaultKind kind, String what, long startNanos, long recoveredNanos) {
    boolean recovered() {
      return recoveredNanos >= 0;
    }

    double seconds() {
      return (recoveredNanos - startNanos) / 1e9;
    }
  }

  /** Per fault kind: how many windows, their median and longest (seconds), and how many never closed. */
  record Summary(int faults, double p50Seconds, double maxSeconds, int unrecovered) {}

  static Failover of(History history, List<NemesisEvent> events) {
    List<long[]> writes = acknowledgedWrites(history); // {invoke, ok}, by ok time
    List<Window> out = new ArrayList<>();
    for (NemesisEvent e : events) {
      if (!onLeader(e)) {
        continue;
      }
      long first = -1;
      for (long[] w : writes) {
        if (w[0] >= e.startNanos()) {
          first = w[1];
          break;
        }
      }
      out.add(new Window(e.kind(), e.what(), e.startNanos(), first));
    }
    return new Failover(out);
  }

  /** A kill, pause, compaction or isolation aimed at the node that led when it began. */
  static boolean onLeader(NemesisEvent e) {
    return switch (e.kind()) {
      case KILL, PAUSE, COMPACT -> e.what().contains("(leader)");
      case PARTITION -> e.what().startsWith("partition " + PartitionShape.ISOLATE_LEADER.flag() + " (");
      default -> false;
    };
  }

  Map<FaultKind, Summary> summary() {
    Map<FaultKind, List<Window>> byKind = new LinkedHashMap<>();
    for (Window w : windows) {
      byKind.computeIfAbsent(w.kind(), k -> new ArrayList<>()).add(w);
    }
    Map<FaultKind, Summary> out = new LinkedHashMap<>();
    byKind.forEach((kind, ws) -> {
      double[] s = ws.stream().filter(Window::recovered).mapToDouble(Window::seconds).sorted().toArray();
      int unrecovered = ws.size() - s.length;
      out.put(kind, new Summary(ws.size(), s.length == 0 ? Double.NaN : s[(s.length - 1) / 2],
          s.length == 0 ? Double.NaN : s[s.length - 1], unrecovered));
    });
    return out;
  }

  /** Every acknowledged write as {invoke time, ok time}, ordered by ok time. */
  private static List<long[]> acknowledgedWrites(History history) {
    Map<Object, Long> invoked = new HashMap<>();
    List<long[]> out = new ArrayList<>();
    for (Op op : history) {
      if (!op.isClient()) {
        continue;
      }
      if (op.type() == Op.Type.INVOKE) {
        invoked.put(op.process(), op.time());
      } else if (op.type() == Op.Type.OK && isWrite(op) && invoked.containsKey(op.process())) {
        out.add(new long[] {invoked.get(op.process()), op.time()});
      }
    }
    out.sort((a, b) -> Long.compare(a[1], b[1]));
    return out;
  }

  private static boolean isWrite(Op op) {
    if (op.f().equals(RegisterWorkload.WRITE) || op.f().equals(RegisterWorkload.CAS)) {
      return true;
    }
    if (op.f().equals(ListAppendWorkload.TXN) && op.value() instanceof List<?> mops) {
      for (Object m : mops) {
        if (m instanceof List<?> l && !l.isEmpty() && ListAppendWorkload.APPEND.equals(l.get(0))) {
          return true;
        }
      }
    }
    return false;
  }
}
