package io.refraft.verification.harness;

import io.refraft.verification.fault.FaultKind;
import io.refraft.verification.fault.PartitionShape;
import io.refraft.verification.history.Keyword;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Plays a {@link NemesisSchedule} against a {@link LocalCluster}: injects each fault at its time,
 * heals it at its end, and records both as Jepsen nemesis ops and as {@link NemesisEvent}s for the report's
 * timeline. Partitions go through every node's {@code /admin/block} (both ends of each cut link),
 * process faults through signals.
 */
final class NemesisRunner implements Runnable {

  private final LocalCluster cluster;
  private final Admin admin;
  private final Optional<NodeDisks> disks;
  private final Recorder recorder;
  private final NemesisSchedule schedule;
  private final ProgressLog progress;
  private final CountDownLatch stop = new CountDownLatch(1);
  private final List<NemesisEvent> events = new ArrayList<>();
  private final CompactNemesis compaction;

  NemesisRunner(LocalCluster cluster, Admin admin, Optional<NodeDisks> disks, Recorder recorder,
      NemesisSchedule schedule, ProgressLog progress) {
    this.cluster = cluster;
    this.admin = admin;
    this.disks = disks;
    this.recorder = recorder;
    this.schedule = schedule;
    this.progress = progress;
    this.compaction = new CompactNemesis(cluster, admin, recorder::now);
  }

  /** Makes {@link #run} heal the active fault and return at once. */
  void stop() {
    stop.countDown();
  }

  synchronized List<NemesisEvent> events() {
    return List.copyOf(events);
  }

  /** What each compact fault achieved ({@link CompactNemesis}); complete once {@link #finishCatchUps} returned. */
  List<SnapshotCatchUp> catchUps() {
    return compaction.outcomes();
  }

  /** After the final heal: finishes the watches of nodes that came back just before the run ended. */
  void finishCatchUps() throws InterruptedException {
    compaction.finish();
  }

  @Override
  public void run() {
    try {
      List<NemesisSchedule.Entry> entries = schedule.entries();
      for (int k = 0; k < entries.size(); k++) {
        NemesisSchedule.Entry e = entries.get(k);
        if (waitUntil(e.startNanos())) {
          // Faults run one at a time, each after the previous one healed; a restart that came up late
          // can push the rest past the end of the run. Say so rather than drop them silently.
          progress.line("nemesis: the run ended before " + (entries.size() - k) + " of " + entries.size()
              + " planned faults could start");
          return;
        }
        Runnable heal = inject(e.fault());
        boolean stopped = waitUntil(e.endNanos());
        heal.run();
        if (stopped) {
          return;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Waits until {@code nanos} after the start; true if stopped first. */
  private boolean waitUntil(long nanos) throws InterruptedException {
    long wait = nanos - recorder.now();
    return wait > 0 ? stop.await(wait, TimeUnit.NANOSECONDS) : stop.getCount() == 0;
  }

  /** Injects {@code f}; returns what heals it. */
  private Runnable inject(Fault f) throws InterruptedException {
    return switch (f) {
      case Fault.Partition p -> partition(p);
      case Fault.Compact c -> compact(c);
      case Fault.Kill k -> {
        int i = resolve(k.target());
        String what = Fault.describe(f).replace("leader", LocalCluster.id(i) + " (leader)");
        int code = cluster.kill(i);
        int at = begin(FaultKind.KILL, Keyword.of("kill"), LocalCluster.id(i), what, "exit status " + code);
        yield () -> restart(at, i);
      }
      case Fault.Restart r -> {
        int i = resolve(r.target());
        String what = Fault.describe(f).replace("leader", LocalCluster.id(i) + " (leader)");
        int code = cluster.stop(i);
        int at = begin(FaultKind.RESTART, Keyword.of("stop"), LocalCluster.id(i), what, "SIGTERM, exit status " + code);
        yield () -> restart(at, i);
      }
      case Fault.DiskFull d -> {
        int i = resolve(d.target());
        String what = Fault.describe(f).replace("leader", LocalCluster.id(i) + " (leader)");
        NodeDisks nd = disks.orElseThrow(() -> new IllegalStateException("disk-full planned without node disks"));
        String detail;
        try {
          detail = "ballast of " + nd.fill(i) / (1 << 20) + " MiB fills its tmpfs";
        } catch (IOException e) {
          detail = "filling failed: " + e.getMessage();
        }
        int at = begin(FaultKind.DISK_FULL, Keyword.of("fill-disk"), LocalCluster.id(i), what, detail);
        yield () -> freeDisk(at, i);
      }
      case Fault.Pause p -> {
        int i = resolve(p.target());
        String what = Fault.describe(f).replace("leader", LocalCluster.id(i) + " (leader)");
        String detail = "SIGSTOP";
        try {
          cluster.pause(i);
        } catch (IOException e) {
          detail = "SIGSTOP failed: " + e.getMessage();
        }
        int at = begin(FaultKind.PAUSE, Keyword.of("pause"), LocalCluster.id(i), what, detail);
        yield () -> resume(at, i);
      }
    };
  }

  private Runnable partition(Fault.Partition p) {
    int leader = admin.leader();
    Set<PartitionShape.Link> links = p.shape().cut(p.order(), leader);
    setBlocked(links, true);
    String views = PartitionShape.views(cluster.size(), links).stream()
        .map(v -> v.stream().map(LocalCluster::id).collect(Collectors.joining(" ", "[", "]")))
        .collect(Collectors.joining(" "));
    String cutText = links.stream().map(l -> LocalCluster.id(l.a()) + "-" + LocalCluster.id(l.b()))
        .collect(Collectors.joining(" "));
    String what = Fault.describe(p) + (p.shape() == PartitionShape.ISOLATE_LEADER && leader >= 0
        ? " (" + LocalCluster.id(leader) + ")" : "");
    int at = begin(FaultKind.PARTITION, Keyword.of("start-partition"), cutText, what, "cut " + cutText + "; views " + views);
    return () -> {
      setBlocked(links, false);
      end(at, Keyword.of("stop-partition"), cutText);
    };
  }

  /**
   * Every node snapshots (so a killed node restarts from a snapshot of its own and the log after
   * it), then the target goes down (kill -9, or cut off from every other node; its links are cut
   * on the others in both cases). The heal has the others apply past the target's last entry and
   * snapshot, which compacts their logs past it, brings it back, and watches for its
   * InstallSnapshot ({@link CompactNemesis#watch}).
   */
  private Runnable compact(Fault.Compact c) throws InterruptedException {
    int i = resolve(c.target());
    String what = Fault.describe(c).replace("leader", LocalCluster.id(i) + " (leader)");
    String own = compaction.snapshotAll();
    long last = compaction.lastIndex(i);
    Set<PartitionShape.Link> links = new java.util.LinkedHashSet<>();
    for (int j = 0; j < cluster.size(); j++) {
      if (j != i) {
        links.add(new PartitionShape.Link(Math.min(i, j), Math.max(i, j)));
      }
    }
    // Killed or not, its links are cut on the other nodes too: that drops the appends their transports
    // queue for it (kept across reconnects), which would otherwise bring it back without a snapshot.
    String detail = c.kill() ? "exit status " + cluster.kill(i) : "cut off";
    setBlocked(links, true);
    int at = begin(FaultKind.COMPACT, Keyword.of(c.kill() ? "kill" : "start-partition"), LocalCluster.id(i), what,
        detail + "; snapshots before: " + own);
    return () -> {
      try {
        long downLast = c.kill() ? last : Math.max(last, compaction.lastIndex(i));
        CompactNemesis.Point p = compaction.compactPast(i, downLast, this::paused);
        // a restarted process counts from 0; a node cut off installs nothing until it is reconnected
        long installed = c.kill() ? 0 : compaction.installed(i);
        recorder.nemesis(Keyword.of("compact"), p.detail());
        note(at, p.detail());
        setBlocked(links, false);
        if (c.kill()) {
          restart(at, i);
        } else {
          end(at, Keyword.of("stop-partition"), LocalCluster.id(i));
        }
        compaction.watch(new CompactNemesis.Down(i, c.kill(), downLast, installed), p, recorder.now(), this::paused)
            .ifPresent(r -> {
              progress.line(String.format(java.util.Locale.ROOT, "nemesis %7.2f s: %s: %s", recorder.now() / 1e9,
                  r.outcome().flag(), r.detail()));
              note(at, r.outcome().flag());
            });
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    };
  }

  /** Waits {@code nanos}; true when the run asked to stop meanwhile. */
  private boolean paused(long nanos) throws InterruptedException {
    return stop.await(nanos, TimeUnit.NANOSECONDS);
  }

  /** Blocks or unblocks both ends of each link; retries a node that does not answer, for up to 5 s. */
  private void setBlocked(Set<PartitionShape.Link> links, boolean blocked) {
    for (PartitionShape.Link l : links) {
      for (int[] ends : new int[][] {{l.a(), l.b()}, {l.b(), l.a()}}) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!admin.block(ends[0], ends[1], blocked) && System.nanoTime() < deadline && cluster.alive(ends[0])) {
          java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
        }
      }
    }
  }

  private int resolve(Fault.Target t) {
    return switch (t) {
      case Fault.Target.Node n -> n.index() % cluster.size();
      case Fault.Target.Leader l -> {
        int leader = admin.leader();
        yield leader >= 0 ? leader : 0;
      }
    };
  }

  private void restart(int at, int i) {
    String detail;
    try {
      cluster.start(i);
      detail = "restarted";
    } catch (IOException | IllegalStateException e) {
      detail = "restart failed: " + e.getMessage();
    }
    end(at, Keyword.of("start"), LocalCluster.id(i) + " " + detail);
  }

  private void freeDisk(int at, int i) {
    try {
      disks.orElseThrow().free(i);
    } catch (IOException e) {
      progress.line("nemesis: freeing the disk of " + LocalCluster.id(i) + " failed: " + e.getMessage());
    }
    end(at, Keyword.of("free-disk"), LocalCluster.id(i));
  }

  private void resume(int at, int i) {
    try {
      cluster.resume(i);
    } catch (IOException e) {
      progress.line("nemesis: SIGCONT of " + LocalCluster.id(i) + " failed: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    end(at, Keyword.of("resume"), LocalCluster.id(i));
  }

  private synchronized int begin(FaultKind kind, Keyword f, String value, String what, String detail) {
    recorder.nemesis(f, value);
    events.add(new NemesisEvent(recorder.now(), -1, kind, what, detail));
    progress.line(String.format(java.util.Locale.ROOT, "nemesis %7.2f s: %s (%s)", recorder.now() / 1e9, what, detail));
    return events.size() - 1;
  }

  /** Adds {@code text} to the detail of event {@code at}. */
  private synchronized void note(int at, String text) {
    NemesisEvent e = events.get(at);
    events.set(at, new NemesisEvent(e.startNanos(), e.endNanos(), e.kind(), e.what(), e.detail() + "; " + text));
  }

  private synchronized void end(int at, Keyword f, String value) {
    recorder.nemesis(f, value);
    NemesisEvent e = events.get(at);
    events.set(at, new NemesisEvent(e.startNanos(), recorder.now(), e.kind(), e.what(), e.detail()));
    progress.line(String.format(java.util.Locale.ROOT, "nemesis %7.2f s: healed %s", recorder.now() / 1e9, e.what()));
  }

  /**
   * Heals whatever is still broken, whoever broke it: unblocks every link on every node, resumes
   * paused nodes, starts stopped ones. Called after {@link #run} returned.
   */
  void healAll() throws IOException, InterruptedException {
    if (disks.isPresent()) {
      for (int i = 0; i < cluster.size(); i++) {
        disks.get().free(i);
      }
    }
    for (int i = 0; i < cluster.size(); i++) {
      cluster.resume(i);
      if (!cluster.alive(i)) {
        cluster.start(i);
      }
    }
    for (int a = 0; a < cluster.size(); a++) {
      for (int b = 0; b < cluster.size(); b++) {
        if (a != b) {
          admin.block(a, b, false);
        }
      }
    }
  }
}
