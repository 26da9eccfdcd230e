package io.refraft.impl.server;

import io.refraft.impl.http.Http1Server;
import io.refraft.impl.http.HttpLimits;
import io.refraft.impl.http.HttpTls;
import io.refraft.impl.metrics.NodeMetrics;
import io.refraft.impl.net.PeerAddresses;
import io.refraft.impl.net.TcpTransport;
import io.refraft.impl.net.TransportConfig;
import io.refraft.impl.node.Driver;
import io.refraft.impl.node.NdjsonTraceSink;
import io.refraft.impl.node.RecordingStateMachine;
import io.refraft.impl.snapshot.SnapshotTransfers;
import io.refraft.impl.snapshot.TransferSettings;
import io.refraft.impl.node.SystemClock;
import io.refraft.impl.node.TraceSink;
import io.refraft.impl.storage.FileStorage;
import io.refraft.impl.storage.Storage;
import io.refraft.impl.tls.SslContexts;
import io.refraft.impl.tls.TlsFileException;
import io.refraft.impl.tls.TlsFiles;
import io.refraft.spec.Config;
import io.refraft.spec.NodeId;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running node: storage, transport, driver and HTTP API, opened in that order and closed in
 * reverse. Every resource acquired before a failure is released before {@link #start} throws.
 *
 * <p>The real node's composition root: {@link #start(NodeSettings, Decorators, Consumer)} builds
 * every collaborator and lets the given {@link Decorators} wrap each one as it is built
 * ({@link Decorators#NONE} for a node; the planted bugs of {@code refraft node --inject-bug}
 * otherwise, which the command line passes in, so this class does not know them).
 */
public final class NodeServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(NodeServer.class);
  private static final java.time.Duration TLS_HANDSHAKE_TIMEOUT = java.time.Duration.ofSeconds(10);

  private final NodeSettings settings;
  private final FileStorage storage;
  private final TcpTransport transport;
  private final SnapshotTransfers transfers;
  private final SystemClock clock;
  private final Driver driver;
  private final KvAnswers answers;
  private final RecordingStateMachine applied;
  private final Http1Server http;
  private final TraceSink trace;
  private final NodeMetrics metrics;
  private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();

  private NodeServer(NodeSettings settings, FileStorage storage, TcpTransport transport, SnapshotTransfers transfers,
      SystemClock clock, Driver driver, KvAnswers answers, RecordingStateMachine applied, Http1Server http,
      TraceSink trace, NodeMetrics metrics) {
    this.settings = settings;
    this.storage = storage;
    this.transport = transport;
    this.transfers = transfers;
    this.clock = clock;
    this.driver = driver;
    this.answers = answers;
    this.applied = applied;
    this.http = http;
    this.trace = trace;
    this.metrics = metrics;
  }

  /**
   * Opens everything and starts the node. {@code onFatal} hears of an error that stopped the node
   * later (a failed fsync); the caller should then {@link #close()} and exit.
   */
  public static NodeServer start(NodeSettings s, Consumer<Throwable> onFatal) throws StartupException {
    return start(s, Decorators.NONE, onFatal);
  }

  /** {@link #start(NodeSettings, Consumer)}, with every collaborator wrapped by {@code d} as it is built. */
  public static NodeServer start(NodeSettings s, Decorators d, Consumer<Throwable> onFatal)
      throws StartupException {
    // Certificates are read before anything is opened: a bad file must not leave a half-started node.
    Optional<SSLContext> peerTls = sslContext(s.tls().peer());
    Optional<SSLContext> clientTls = sslContext(s.tls().client());
    List<AutoCloseable> opened = new ArrayList<>();
    try {
      FileStorage storage = openStorage(s);
      opened.add(storage);
      TcpTransport transport = bindTransport(s, peerTls);
      opened.add(transport);
      // Snapshot data travels beside the Raft messages on the same connections (impl.snapshot); a
      // received, verified snapshot goes to the driver, which steps its InstallSnapshotRequest.
      java.util.concurrent.atomic.AtomicReference<Driver> receiverOf = new java.util.concurrent.atomic.AtomicReference<>();
      SnapshotTransfers transfers = openTransfers(s, transport, receiverOf);
      opened.add(transfers);
      Http1Server http = bindHttp(s, clientTls.map(c -> new HttpTls(c, s.tls().client().orElseThrow().trustedCa().isPresent())));
      opened.add(http);
      SystemClock clock = new SystemClock("timers-" + s.id());
      opened.add(clock);
      Config config = Config.of(List.copyOf(new TreeSet<>(s.members().keySet())));
      KvService kv = new KvService();
      RecordingStateMachine applied = new RecordingStateMachine(false);
      TraceSink trace = TraceSink.OFF;
      if (s.trace().isPresent()) {
        NdjsonTraceSink sink = openTrace(s, config);
        opened.add(sink);
        trace = sink;
      }
      // With tracing on, a turn's trace lines reach the file before its storage writes (TraceFirstStorage).
      NodeMetrics metrics = new NodeMetrics(s.id().name(), s.clusterId());
      Storage disk = d.storage(metrics.storage(storage));
      Storage driverStorage = trace == TraceSink.OFF ? disk : new TraceFirstStorage(disk, trace);
      Driver.Parts parts = Decorators.driverParts(d);
      Driver driver = new Driver(s.id(), config, s.timing(), clock, new SplittableRandom(),
          metrics.transport(transfers.raftTransport()), driverStorage, applied.andThen(d.stateMachine(kv)),
          trace == TraceSink.OFF ? trace : d.trace(trace),
          new Driver.Parts(metrics.step(parts.step()), parts.proposals(), parts.reads()), onFatal);
      metrics.observe(driver, transport, config.members().stream().filter(m -> !m.equals(s.id()))
          .map(NodeId::name).toList());
      // Message ids (from/to/seq) must not repeat across restarts (traces/FORMAT.md §2.2): start from the
      // wall clock in ms times 2^20, above any earlier run's unless it sent over a million messages per ms.
      driver.firstMessageSeq(Math.max(1, System.currentTimeMillis() << 20));
      driver.snapshotting(s.snapshots(), (peer, id, request, file) -> transfers.ship(peer, id, file, request));
      receiverOf.set(driver); // before start: no frame arrives before the driver starts the transport
      try {
        driver.start();
      } catch (IOException e) {
        throw new StartupException("cannot recover from data directory " + s.data() + ": " + e.getMessage(), e);
      }
      NodeServer server = new NodeServer(s, storage, transport, transfers, clock, driver, d.answers(kv), applied, http,
          trace, metrics);
      http.start(metrics.http(d.http(HttpApi.handler(server))));
      LOG.info("{} started: peers on {}{}, clients on {}://{}:{}, data in {}", s.id(), transport.localAddress(),
          peerTls.isPresent() ? " (mutual TLS)" : "", clientTls.isPresent() ? "https" : "http",
          s.client().getHostString(), http.address().getPort(), s.data());
      return server;
    } catch (StartupException | RuntimeException e) {
      closeAll(opened.reversed());
      throw e;
    }
  }

  private static NdjsonTraceSink openTrace(NodeSettings s, Config config) throws StartupException {
    Path file = s.trace().orElseThrow();
    try {
      if (file.toAbsolutePath().getParent() != null) {
        Files.createDirectories(file.toAbsolutePath().getParent());
      }
      return NdjsonTraceSink.open(file, config, s.id(), "refraft node " + s.id());
    } catch (IOException e) {
      throw new StartupException("cannot write the trace file " + file + ": " + e.getMessage(), e);
    }
  }

  private static FileStorage openStorage(NodeSettings s) throws StartupException {
    try {
      Files.createDirectories(s.data());
    } catch (IOException e) {
      throw new StartupException("cannot create data directory " + s.data() + ": " + e, e);
    }
    if (!Files.isDirectory(s.data()) || !Files.isWritable(s.data())) {
      throw new StartupException("data directory " + s.data() + " is not a writable directory", null);
    }
    try {
      return FileStorage.open(s.data(), FileStorage.Options.defaults().withRepair(s.repair()));
    } catch (IOException e) {
      throw new StartupException("cannot open data directory " + s.data() + ": " + e.getMessage(), e);
    }
  }

  private static Optional<SSLContext> sslContext(Optional<TlsFiles> files) throws StartupException {
    if (files.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(SslContexts.of(files.get()));
    } catch (TlsFileException e) {
      throw new StartupException(e.getMessage(), e);
    }
  }

  /**
   * The snapshot transfers over {@code transport}; received snapshots land in the data directory's
   * {@code snapshot-incoming} (the same file system as storage) and go to the driver in {@code receiverOf}.
   */
  private static SnapshotTransfers openTransfers(NodeSettings s, TcpTransport transport,
      java.util.concurrent.atomic.AtomicReference<Driver> receiverOf) throws StartupException {
    try {
      return SnapshotTransfers.open(s.id().name(), transport, s.data().resolve("snapshot-incoming"),
          TransferSettings.defaults(), r -> receiverOf.get().snapshotArrived(r.from(), r.request(), r.file()));
    } catch (java.io.IOException e) {
      throw new StartupException("cannot open " + s.data().resolve("snapshot-incoming") + ": " + e.getMessage(), e);
    }
  }

  private static TcpTransport bindTransport(NodeSettings s, Optional<SSLContext> tls) throws StartupException {
    Map<String, InetSocketAddress> peers = new HashMap<>();
    s.members().forEach((id, addr) -> {
      if (!id.equals(s.id())) {
        peers.put(id.name(), addr);
      }
    });
    InetSocketAddress listen = s.members().get(s.id());
    TransportConfig config = TransportConfig.of(s.id().name(), s.clusterId(), peers.keySet(), listen);
    if (tls.isPresent()) {
      // A node's first TLS handshakes run cold (class loading, unoptimized elliptic-curve code) and
      // took several seconds on a loaded 2-core machine; 1 s cut them off again and again.
      config = config.withHandshakeTimeout(TLS_HANDSHAKE_TIMEOUT);
    }
    try {
      return TcpTransport.bind(config, PeerAddresses.of(peers), new SplittableRandom(), tls);
    } catch (IOException e) {
      throw new StartupException("cannot listen for peers on " + hostPort(listen) + ": " + e.getMessage(), e);
    }
  }

  private static Http1Server bindHttp(NodeSettings s, Optional<HttpTls> tls) throws StartupException {
    try {
      return Http1Server.bind(s.id().name(), s.client(), HttpLimits.withMaxBody(s.maxRequestBytes()), tls);
    } catch (IOException e) {
      throw new StartupException("cannot listen for clients on " + hostPort(s.client()) + ": " + e.getMessage(), e);
    }
  }

  static String hostPort(InetSocketAddress a) {
    return a.getHostString() + ":" + a.getPort();
  }

  public NodeSettings settings() {
    return settings;
  }

  public Driver driver() {
    return driver;
  }

  public TcpTransport transport() {
    return transport;
  }

  /** The node's metrics ({@code GET /metrics}). */
  public NodeMetrics metrics() {
    return metrics;
  }

  /** {@link Driver#propose}, its outcome counted in the metrics. */
  CompletableFuture<Long> propose(byte[] command) {
    return metrics.proposal(driver.propose(command));
  }

  /** {@link Driver#read}, its outcome counted in the metrics. */
  CompletableFuture<Long> read() {
    return metrics.read(driver.read());
  }

  /** Counts and digests what was applied (reported by {@code /status}). */
  public RecordingStateMachine stateMachine() {
    return applied;
  }

  /** The KV service as clients' requests see it. */
  KvAnswers answers() {
    return answers;
  }

  /** The HTTP API's server, for its TLS counters. */
  Http1Server http() {
    return http;
  }

  /** The HTTP API's bound address (the real port when the settings asked for port 0). */
  public InetSocketAddress clientAddress() {
    return http.address();
  }

  /** The HTTP base URL of a member, for redirects, when known. */
  String clientUrlOf(NodeId id) {
    return settings.peerClients().get(id);
  }

  /** Stops the API, the driver, the transport and storage, in that order; idempotent. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    List<AutoCloseable> parts = new ArrayList<>();
    parts.add(http);
    parts.add(driver::stop);
    parts.add(clock);
    if (trace instanceof AutoCloseable c) {
      parts.add(c);
    }
    parts.add(transfers);
    parts.add(transport);
    parts.add(storage);
    closeAll(parts);
  }

  private static void closeAll(List<AutoCloseable> parts) {
    for (AutoCloseable c : parts) {
      try {
        c.close();
      } catch (Exception e) {
        LOG.warn("while closing: {}", e.toString());
      }
    }
  }
}
