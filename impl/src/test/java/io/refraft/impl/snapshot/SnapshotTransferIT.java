package io.refraft.impl.snapshot;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.refraft.impl.net.PeerAddresses;
import io.refraft.impl.net.TcpTransport;
import io.refraft.impl.net.Transport;
import io.refraft.impl.net.TransportConfig;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Snapshot transfers between real {@link TcpTransport}s on loopback. */
class SnapshotTransferIT {

  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final int MIB = 1 << 20;
  private static final TransferSettings SETTINGS = TransferSettings.defaults();

  /** One node: its transport, its transfers, what its driver would have received. */
  record Node(String id, TcpTransport tcp, SnapshotTransfers transfers, Path dir,
      LinkedBlockingQueue<ReceivedSnapshot> received, LinkedBlockingQueue<byte[]> raft) {}

  @TempDir Path tmp;
  private long seed;
  private final Map<String, InetSocketAddress> directory = new ConcurrentHashMap<>();
  /** Where a dialer finds a peer instead of its real address (a {@link DropProxy}). */
  private final Map<String, InetSocketAddress> routes = new ConcurrentHashMap<>();
  private final List<AutoCloseable> opened = new ArrayList<>();

  @BeforeEach
  void seed() {
    seed = System.nanoTime();
    System.out.println("SnapshotTransferIT seed " + seed);
  }

  @AfterEach
  void closeAll() throws Exception {
    for (AutoCloseable c : opened.reversed()) {
      c.close();
    }
  }

  private Map<String, Node> cluster(TransferSettings settings, Map<String, UnaryOperator<Transport>> decorators,
      String... ids) throws IOException {
    Map<String, TcpTransport> bound = new HashMap<>();
    PeerAddresses addresses = p -> Optional.ofNullable(routes.getOrDefault(p, directory.get(p)));
    for (String id : ids) {
      List<String> peers = new ArrayList<>(List.of(ids));
      peers.remove(id);
      TransportConfig config = TransportConfig.of(id, "c", java.util.Set.copyOf(peers),
          new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).withBackoff(Duration.ofMillis(5),
          Duration.ofMillis(100));
      TcpTransport t = TcpTransport.bind(config, addresses, new SplittableRandom(seed ^ id.hashCode()));
      opened.add(t);
      directory.put(id, t.localAddress());
      bound.put(id, t);
    }
    Map<String, Node> nodes = new HashMap<>();
    for (String id : ids) {
      Transport t = decorators.getOrDefault(id, UnaryOperator.identity()).apply(bound.get(id));
      LinkedBlockingQueue<ReceivedSnapshot> received = new LinkedBlockingQueue<>();
      Path dir = tmp.resolve(id + "-incoming");
      SnapshotTransfers transfers = SnapshotTransfers.open(id, t, dir, settings, received::add);
      opened.add(transfers);
      LinkedBlockingQueue<byte[]> raft = new LinkedBlockingQueue<>();
      transfers.raftTransport().start((from, payload) -> raft.add(payload));
      nodes.put(id, new Node(id, bound.get(id), transfers, dir, received, raft));
    }
    return nodes;
  }

  private Map<String, Node> cluster(String... ids) throws IOException {
    return cluster(SETTINGS, Map.of(), ids);
  }

  private Path randomFile(String name, long bytes) throws IOException {
    Path p = tmp.resolve(name);
    SplittableRandom r = new SplittableRandom(seed ^ name.hashCode());
    byte[] buf = new byte[MIB];
    try (OutputStream out = Files.newOutputStream(p)) {
      for (long left = bytes; left > 0; left -= buf.length) {
        r.nextBytes(buf);
        out.write(buf, 0, (int) Math.min(buf.length, left));
      }
    }
    return p;
  }

  private static byte[] request(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  /** Waits for the next snapshot {@code to} hands on and checks it is {@code file}'s bytes, sent by {@code from}. */
  private static ReceivedSnapshot assertArrives(Node to, String from, Path file, byte[] request) throws Exception {
    ReceivedSnapshot got = to.received().poll(WAIT.toSeconds(), TimeUnit.SECONDS);
    assertNotNull(got, "a snapshot arrived at " + to.id());
    assertEquals(from, got.from());
    assertArrayEquals(request, got.request());
    assertEquals(to.dir(), got.file().getParent());
    assertEquals(-1, Files.mismatch(file, got.file()), "byte-identical: " + file + " and " + got.file());
    assertEquals(List.of(), partFiles(to), "no partial file left at " + to.id());
    return got;
  }

  private static List<Path> partFiles(Node n) throws IOException {
    try (Stream<Path> files = Files.list(n.dir())) {
      return files.filter(p -> p.toString().endsWith(".part")).toList();
    }
  }

  private static void await(BooleanSupplier condition, String what) {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError("timed out after " + WAIT + " waiting for " + what);
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2));
    }
  }

  @Test
  void a_64_mib_file_arrives_byte_identical_with_its_request() throws Exception {
    Map<String, Node> n = cluster("n1", "n2");
    Path file = randomFile("snap", 64L * MIB);
    CompletableFuture<Void> done = n.get("n1").transfers().ship("n2", 1, file, request("install 1"));
    assertArrives(n.get("n2"), "n1", file, request("install 1"));
    done.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    SnapshotShipper.Stats sent = n.get("n1").transfers().shipperStats();
    SnapshotReceiver.Stats got = n.get("n2").transfers().receiverStats();
    assertEquals(64L * MIB, sent.bytesSent(), "a clean link sends every byte once: " + sent);
    assertEquals(64L * MIB, got.bytesWritten());
    assertEquals(1, got.installed());
    assertTrue(n.get("n2").raft().isEmpty(), "no transfer frame reaches the driver's receiver");
  }

  @Test
  void a_connection_dropped_mid_transfer_resumes_from_the_verified_offset() throws Exception {
    DropProxy proxy = new DropProxy(() -> directory.get("n2"));
    opened.add(proxy);
    routes.put("n2", proxy.address()); // n1 dials n2 (the smaller id dials) through the relay
    AtomicBoolean dropped = new AtomicBoolean();
    UnaryOperator<Transport> dropAtHalf = t -> HookedTransport.onSend(t, (to, payload) -> {
      if (HookedTransport.chunkOffset(payload) >= 32L * MIB && dropped.compareAndSet(false, true)) {
        proxy.dropAll();
        return false; // this chunk is lost with the connection, whatever else was in flight
      }
      return true;
    });
    Map<String, Node> n = cluster(SETTINGS, Map.of("n1", dropAtHalf), "n1", "n2");
    Path file = randomFile("snap", 64L * MIB);
    CompletableFuture<Void> done = n.get("n1").transfers().ship("n2", 1, file, request("install 1"));
    assertArrives(n.get("n2"), "n1", file, request("install 1"));
    done.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    assertTrue(dropped.get());
    System.out.println("after the drop: " + n.get("n1").transfers().shipperStats());
    assertTrue(proxy.accepted() >= 2, "n1 reconnected through the relay: " + proxy.accepted() + " connections");
    SnapshotShipper.Stats sent = n.get("n1").transfers().shipperStats();
    SnapshotReceiver.Stats got = n.get("n2").transfers().receiverStats();
    assertTrue(sent.rewinds() >= 1 && sent.bytesResent() > 0 && sent.bytesResent() <= SETTINGS.windowBytes(),
        "resumed from the verified offset: at most one window sent twice, " + sent);
    assertEquals(64L * MIB + sent.bytesResent(), sent.bytesSent(), sent.toString());
    assertEquals(64L * MIB, got.bytesWritten(), "no byte written twice: " + got);
  }

  @Test
  void a_corrupt_chunk_is_rejected_and_asked_for_again_never_written() throws Exception {
    AtomicInteger chunks = new AtomicInteger();
    UnaryOperator<Transport> flipTenth = t -> HookedTransport.onSend(t, (to, payload) -> {
      if (HookedTransport.chunkOffset(payload) >= 0 && chunks.incrementAndGet() == 10) {
        payload[payload.length / 2] ^= 0x10;
      }
      return true;
    });
    Map<String, Node> n = cluster(SETTINGS, Map.of("n1", flipTenth), "n1", "n2");
    Path file = randomFile("snap", 16L * MIB);
    CompletableFuture<Void> done = n.get("n1").transfers().ship("n2", 5, file, request("install 5"));
    assertArrives(n.get("n2"), "n1", file, request("install 5"));
    done.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    SnapshotShipper.Stats sent = n.get("n1").transfers().shipperStats();
    SnapshotReceiver.Stats got = n.get("n2").transfers().receiverStats();
    assertEquals(1, got.corruptChunks(), got.toString());
    assertEquals(16L * MIB, got.bytesWritten(), "the corrupt chunk was not written: " + got);
    assertTrue(sent.rewinds() >= 1 && sent.bytesResent() > 0 && sent.bytesResent() <= SETTINGS.windowBytes(),
        "sent again from the corrupt chunk on, at most one window: " + sent);
  }

  @Test
  void a_whole_file_checksum_mismatch_aborts_and_nothing_is_handed_on() throws Exception {
    UnaryOperator<Transport> wrongCrc = t -> HookedTransport.onSend(t, (to, payload) -> {
      if (TransferCodec.isTransfer(payload) && payload[1] == TransferCodec.OFFER) {
        payload[TransferCodec.OFFER_HEADER - 1] ^= 1; // the offer's fileCrc; chunks stay intact
      }
      return true;
    });
    Map<String, Node> n = cluster(SETTINGS, Map.of("n1", wrongCrc), "n1", "n2");
    Path file = randomFile("snap", 3L * MIB + 17);
    CompletableFuture<Void> done = n.get("n1").transfers().ship("n2", 9, file, request("install 9"));
    ExecutionException e = assertThrows(ExecutionException.class, () -> done.get(WAIT.toSeconds(), TimeUnit.SECONDS));
    assertInstanceOf(TransferFailedException.class, e.getCause());
    assertTrue(e.getCause().getMessage().contains("CRC32C did not match"), e.getCause().getMessage());
    assertTrue(n.get("n2").received().isEmpty());
    assertEquals(1, n.get("n2").transfers().receiverStats().checksumFailures());
    try (Stream<Path> files = Files.list(n.get("n2").dir())) {
      assertEquals(List.of(), files.toList(), "nothing left in the receiver's directory");
    }
  }

  @Test
  void raft_messages_sent_during_a_transfer_wait_behind_at_most_one_window() throws Exception {
    AtomicLong chunkBytesArrived = new AtomicLong();
    Map<String, Long> arrivedBeforePing = new ConcurrentHashMap<>();
    UnaryOperator<Transport> countArrivals = t -> HookedTransport.onReceive(t, (from, payload) -> {
      long offset = HookedTransport.chunkOffset(payload);
      if (offset >= 0) {
        chunkBytesArrived.addAndGet(payload.length - TransferCodec.CHUNK_HEADER);
      } else if (!TransferCodec.isTransfer(payload)) {
        arrivedBeforePing.put(new String(payload, StandardCharsets.UTF_8), chunkBytesArrived.get());
      }
    });
    Map<String, Node> n = cluster(SETTINGS, Map.of("n2", countArrivals), "n1", "n2");
    Transport raft = n.get("n1").transfers().raftTransport();
    Path file = randomFile("snap", 64L * MIB);
    CompletableFuture<Void> done = n.get("n1").transfers().ship("n2", 1, file, request("install 1"));
    long maxAhead = 0;
    long maxNanos = 0;
    int duringTransfer = 0;
    for (int i = 0; !done.isDone(); i++) {
      String ping = "ping " + i; // 100 bytes, as a heartbeat
      String padded = ping + " ".repeat(100 - ping.length());
      long before = chunkBytesArrived.get();
      long t0 = System.nanoTime();
      raft.send("n2", padded.getBytes(StandardCharsets.UTF_8));
      byte[] got = n.get("n2").raft().poll(WAIT.toSeconds(), TimeUnit.SECONDS);
      long nanos = System.nanoTime() - t0;
      assertNotNull(got, padded.trim() + " arrived");
      long ahead = arrivedBeforePing.get(new String(got, StandardCharsets.UTF_8)) - before;
      duringTransfer += ahead > 0 ? 1 : 0;
      maxAhead = Math.max(maxAhead, ahead);
      maxNanos = Math.max(maxNanos, nanos);
    }
    done.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    System.out.printf("pings behind chunks: %d, most chunk bytes ahead of one: %d, slowest: %.1f ms%n",
        duringTransfer, maxAhead, maxNanos / 1e6);
    assertTrue(duringTransfer >= 3, "pings were measured while chunks flowed: " + duringTransfer);
    // One chunk of slack: a chunk may arrive between reading the counter and sending the ping.
    assertTrue(maxAhead <= SETTINGS.windowBytes() + SETTINGS.chunkBytes(),
        "a Raft message waits behind at most one window of chunks, waited behind " + maxAhead + " bytes");
    assertTrue(maxNanos < TimeUnit.SECONDS.toNanos(1), "slowest ping " + maxNanos / 1e6 + " ms");
  }

  @Test
  void shipping_the_same_transfer_again_joins_the_running_one_or_once_done_sends_it_again() throws Exception {
    AtomicBoolean loseNextOffer = new AtomicBoolean();
    UnaryOperator<Transport> hook = t -> HookedTransport.onSend(t, (to, payload) ->
        !(TransferCodec.isTransfer(payload) && payload[1] == TransferCodec.OFFER && loseNextOffer.compareAndSet(true, false)));
    Map<String, Node> n = cluster(SETTINGS, Map.of("n1", hook), "n1", "n2");
    Path file = randomFile("snap", 16L * MIB);
    CompletableFuture<Void> first = n.get("n1").transfers().ship("n2", 4, file, request("install 4"));
    CompletableFuture<Void> again = n.get("n1").transfers().ship("n2", 4, file, request("install 4 again"));
    assertArrives(n.get("n2"), "n1", file, request("install 4"));
    CompletableFuture.allOf(first, again).get(WAIT.toSeconds(), TimeUnit.SECONDS);
    assertEquals(16L * MIB, n.get("n1").transfers().shipperStats().bytesSent(), "sent once");
    // Once done, the same id and file make a new run (the follower may need the snapshot again); its
    // first offer is lost, and the re-offer must not be taken for the finished run's.
    loseNextOffer.set(true);
    n.get("n1").transfers().ship("n2", 4, file, request("install 4, later")).get(WAIT.toSeconds(), TimeUnit.SECONDS);
    assertArrives(n.get("n2"), "n1", file, request("install 4, later"));
    Path empty = Files.createFile(tmp.resolve("empty"));
    n.get("n1").transfers().ship("n2", 4, empty, request("install 4, empty")).get(WAIT.toSeconds(), TimeUnit.SECONDS);
    assertArrives(n.get("n2"), "n1", empty, request("install 4, empty"));
    assertEquals(3, n.get("n2").transfers().receiverStats().installed(), "the id may be used again once done");
  }

  @Test
  void with_frames_lost_and_corrupted_at_random_in_both_directions_the_file_still_arrives_intact() throws Exception {
    SplittableRandom lossy = new SplittableRandom(seed);
    AtomicInteger lost = new AtomicInteger();
    AtomicInteger corrupted = new AtomicInteger();
    AtomicInteger frames = new AtomicInteger(); // the 7th frame is lost and the 11th chunk corrupted, whatever the seed
    AtomicInteger chunks = new AtomicInteger();
    // Both hooks run on one thread each (the shipper's, the receiver's); the random source is shared,
    // so it is used under a lock.
    java.util.function.BiPredicate<String, byte[]> chaos = (to, payload) -> {
      if (!TransferCodec.isTransfer(payload)) {
        return true;
      }
      synchronized (lossy) {
        boolean chunk = payload[1] == TransferCodec.CHUNK;
        int k = frames.incrementAndGet();
        double r = k == 7 ? 0 : chunk && chunks.incrementAndGet() == 11 ? 0.04 : lossy.nextDouble();
        if (r < 0.03) {
          lost.incrementAndGet();
          return false;
        }
        if (r < 0.05 && chunk) {
          corrupted.incrementAndGet();
          payload[TransferCodec.CHUNK_HEADER + lossy.nextInt(payload.length - TransferCodec.CHUNK_HEADER)] ^= 1;
        }
        return true;
      }
    };
    TransferSettings quick = SETTINGS.withChunks(64 << 10, 8).withTimeouts(Duration.ofMillis(150), Duration.ofSeconds(30));
    Map<String, Node> n = cluster(quick, Map.of("n1", t -> HookedTransport.onSend(t, chaos),
        "n2", t -> HookedTransport.onSend(t, chaos)), "n1", "n2");
    Path file = randomFile("snap", 12L * MIB + 3);
    CompletableFuture<Void> done = n.get("n1").transfers().ship("n2", 1, file, request("install 1"));
    assertArrives(n.get("n2"), "n1", file, request("install 1"));
    done.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    SnapshotReceiver.Stats got = n.get("n2").transfers().receiverStats();
    assertTrue(lost.get() > 0 && corrupted.get() > 0);
    System.out.println("lost " + lost + ", corrupted " + corrupted + "; " + got + "; "
        + n.get("n1").transfers().shipperStats());
    assertEquals(corrupted.get(), got.corruptChunks(), "every corrupt chunk was caught");
    assertEquals(12L * MIB + 3, got.bytesWritten(), "nothing written twice, nothing corrupt written");
  }

  @Test
  void concurrent_transfers_to_two_peers_both_arrive() throws Exception {
    Map<String, Node> n = cluster("n1", "n2", "n3");
    Path a = randomFile("a", 24L * MIB);
    Path b = randomFile("b", 24L * MIB + 5);
    CompletableFuture<Void> toN2 = n.get("n1").transfers().ship("n2", 1, a, request("to n2"));
    CompletableFuture<Void> toN3 = n.get("n1").transfers().ship("n3", 1, b, request("to n3"));
    assertArrives(n.get("n2"), "n1", a, request("to n2"));
    assertArrives(n.get("n3"), "n1", b, request("to n3"));
    CompletableFuture.allOf(toN2, toN3).get(WAIT.toSeconds(), TimeUnit.SECONDS);
  }

  @Test
  void a_newer_transfer_to_the_same_peer_cancels_the_older_and_deletes_its_partial_file() throws Exception {
    // Chunks of transfer 1 beyond 1 MiB are lost: it cannot finish before transfer 2 replaces it.
    UnaryOperator<Transport> stallFirst = t -> HookedTransport.onSend(t, (to, payload) ->
        !(HookedTransport.chunkOffset(payload) >= MIB && payload[9] == 1));
    Map<String, Node> n = cluster(SETTINGS, Map.of("n1", stallFirst), "n1", "n2");
    Path big = randomFile("big", 32L * MIB);
    Path small = randomFile("small", MIB + 1);
    CompletableFuture<Void> first = n.get("n1").transfers().ship("n2", 1, big, request("install 1"));
    await(() -> n.get("n2").transfers().receiverStats().bytesWritten() >= MIB, "transfer 1 under way at n2");
    assertEquals(1, partFiles(n.get("n2")).size());
    CompletableFuture<Void> second = n.get("n1").transfers().ship("n2", 2, small, request("install 2"));
    ReceivedSnapshot got = assertArrives(n.get("n2"), "n1", small, request("install 2"));
    assertEquals(2, got.transferId());
    second.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    CancellationException e = assertThrows(CancellationException.class, () -> first.get(WAIT.toSeconds(), TimeUnit.SECONDS));
    assertTrue(e.getCause().getMessage().contains("replaced by transfer 2"), e.getCause().getMessage());
    assertEquals(1, n.get("n2").transfers().receiverStats().abandoned());
    assertTrue(n.get("n2").received().isEmpty(), "transfer 1 was never handed on");
  }

  @Test
  void a_transfer_cut_off_for_good_is_abandoned_by_both_sides_and_the_partial_file_deleted() throws Exception {
    AtomicBoolean silent = new AtomicBoolean();
    UnaryOperator<Transport> fallSilent = t -> HookedTransport.onSend(t, (to, payload) -> {
      if (HookedTransport.chunkOffset(payload) >= MIB) {
        silent.set(true);
      }
      return !silent.get();
    });
    TransferSettings quickToAbandon = SETTINGS.withTimeouts(Duration.ofSeconds(1), Duration.ofMillis(300));
    Map<String, Node> n = cluster(quickToAbandon, Map.of("n1", fallSilent), "n1", "n2");
    CompletableFuture<Void> done = n.get("n1").transfers().ship("n2", 1, randomFile("snap", 8L * MIB),
        request("install 1"));
    await(() -> n.get("n2").transfers().receiverStats().abandoned() == 1, "n2 abandoned the silent transfer");
    ExecutionException e = assertThrows(ExecutionException.class, () -> done.get(WAIT.toSeconds(), TimeUnit.SECONDS));
    assertTrue(e.getCause().getMessage().contains("gave up snapshot transfer 1 to n2 at 1048576 of 8388608 bytes"),
        "the sender, hearing nothing either, gave up: " + e.getCause().getMessage());
    assertEquals(List.of(), partFiles(n.get("n2")));
    assertEquals(MIB, n.get("n2").transfers().receiverStats().bytesWritten());
    assertTrue(n.get("n2").received().isEmpty());
  }

  @Test
  void a_receiver_at_its_limit_of_transfers_refuses_another() throws Exception {
    UnaryOperator<Transport> stall = t -> HookedTransport.onSend(t, (to, payload) ->
        HookedTransport.chunkOffset(payload) < MIB);
    Map<String, Node> n = cluster(SETTINGS.withIncomingLimits(1, 1L << 40), Map.of("n2", stall), "n1", "n2", "n3");
    Path a = randomFile("a", 8L * MIB);
    CompletableFuture<Void> fromN2 = n.get("n2").transfers().ship("n1", 1, a, request("from n2"));
    await(() -> n.get("n1").transfers().receiverStats().bytesWritten() >= MIB, "n2's transfer under way at n1");
    CompletableFuture<Void> fromN3 = n.get("n3").transfers().ship("n1", 1, a, request("from n3"));
    ExecutionException e = assertThrows(ExecutionException.class, () -> fromN3.get(WAIT.toSeconds(), TimeUnit.SECONDS));
    assertTrue(e.getCause().getMessage().contains("n1 aborted snapshot transfer 1: the receiver already runs its "
        + "maximum of concurrent transfers"), e.getCause().getMessage());
    assertFalse(fromN2.isDone());
    assertEquals(1, n.get("n1").transfers().receiverStats().refused());
  }

  @Test
  void a_malformed_transfer_frame_is_counted_and_dropped_and_the_link_keeps_working() throws Exception {
    Map<String, Node> n = cluster("n1", "n2");
    n.get("n1").tcp().send("n2", new byte[] {TransferCodec.TAG, 42, 0, 0, 0, 0, 0, 0, 0, 1});
    n.get("n1").tcp().send("n2", request("after"));
    byte[] got = n.get("n2").raft().poll(WAIT.toSeconds(), TimeUnit.SECONDS);
    assertArrayEquals(request("after"), got, "the Raft payload after it arrived, and only it");
    assertEquals(1, n.get("n2").transfers().malformedFrames("n1"));
    Path file = randomFile("snap", MIB);
    n.get("n1").transfers().ship("n2", 3, file, request("install 3")).get(WAIT.toSeconds(), TimeUnit.SECONDS);
    assertArrives(n.get("n2"), "n1", file, request("install 3"));
  }

  @Test
  void a_file_that_cannot_be_read_fails_the_transfer_naming_it() throws Exception {
    Map<String, Node> n = cluster("n1", "n2");
    Path missing = tmp.resolve("no-such-snapshot");
    CompletableFuture<Void> done = n.get("n1").transfers().ship("n2", 1, missing, request("install 1"));
    ExecutionException e = assertThrows(ExecutionException.class, () -> done.get(WAIT.toSeconds(), TimeUnit.SECONDS));
    assertInstanceOf(TransferFailedException.class, e.getCause());
    assertTrue(e.getCause().getMessage().contains("cannot send snapshot " + missing + " to n2"), e.getCause().getMessage());
  }

  @Test
  void files_an_earlier_process_left_in_the_receivers_directory_are_deleted_at_start() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("n2-incoming"));
    Files.write(dir.resolve("incoming-3.part"), new byte[10]);
    Files.write(dir.resolve("incoming-2.snapshot"), new byte[10]);
    Files.write(dir.resolve("other"), new byte[1]);
    cluster("n1", "n2");
    try (Stream<Path> files = Files.list(dir)) {
      assertEquals(List.of(dir.resolve("other")), files.toList());
    }
  }
}
