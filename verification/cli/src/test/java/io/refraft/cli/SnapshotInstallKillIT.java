package io.refraft.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.refraft.impl.client.RefraftClient;
import io.refraft.impl.snapshot.TransferSettings;
import io.refraft.verification.harness.LocalCluster;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * kill -9 in the middle of an InstallSnapshot transfer, on real node processes: a follower is
 * stopped, the others take about 24 MB of writes and compact their logs past it, so the leader must
 * stream it a snapshot of that size when it returns (impl.snapshot: 256 KiB chunks into
 * {@code DATA/snapshot-incoming/incoming-N.part}). The follower is frozen (SIGSTOP) as the transfer
 * begins and runs in short slices until that partial file holds 1 MiB, so the file stands still and
 * is checked to be short of the snapshot (by more than the sender's window when the leader dies); the test then kills
 * the follower (first case) or the leader (second case, the follower then continued) with SIGKILL;
 * the partial file left behind proves the kill fell inside the transfer. After the restarts every acknowledged write
 * must be readable on every node, the follower's snapshot must be past the compaction point, and
 * the partial file must never be installed: the restarted follower deletes it at start (its log
 * says so) and its state comes from a whole, checked snapshot. Tracing is off (the production order).
 */
class SnapshotInstallKillIT {
  /** 64 KiB values (the KV limit): 384 of them make a 24 MiB state, a transfer of a few hundred ms on loopback. */
  private static final int VALUE_BYTES = 64 * 1024;
  private static final int BIG_KEYS = 384;
  /** Four 256 KiB chunks: the kill comes once chunks are being written, not merely when the offer arrives. */
  private static final long MID_TRANSFER_BYTES = 1 << 20;
  /** What a sender has on its way unacknowledged at most (the node's transfer settings). */
  private static final long WINDOW_BYTES = (long) TransferSettings.defaults().chunkBytes()
      * TransferSettings.defaults().windowChunks();
  private ClusterFixture f;
  private long t0;

  @BeforeEach
  void start(TestInfo info) throws Exception {
    System.out.println("SnapshotInstallKillIT." + info.getDisplayName());
    t0 = System.nanoTime();
    f = new ClusterFixture(3);
    f.cluster.trace(false);
    f.startAll();
    f.awaitUp(30_000);
  }

  @AfterEach
  void stop() throws Exception {
    f.close();
  }

  /** The value written to {@code key}: its name repeated to 64 KiB, so a wrong or cut value shows. */
  private static String value(String key) {
    StringBuilder sb = new StringBuilder(VALUE_BYTES);
    while (sb.length() < VALUE_BYTES) {
      sb.append(key).append(';');
    }
    return sb.substring(0, VALUE_BYTES);
  }

  private RefraftClient client(List<Integer> nodes) {
    return new RefraftClient(nodes.stream().map(i -> URI.create(f.cluster.url(i))).toList(), Duration.ofSeconds(5),
        Duration.ofSeconds(20), true);
  }

  @Test
  void a_follower_killed_while_it_receives_a_snapshot_loses_no_acknowledged_write() throws Exception {
    f.withLogs(() -> {
      InTransfer t = followerRestartedIntoTransfer(0); // killed where it stands: any partial file will do
      Setup s = t.setup();
      Path part = t.part();
      f.cluster.kill(s.follower()); // SIGKILL (of the paused process) in the middle of the transfer
      f.block(s.leader(), s.follower(), false);
      phase("killed the follower " + LocalCluster.id(s.follower()) + " with " + size(part) + " of "
          + s.snapshotBytes() + " bytes in " + part);
      assertPartial(part, s, "after the follower's kill");
      f.cluster.start(s.follower());
      awaitCaughtUp(s.acked(), f.all());
      phase("every node caught up");
      assertTrue(Files.readString(f.cluster.logFile(s.follower())).contains("deleting " + part),
          LocalCluster.id(s.follower()) + " did not delete the partial " + part + " it was killed with");
      assertPastCompaction(s.follower(), s.compactedTo());
      assertNoTransferLeft(s.follower());
      assertEveryWriteOnEveryNode(s.acked());
    });
  }

  @Test
  void the_leader_killed_while_it_ships_a_snapshot_loses_no_acknowledged_write() throws Exception {
    f.withLogs(() -> {
      // the follower goes on after the leader's death: the frames on their way must not complete the file
      InTransfer t = followerRestartedIntoTransfer(WINDOW_BYTES);
      Setup s = t.setup();
      Path part = t.part();
      f.cluster.kill(s.leader()); // SIGKILL of the sender in the middle of the transfer
      assertPartial(part, s, "after the leader's kill");
      f.cluster.resume(s.follower());
      phase("killed the leader " + LocalCluster.id(s.leader()) + " while " + LocalCluster.id(s.follower()) + " had "
          + size(part) + " of " + s.snapshotBytes() + " bytes in " + part);
      int other = 3 - s.leader() - s.follower();
      // The other node compacted too: it leads now (the follower's log is behind), and only a
      // snapshot of its own brings the follower back; the partial file of the dead leader is never installed.
      f.awaitLeader(List.of(other), 20_000);
      phase(LocalCluster.id(other) + " leads");
      try (RefraftClient c = client(List.of(other))) {
        for (int k = 0; k < 10; k++) {
          c.put("after-" + k, "a" + k);
          s.acked().put("after-" + k, "a" + k);
        }
      }
      awaitCaughtUp(s.acked(), List.of(other, s.follower()));
      assertPastCompaction(s.follower(), s.compactedTo());
      phase(LocalCluster.id(s.follower()) + " caught up from " + LocalCluster.id(other));
      f.cluster.start(s.leader());
      awaitCaughtUp(s.acked(), f.all());
      phase("every node caught up");
      assertEveryWriteOnEveryNode(s.acked());
    });
  }

  /** @param snapshotBytes the size of the leader's snapshot file, which the transfer copies */
  private record Setup(int leader, int follower, long compactedTo, long snapshotBytes, Map<String, String> acked) {}

  /**
   * A follower restarted into a transfer and paused (SIGSTOP) there: its partial file {@code part}
   * holds {@link #MID_TRANSFER_BYTES} or more, and is short of the snapshot by more than the margin asked.
   */
  private record InTransfer(Setup setup, Path part) {}

  /**
   * Sets up a follower that can only catch up by snapshot and restarts it with its link on the leader
   * cut; once it answers, it is paused (SIGSTOP) and the link restored, so the leader's transfer
   * queues up against a process that does not read. The follower then runs in short slices (SIGCONT,
   * SIGSTOP, microseconds apart) until its partial file holds {@link #MID_TRANSFER_BYTES}. The file
   * must then be short of the snapshot by more than {@code margin} bytes; on two busy cores the
   * follower can get the CPU between the two signals for long enough to take megabytes, and such a
   * round starts again with more writes (a larger snapshot), at most 4 times.
   */
  private InTransfer followerRestartedIntoTransfer(long margin) throws Exception {
    int leader = f.awaitLeader(f.all(), 20_000);
    int follower = (leader + 1) % 3;
    Map<String, String> acked = new TreeMap<>();
    try (RefraftClient c = client(List.of(leader))) {
      for (int k = 0; k < 5; k++) {
        c.put("early-" + k, "e" + k);
        acked.put("early-" + k, "e" + k);
      }
    }
    for (int round = 1; ; round++) {
      Setup s = downAndCompacted(leader, follower, acked, round);
      // the follower is down: a partial file the previous round's process left must not pass for this round's
      deleteTransferFiles(follower);
      f.block(leader, follower, true);
      f.cluster.start(follower);
      answeredStatus(follower);
      f.cluster.pause(follower);
      f.block(leader, follower, false);
      Optional<Path> part = sliceUntilPartial(follower, s.compactedTo());
      long held = part.map(SnapshotInstallKillIT::size).orElse(0L);
      if (held > 0 && held + margin < s.snapshotBytes()) {
        return new InTransfer(s, part.get());
      }
      f.cluster.resume(follower);
      if (round == 4) {
        throw new AssertionError("4 transfers to " + LocalCluster.id(follower) + " got within " + margin
            + " bytes of the snapshot's end in one slice");
      }
      phase("the transfer to " + LocalCluster.id(follower) + " got too far in one slice ("
          + part.map(p -> p + " held " + held + " bytes").orElse("installed") + "); once more");
    }
  }

  /**
   * Lets the paused {@code node} run in slices until its partial file holds {@link #MID_TRANSFER_BYTES};
   * leaves it paused. Empty when the node installed a snapshot at {@code compactedTo} or later before that.
   */
  private Optional<Path> sliceUntilPartial(int node, long compactedTo) throws Exception {
    Path dir = f.cluster.dataDir(node).resolve("snapshot-incoming");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    boolean seen = false;
    try (Signals signals = new Signals()) {
      for (long slices = 1; System.nanoTime() < deadline; slices++) {
        signals.slice(f.cluster.pid(node));
        Optional<Path> part = partial(dir);
        if (part.isPresent() && size(part.get()) >= MID_TRANSFER_BYTES) {
          return part;
        }
        // a partial file gone, or now and then: installed? (its data directory, read while it stands still)
        if ((seen && part.isEmpty() || slices % 1000 == 0) && installed(node, compactedTo)) {
          return Optional.empty();
        }
        seen |= part.isPresent();
      }
    }
    throw new AssertionError(LocalCluster.id(node) + " received no snapshot within 30 s of its restart");
  }

  /**
   * A shell that signals with its builtin {@code kill}: a SIGCONT and a SIGSTOP microseconds apart,
   * where starting a {@code kill} process takes milliseconds, in which a transfer on loopback moves
   * megabytes.
   */
  private static final class Signals implements AutoCloseable {
    private final Process shell;
    private final java.io.Writer in;
    private final java.io.BufferedReader out;

    Signals() throws IOException {
      shell = new ProcessBuilder("bash").redirectErrorStream(true).start();
      in = new java.io.OutputStreamWriter(shell.getOutputStream(), java.nio.charset.StandardCharsets.UTF_8);
      out = new java.io.BufferedReader(new java.io.InputStreamReader(shell.getInputStream(),
          java.nio.charset.StandardCharsets.UTF_8));
    }

    /** Lets the stopped process {@code pid} run for a moment, and returns once it is stopped again. */
    void slice(long pid) throws IOException {
      in.write("kill -CONT " + pid + "; kill -STOP " + pid + "; echo sliced\n");
      in.flush();
      String line = out.readLine();
      if (!"sliced".equals(line)) {
        throw new IOException("signalling " + pid + ": " + line);
      }
    }

    @Override
    public void close() {
      shell.destroy();
    }
  }

  /** Whether {@code node}'s data directory holds a snapshot at {@code index} or later (a whole, installed one). */
  private boolean installed(int node, long index) throws IOException {
    try (Stream<Path> files = Files.list(f.cluster.dataDir(node))) {
      return files.map(p -> p.getFileName().toString())
          .filter(n -> n.matches("snap-\\d{20}\\.snap"))
          .anyMatch(n -> Long.parseLong(n.substring(5, 25)) >= index);
    }
  }


  /**
   * The follower killed and cut off (so no queued append reaches it later), about 24 MB of writes
   * ({@code r<round>-big-k}) on the other two, both snapshotted past the follower's log, its links
   * restored.
   */
  private Setup downAndCompacted(int leader, int follower, Map<String, String> acked, int round) throws Exception {
    long followerLast = answeredStatus(follower).path("lastLogIndex").asLong();
    f.cluster.kill(follower);
    for (int i : f.all()) {
      if (i != follower) {
        f.block(i, follower, true); // drops the appends queued for it, which would spare it the snapshot
      }
    }
    phase(LocalCluster.id(follower) + " killed and cut off");
    writeBig(leader, "r" + round + "-big-", acked);
    phase("wrote " + BIG_KEYS + " values of 64 KiB");
    long compactedTo = Long.MAX_VALUE;
    long snapshotBytes = 0;
    for (int i : f.all()) {
      if (i != follower) {
        ClusterFixture.await(LocalCluster.id(i) + " applying every write", 20_000,
            () -> f.status(i).map(st -> st.path("lastApplied").asLong()).orElse(0L)
                >= f.status(leader).map(st -> st.path("commitIndex").asLong()).orElse(Long.MAX_VALUE));
        long index = snapshot(i);
        compactedTo = Math.min(compactedTo, index);
        if (i == leader) {
          snapshotBytes = Files.size(f.cluster.dataDir(i).resolve(String.format("snap-%020d.snap", index)));
        }
      }
    }
    phase("the others compacted to " + compactedTo);
    assertTrue(compactedTo >= followerLast + BIG_KEYS, "compacted to " + compactedTo + ", the follower's log ends at "
        + followerLast);
    for (int i : f.all()) {
      if (i != follower) {
        f.block(i, follower, false);
      }
    }
    return new Setup(leader, follower, compactedTo, snapshotBytes, acked);
  }

  /** {@link #BIG_KEYS} puts of 64 KiB from 4 threads (the leader batches them), each recorded once acknowledged. */
  private void writeBig(int leader, String prefix, Map<String, String> acked) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<List<String>>> done = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        int first = t;
        done.add(pool.submit(() -> {
          List<String> keys = new ArrayList<>();
          try (RefraftClient c = client(List.of(leader))) {
            for (int k = first; k < BIG_KEYS; k += 4) {
              c.put(prefix + k, value(prefix + k));
              keys.add(prefix + k);
            }
          }
          return keys;
        }));
      }
      for (Future<List<String>> d : done) {
        for (String k : d.get(60, TimeUnit.SECONDS)) {
          acked.put(k, value(k));
        }
      }
    } finally {
      pool.shutdownNow();
    }
  }

  /** {@code POST /admin/snapshot}: the index of the node's snapshot, its log compacted up to it. */
  private long snapshot(int i) throws IOException, InterruptedException {
    java.net.http.HttpResponse<String> r = java.net.http.HttpClient.newHttpClient().send(
        java.net.http.HttpRequest.newBuilder(URI.create(f.cluster.url(i) + "/admin/snapshot"))
            .timeout(Duration.ofSeconds(20)).POST(java.net.http.HttpRequest.BodyPublishers.noBody()).build(),
        java.net.http.HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), LocalCluster.id(i) + ": " + r.body());
    return new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.body()).path("index").asLong();
  }

  /** The file's size; 0 once it is gone (renamed when complete, or deleted). */
  private static long size(Path file) {
    try {
      return Files.size(file);
    } catch (IOException e) {
      return 0;
    }
  }

  /**
   * The kill fell inside the transfer: the partial file is still there, shorter than the snapshot
   * file it is a copy of.
   */
  private static void assertPartial(Path part, Setup s, String when) {
    long size = size(part);
    assertTrue(Files.exists(part) && size < s.snapshotBytes(), part + " holds " + size + " of the snapshot's "
        + s.snapshotBytes() + " bytes " + when + ": the transfer was not in progress");
  }

  private static Optional<Path> partial(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return Optional.empty();
    }
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(p -> p.getFileName().toString().endsWith(".part")).findFirst();
    } catch (java.nio.file.NoSuchFileException e) {
      return Optional.empty();
    }
  }

  /** Waits until each of {@code nodes} applied the last acknowledged write (the highest index any of them committed). */
  private void awaitCaughtUp(Map<String, String> acked, List<Integer> nodes) {
    ClusterFixture.await("every acknowledged write applied on " + nodes, 30_000, () -> {
      long commit = 0;
      for (int i : nodes) {
        commit = Math.max(commit, f.status(i).map(s -> s.path("commitIndex").asLong()).orElse(0L));
      }
      for (int i : nodes) {
        if (f.status(i).map(s -> s.path("lastApplied").asLong()).orElse(0L) < commit) {
          return false;
        }
      }
      return commit > 0 && acked.size() > 0;
    });
  }

  private void assertPastCompaction(int follower, long compactedTo) {
    JsonNode st = answeredStatus(follower);
    assertTrue(st.path("snapshotIndex").asLong() >= compactedTo, LocalCluster.id(follower) + " has the snapshot at "
        + st.path("snapshotIndex") + ", not past the compaction point " + compactedTo + ": " + st);
    assertTrue(st.path("snapshotsInstalled").asLong() >= 1, LocalCluster.id(follower) + " installed no snapshot: " + st);
  }

  private void deleteTransferFiles(int node) throws IOException {
    Path dir = f.cluster.dataDir(node).resolve("snapshot-incoming");
    if (Files.isDirectory(dir)) {
      try (Stream<Path> files = Files.list(dir)) {
        for (Path p : files.toList()) {
          Files.delete(p);
        }
      }
    }
  }

  /** Node {@code i}'s {@code /status}, asked again while it does not answer within its 1 s (a loaded machine), for up to 15 s. */
  private JsonNode answeredStatus(int i) {
    JsonNode[] got = {null};
    ClusterFixture.await(LocalCluster.id(i) + " answering /status", 15_000, () -> {
      got[0] = f.status(i).orElse(null);
      return got[0] != null;
    });
    return got[0];
  }

  /** The installed transfer's files are gone: the partial one deleted at start, the received one after its install. */
  private void assertNoTransferLeft(int node) throws IOException {
    Path dir = f.cluster.dataDir(node).resolve("snapshot-incoming");
    try (Stream<Path> files = Files.list(dir)) {
      List<Path> left = files.toList();
      assertEquals(List.of(), left, LocalCluster.id(node) + " still has transfer files");
    }
  }

  /** Reads every acknowledged key on each node alone (a stale read of its own state machine). */
  private void assertEveryWriteOnEveryNode(Map<String, String> acked) {
    for (int i : f.all()) {
      try (RefraftClient c = client(List.of(i))) {
        for (Map.Entry<String, String> e : acked.entrySet()) {
          String got = c.getStale(e.getKey()).map(JsonNode::asText).orElse(null);
          if (!e.getValue().equals(got)) {
            throw new AssertionError(LocalCluster.id(i) + " lost the acknowledged write of " + e.getKey() + ": expected "
                + abbreviate(e.getValue()) + ", read " + (got == null ? "nothing" : abbreviate(got)));
          }
        }
      }
    }
  }

  private static String abbreviate(String v) {
    return v.length() <= 40 ? v : v.substring(0, 40) + "... (" + v.length() + " chars)";
  }

  /** A progress line with the time since the test began, for a slow run's log. */
  private void phase(String what) {
    System.out.printf(java.util.Locale.ROOT, "  %6.2f s: %s%n", (System.nanoTime() - t0) / 1e9, what);
  }


}
