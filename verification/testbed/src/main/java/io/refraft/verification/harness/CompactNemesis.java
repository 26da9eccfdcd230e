package io.refraft.verification.harness;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The compaction nemesis's part that talks to the nodes ({@link Fault.Compact}; {@link NemesisRunner}
 * takes the node down and brings it back): forced snapshots ({@code POST /admin/snapshot}), the
 * down node's last index, and the watch that tells whether it came back by InstallSnapshot, which
 * is counted by the node itself ({@code /status} {@code snapshotsInstalled}, leaders' snapshots
 * installed since the process started; its own snapshots do not count).
 */
final class CompactNemesis {
  /** How long a node has to install a snapshot once it is back: a JVM start under load, an election, the transfer. */
  static final Duration WATCH = Duration.ofSeconds(30);
  /** The least a watch cut short by the run's end gets after the final heal. */
  private static final Duration FINISH = Duration.ofSeconds(10);
  /** How long the others get to apply past the down node's last entry before they snapshot. */
  private static final Duration PAST = Duration.ofSeconds(5);
  /** A snapshot captures the whole state machine on the node's state thread. */
  private static final Duration SNAPSHOT_TIMEOUT = Duration.ofSeconds(10);
  private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

  /** Sleeps one poll interval; true when the run asked to stop meanwhile. */
  interface Pause {
    boolean await(long nanos) throws InterruptedException;
  }

  /** The node that went down and what it said just before. */
  record Down(int node, boolean kill, long lastIndex, long installedBefore) {}

  /** The others' compaction: the lowest snapshot index among them (0 if one did not answer). */
  record Point(long index, String detail) {}

  private record Watch(Down down, Point point, long backAtNanos) {}

  private final LocalCluster cluster;
  private final Admin admin;
  private final LongSupplier now;
  private final List<SnapshotCatchUp> outcomes = new ArrayList<>();
  private final List<Watch> unfinished = new ArrayList<>();

  CompactNemesis(LocalCluster cluster, Admin admin, LongSupplier now) {
    this.cluster = cluster;
    this.admin = admin;
    this.now = now;
  }

  /** Snapshots every running node; says where each one's snapshot is, e.g. {@code n1 at 120, n2 at 118}. */
  String snapshotAll() {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < cluster.size(); i++) {
      if (cluster.alive(i) && !cluster.paused(i)) {
        OptionalLong s = admin.snapshot(i, SNAPSHOT_TIMEOUT);
        out.add(LocalCluster.id(i) + (s.isPresent() ? " at " + s.getAsLong() : " did not answer"));
      }
    }
    return String.join(", ", out);
  }

  /** Node {@code i}'s last log index, or -1 when it does not answer. */
  long lastIndex(int i) {
    return field(i, "lastLogIndex");
  }

  /** Leaders' snapshots node {@code i}'s process installed, or -1 when it does not answer. */
  long installed(int i) {
    return field(i, "snapshotsInstalled");
  }

  private long field(int i, String name) {
    Optional<JsonNode> s = admin.status(i);
    return s.isPresent() && s.get().has(name) ? s.get().path(name).asLong() : -1;
  }

  /**
   * While {@code down} is away: waits (up to 5 s) until every other running node applied past
   * {@code last}, then snapshots each of them, which compacts their logs up to the snapshot.
   */
  Point compactPast(int down, long last, Pause pause) throws InterruptedException {
    long deadline = System.nanoTime() + PAST.toNanos();
    while (System.nanoTime() < deadline && !othersApplied(down, last)) {
      if (pause.await(POLL_NANOS)) {
        break; // the run is ending: compact what they have
      }
    }
    long lowest = Long.MAX_VALUE;
    List<String> at = new ArrayList<>();
    for (int i = 0; i < cluster.size(); i++) {
      if (i == down) {
        continue;
      }
      OptionalLong s = cluster.alive(i) && !cluster.paused(i) ? admin.snapshot(i, SNAPSHOT_TIMEOUT) : OptionalLong.empty();
      lowest = Math.min(lowest, s.orElse(0));
      at.add(LocalCluster.id(i) + (s.isPresent() ? " at " + s.getAsLong() : " did not answer"));
    }
    return new Point(lowest == Long.MAX_VALUE ? 0 : lowest, "snapshots " + String.join(", ", at) + "; "
        + LocalCluster.id(down) + "'s last index " + last);
  }

  private boolean othersApplied(int down, long last) {
    for (int i = 0; i < cluster.size(); i++) {
      if (i != down && cluster.alive(i) && !cluster.paused(i)
          && admin.status(i).map(s -> s.path("lastApplied").asLong()).orElse(-1L) <= last) {
        return false;
      }
    }
    return true;
  }

  /**
   * Once {@code d} is back ({@code backAtNanos}): polls it until it reports a snapshot installed,
   * for up to {@link #WATCH}. A compaction that did not pass its last entry is not watched, nor a
   * node whose count could not be read before its return ({@code installedBefore} -1). When
   * the run stops first, the watch is finished by {@link #finish}, after the final heal, and this
   * returns empty.
   */
  Optional<SnapshotCatchUp> watch(Down d, Point p, long backAtNanos, Pause pause) throws InterruptedException {
    if (d.lastIndex() < 0 || d.installedBefore() < 0 || p.index() <= d.lastIndex()) {
      return Optional.of(record(new SnapshotCatchUp(LocalCluster.id(d.node()), d.kill(), d.lastIndex(), p.index(),
          SnapshotCatchUp.Outcome.NOT_EXERCISED, Double.NaN, p.index() == 0 || d.lastIndex() < 0 || d.installedBefore() < 0
              ? "not exercised: " + p.detail() + " (a node did not answer)"
              : "not exercised: the others compacted to " + p.index() + ", not past " + LocalCluster.id(d.node())
                  + "'s last index " + d.lastIndex() + ", so it could catch up from their logs")));
    }
    Watch w = new Watch(d, p, backAtNanos);
    while (now.getAsLong() - backAtNanos < WATCH.toNanos()) {
      Optional<SnapshotCatchUp> o = check(w);
      if (o.isPresent()) {
        return o;
      }
      if (pause.await(POLL_NANOS)) {
        synchronized (this) {
          unfinished.add(w);
        }
        return Optional.empty();
      }
    }
    return Optional.of(record(notCaughtUp(w)));
  }

  /**
   * Finishes the watches the run's end interrupted, each for what is left of its {@link #WATCH}
   * but at least {@link #FINISH} (the final heal and recovery may have used it up).
   */
  void finish() throws InterruptedException {
    List<Watch> left;
    synchronized (this) {
      left = List.copyOf(unfinished);
      unfinished.clear();
    }
    for (Watch w : left) {
      long until = Math.max(w.backAtNanos() + WATCH.toNanos(), now.getAsLong() + FINISH.toNanos());
      Optional<SnapshotCatchUp> o = check(w);
      while (o.isEmpty() && now.getAsLong() < until) {
        TimeUnit.NANOSECONDS.sleep(POLL_NANOS);
        o = check(w);
      }
      if (o.isEmpty()) {
        record(notCaughtUp(w));
      }
    }
  }

  synchronized List<SnapshotCatchUp> outcomes() {
    return List.copyOf(outcomes);
  }

  /** Records the catch-up when the node reports a snapshot installed since it went down. */
  private Optional<SnapshotCatchUp> check(Watch w) {
    Down d = w.down();
    Optional<JsonNode> s = admin.status(d.node());
    if (s.isEmpty() || s.get().path("snapshotsInstalled").asLong() <= d.installedBefore()) {
      return Optional.empty();
    }
    double seconds = (now.getAsLong() - w.backAtNanos()) / 1e9;
    return Optional.of(record(new SnapshotCatchUp(LocalCluster.id(d.node()), d.kill(), d.lastIndex(), w.point().index(),
        SnapshotCatchUp.Outcome.CAUGHT_UP, seconds, String.format(Locale.ROOT,
            "%s installed a leader's snapshot %.2f s after it %s (its snapshot index now %d; the others compacted to"
                + " %d, past its last index %d)", LocalCluster.id(d.node()), seconds, d.kill() ? "restarted" : "was reconnected",
            s.get().path("snapshotIndex").asLong(), w.point().index(), d.lastIndex()))));
  }

  private SnapshotCatchUp notCaughtUp(Watch w) {
    Down d = w.down();
    String now = admin.status(d.node()).map(s -> "its status now: snapshot index " + s.path("snapshotIndex").asLong()
        + ", last applied " + s.path("lastApplied").asLong() + ", term " + s.path("term").asLong())
        .orElse("it does not answer /status");
    return new SnapshotCatchUp(LocalCluster.id(d.node()), d.kill(), d.lastIndex(), w.point().index(),
        SnapshotCatchUp.Outcome.NOT_CAUGHT_UP, Double.NaN, LocalCluster.id(d.node()) + " installed no snapshot within "
            + WATCH.toSeconds() + " s of its return, though every other node had compacted to " + w.point().index()
            + ", past its last index " + d.lastIndex() + " (" + w.point().detail() + "; " + now + ")");
  }

  private synchronized SnapshotCatchUp record(SnapshotCatchUp c) {
    outcomes.add(c);
    return c;
  }
}
