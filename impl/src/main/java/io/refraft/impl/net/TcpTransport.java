package io.refraft.impl.net;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.random.RandomGenerator;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link Transport} over TCP with blocking sockets on virtual threads (JEP 444): per connection one
 * reader and one writer thread, per dialed peer one dialer, one acceptor. Blocking code on virtual
 * threads reads top to bottom, and a thread per socket costs a few hundred bytes.
 *
 * <p><b>One connection per pair, the smaller id dials.</b> Node {@code a} dials {@code b} iff
 * {@code a.compareTo(b) < 0}; the other side only accepts. Both directions share that connection.
 * Because only one side ever dials, two nodes never connect to each other at the same time, so no
 * tie-break between two crossing connections is needed. The one remaining race, a dialer that
 * restarted (or saw its connection fail) dialing again while the acceptor still holds the old,
 * possibly half-open connection, is settled by "the newest handshake wins": installing a
 * connection closes the one it replaces. The price: the larger-id node cannot repair a connection
 * itself and waits for the dialer's next attempt, which the capped backoff bounds.
 *
 * <p><b>Handshake.</b> Each side writes its {@link Hello} as the first frame, then reads the
 * other's; a wrong magic, protocol version or cluster id, an unknown node id, a dialed address
 * answering with another id, or a dial in the wrong direction is refused: logged at WARN with the
 * values, counted by {@link Refusal}, and the connection closed.
 *
 * <p><b>TLS.</b> Bound with an {@link SSLContext}, every connection is mutual TLS 1.3 before the
 * Hello ({@link PeerTls}): an acceptor reads the first byte and refuses a plaintext peer
 * ({@link Refusal#NOT_TLS}); a certificate the CA did not sign, or an expired one, fails the TLS
 * handshake ({@link Refusal#TLS_CERTIFICATE}); after the Hello the certificate must be the claimed
 * node id's ({@link Refusal#CERTIFICATE_IDENTITY}). Without TLS, an acceptor that receives a TLS
 * handshake refuses it ({@link Refusal#TLS_ON_PLAINTEXT_PORT}). All of this happens before the
 * connection is installed, so no frame of a refused peer reaches the receiver.
 *
 * <p><b>Failures.</b> A length prefix over {@code maxFrameBytes} or any other framing error closes
 * that connection only (logged at WARN, counted in {@link PeerStats#malformedFrames()}); the dialer
 * reconnects after a jittered exponential backoff ({@link Backoff}).
 */
public final class TcpTransport implements Transport {

  private static final Logger log = LoggerFactory.getLogger(TcpTransport.class);
  private static final Duration CLOSE_JOIN_TIMEOUT = Duration.ofSeconds(5);

  private enum State { NEW, RUNNING, CLOSED }

  private final TransportConfig config;
  private final PeerAddresses addresses;
  private final RandomGenerator random;
  private final ServerSocket server;
  private final Map<String, PeerLink> links;
  private final Hello hello;
  private final Optional<PeerTls> tls;
  private final AtomicReference<State> state = new AtomicReference<>(State.NEW);
  private final Set<Thread> threads = ConcurrentHashMap.newKeySet();
  private final Map<Refusal, LongAdder> refusals = new EnumMap<>(Refusal.class);
  private final LongAdder droppedUnknownPeer = new LongAdder();
  /** The last refusal per source (dialed peer or remote host), so a repeat is logged at DEBUG. */
  private final Map<String, Refusal> lastRefusal = new ConcurrentHashMap<>();
  private volatile Receiver receiver;

  private TcpTransport(TransportConfig config, PeerAddresses addresses, RandomGenerator random,
      ServerSocket server, Optional<SSLContext> tls) {
    this.config = config;
    this.tls = tls.map(PeerTls::new);
    this.addresses = addresses;
    this.random = random;
    this.server = server;
    this.hello = Hello.of(config.clusterId(), config.nodeId());
    Map<String, PeerLink> m = new TreeMap<>();
    for (String p : config.peers()) {
      m.put(p, new PeerLink(p, config.queueCapacity()));
    }
    this.links = Collections.unmodifiableMap(m);
    for (Refusal r : Refusal.values()) {
      refusals.put(r, new LongAdder());
    }
  }

  /**
   * Binds the listening socket (so {@link #localAddress()} is known before {@link #start}).
   *
   * @param addresses where to dial the peers this node dials; asked before every attempt
   * @param random jitter source for reconnect backoff; seed it for reproducible tests
   * @throws IOException if the listen address cannot be bound
   */
  public static TcpTransport bind(TransportConfig config, PeerAddresses addresses, RandomGenerator random)
      throws IOException {
    return bind(config, addresses, random, Optional.empty());
  }

  /**
   * {@link #bind(TransportConfig, PeerAddresses, RandomGenerator)}, with mutual TLS on every
   * connection when {@code tls} is present: its key managers present this node's certificate, its
   * trust managers hold the CA every peer's certificate must chain to.
   */
  public static TcpTransport bind(TransportConfig config, PeerAddresses addresses, RandomGenerator random,
      Optional<SSLContext> tls) throws IOException {
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(tls, "tls");
    Objects.requireNonNull(addresses, "addresses");
    Objects.requireNonNull(random, "random");
    ServerSocket server = new ServerSocket();
    try {
      // Lets a restarted node rebind its port while old connections linger in TIME_WAIT.
      server.setReuseAddress(true);
      server.bind(config.listen(), 128);
    } catch (IOException e) {
      server.close();
      throw new IOException(config.nodeId() + ": cannot listen on " + config.listen() + ": " + e.getMessage(), e);
    }
    return new TcpTransport(config, addresses, random, server, tls);
  }

  /** The bound listening address (with the real port when the config asked for port 0). */
  public InetSocketAddress localAddress() {
    return new InetSocketAddress(server.getInetAddress(), server.getLocalPort());
  }

  public TransportConfig config() {
    return config;
  }

  @Override
  public void start(Receiver r) {
    Objects.requireNonNull(r, "receiver");
    if (!state.compareAndSet(State.NEW, State.RUNNING)) {
      throw new IllegalStateException(config.nodeId() + ": transport already started or closed");
    }
    this.receiver = r; // read only by connections, which exist only after the threads below start
    spawn("acceptor", this::acceptLoop);
    for (PeerLink link : links.values()) {
      if (config.dials(link.id)) {
        spawn("dialer-" + link.id, () -> dialLoop(link));
      }
    }
    log.info("{}: transport listening on {}", config.nodeId(), localAddress());
  }

  @Override
  public void send(String to, byte[] payload) {
    Objects.requireNonNull(to, "to");
    Objects.requireNonNull(payload, "payload");
    PeerLink link = links.get(to);
    if (link == null) {
      droppedUnknownPeer.increment();
      log.debug("{}: dropped a frame to unknown peer '{}'", config.nodeId(), to);
      return;
    }
    if (link.blocked) {
      link.droppedBlockedOutbound.increment();
      return;
    }
    if (payload.length > config.maxFrameBytes()) {
      link.droppedTooLarge.increment();
      log.warn("{}: dropped a {}-byte payload to {}: above the maximum frame size {}",
          config.nodeId(), payload.length, to, config.maxFrameBytes());
      return;
    }
    link.queue.offer(payload);
  }

  @Override
  public void blockPeer(String peer, boolean blocked) {
    PeerLink link = links.get(peer);
    if (link == null) {
      throw new IllegalArgumentException(config.nodeId() + ": no peer '" + peer + "'; peers are " + links.keySet());
    }
    link.blocked = blocked;
    log.info("{}: traffic to and from {} {}", config.nodeId(), peer, blocked ? "blocked" : "unblocked");
  }

  @Override
  public boolean connected(String peer) {
    PeerLink link = links.get(peer);
    return link != null && link.connected();
  }

  /** Counters of the link to {@code peer}. */
  public PeerStats stats(String peer) {
    PeerLink link = links.get(peer);
    if (link == null) {
      throw new IllegalArgumentException(config.nodeId() + ": no peer '" + peer + "'; peers are " + links.keySet());
    }
    return link.stats();
  }

  /** Handshakes refused so far, by reason (every reason present, most with 0). */
  public Map<Refusal, Long> refusals() {
    Map<Refusal, Long> m = new EnumMap<>(Refusal.class);
    refusals.forEach((r, n) -> m.put(r, n.sum()));
    return m;
  }

  /** Whether connections are mutual TLS. */
  public boolean tls() {
    return tls.isPresent();
  }

  /** Sends dropped because the destination is not a configured peer. */
  public long droppedUnknownPeer() {
    return droppedUnknownPeer.sum();
  }

  @Override
  public void close() {
    if (state.getAndSet(State.CLOSED) == State.CLOSED) {
      return;
    }
    try {
      server.close();
    } catch (IOException e) {
      log.debug("{}: closing the listening socket: {}", config.nodeId(), e.toString());
    }
    for (PeerLink link : links.values()) {
      link.queue.close();
      Connection c = link.shutDown();
      if (c != null) {
        c.close("transport closed");
      }
    }
    threads.forEach(Thread::interrupt);
    long deadline = System.nanoTime() + CLOSE_JOIN_TIMEOUT.toNanos();
    for (Thread t : threads) {
      if (t.getState() == Thread.State.NEW) {
        continue; // spawned as the transport closed, not started yet: it sees CLOSED and ends
      }
      try {
        if (!t.join(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())))) {
          log.warn("{}: thread {} did not stop within {}", config.nodeId(), t.getName(), CLOSE_JOIN_TIMEOUT);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    log.info("{}: transport closed", config.nodeId());
  }

  private boolean running() {
    return state.get() == State.RUNNING;
  }

  /**
   * Peer threads are platform threads, a few per peer: on virtual threads they shared the carriers
   * (one per core) with the HTTP API's connections, and 64 clients' TLS handshakes held both carriers
   * of a 2-core machine long enough for heartbeats to arrive late and leadership to move.
   */
  private void spawn(String name, Runnable body) {
    Thread t = Thread.ofPlatform().daemon().name("refraft-net-" + config.nodeId() + "-" + name).unstarted(() -> {
      try {
        body.run();
      } finally {
        threads.remove(Thread.currentThread());
      }
    });
    threads.add(t);
    t.start();
  }

  private void acceptLoop() {
    while (running()) {
      Socket s;
      try {
        s = server.accept();
      } catch (IOException e) {
        if (running()) {
          log.warn("{}: accept failed: {}", config.nodeId(), e.toString());
          continue;
        }
        return;
      }
      spawn("handshake-" + s.getPort(), () -> acceptHandshake(s));
    }
  }

  private void acceptHandshake(Socket raw) {
    Socket s = raw;
    try {
      configure(raw);
      Optional<SSLSocket> ssl = Optional.empty();
      if (tls.isPresent()) {
        ssl = Optional.of(tls.get().accept(raw));
        s = ssl.get();
      }
      BufferedInputStream in = new BufferedInputStream(s.getInputStream(), Connection.BUFFER_BYTES);
      BufferedOutputStream out = new BufferedOutputStream(s.getOutputStream(), Connection.BUFFER_BYTES);
      Hello theirs;
      if (ssl.isPresent()) {
        // Over TLS the acceptor answers only a Hello its certificate backs, so a dialer with
        // another node's certificate never gets as far as installing a connection.
        theirs = receiveHello(in);
        PeerTls.checkIdentity(ssl.get(), theirs.nodeId(), "claims");
        sendHello(out);
      } else {
        theirs = exchange(in, out);
      }
      PeerLink link = links.get(theirs.nodeId());
      if (link == null) {
        throw new HandshakeException(Refusal.UNKNOWN_NODE,
            "node id '" + theirs.nodeId() + "' is not a peer of " + config.nodeId() + " (peers " + links.keySet() + ")");
      }
      if (config.dials(link.id)) {
        throw new HandshakeException(Refusal.WRONG_DIRECTION,
            "'" + link.id + "' dialed '" + config.nodeId() + "', but the node with the smaller id dials");
      }
      install(link, s, in, out);
    } catch (HandshakeException e) {
      refuse(e, "from " + raw.getRemoteSocketAddress(), "from " + raw.getInetAddress());
      closeQuietly(s);
      closeQuietly(raw);
    } catch (SSLException e) {
      refuse(PeerTls.refusal(e), "from " + raw.getRemoteSocketAddress(), "from " + raw.getInetAddress());
      closeQuietly(s);
      closeQuietly(raw);
    } catch (IOException e) {
      log.debug("{}: handshake from {} failed: {}", config.nodeId(), raw.getRemoteSocketAddress(), e.toString());
      closeQuietly(s);
      closeQuietly(raw);
    }
  }

  private void dialLoop(PeerLink link) {
    Backoff backoff = new Backoff(config.backoffMin(), config.backoffMax(), random);
    try {
      while (running()) {
        Connection c = dialOnce(link);
        if (c != null) {
          backoff.reset();
          c.awaitClosed();
        }
        if (!running()) {
          return;
        }
        TimeUnit.NANOSECONDS.sleep(backoff.nextDelayNanos());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt(); // close() asked us to stop
    }
  }

  /** One connection attempt; returns the installed connection, or null after logging why not. */
  private Connection dialOnce(PeerLink link) {
    Optional<InetSocketAddress> address = addresses.addressOf(link.id);
    if (address.isEmpty()) {
      log.debug("{}: no address for {} yet", config.nodeId(), link.id);
      return null;
    }
    Socket raw = new Socket();
    Socket s = raw;
    try {
      raw.connect(address.get(), Math.toIntExact(config.connectTimeout().toMillis()));
      configure(raw);
      Optional<SSLSocket> ssl = Optional.empty();
      if (tls.isPresent()) {
        ssl = Optional.of(tls.get().dial(raw, address.get()));
        s = ssl.get();
      }
      BufferedInputStream in = new BufferedInputStream(s.getInputStream(), Connection.BUFFER_BYTES);
      BufferedOutputStream out = new BufferedOutputStream(s.getOutputStream(), Connection.BUFFER_BYTES);
      if (ssl.isPresent()) {
        PeerTls.checkIdentity(ssl.get(), link.id, "was dialed as"); // before this node says who it is
      }
      Hello theirs = exchange(in, out);
      if (!theirs.nodeId().equals(link.id)) {
        throw new HandshakeException(Refusal.UNEXPECTED_NODE,
            "dialed '" + link.id + "' at " + address.get() + " but '" + theirs.nodeId() + "' answered");
      }
      return install(link, s, in, out);
    } catch (HandshakeException e) {
      refuse(e, "to " + link.id + " at " + address.get(), "to " + link.id);
    } catch (SSLException e) {
      // In TLS 1.3 a server's refusal of this node's certificate arrives after the client's
      // handshake completed, as an alert on the first read: here, while reading the peer's Hello.
      refuse(PeerTls.refusal(e), "to " + link.id + " at " + address.get(), "to " + link.id);
    } catch (IOException e) {
      log.debug("{}: dialing {} at {} failed: {}", config.nodeId(), link.id, address.get(), e.toString());
    }
    closeQuietly(s);
    closeQuietly(raw);
    return null;
  }

  private void configure(Socket s) throws IOException {
    s.setTcpNoDelay(true); // Raft's small RPCs must not wait for Nagle's algorithm
    s.setKeepAlive(true);
    s.setSoTimeout(Math.toIntExact(config.handshakeTimeout().toMillis()));
  }

  /** Sends our handshake, reads and checks theirs (the checks both directions share). */
  private Hello exchange(BufferedInputStream in, BufferedOutputStream out) throws IOException {
    sendHello(out);
    if (tls.isEmpty()) {
      in.mark(1);
      int first = in.read();
      in.reset();
      if (first == PeerTls.HANDSHAKE_RECORD) {
        throw new HandshakeException(Refusal.TLS_ON_PLAINTEXT_PORT,
            "a TLS handshake arrived at this plaintext port: the peer runs with --peer-cert, this node without");
      }
    }
    return receiveHello(in);
  }

  private void sendHello(BufferedOutputStream out) throws IOException {
    FrameCodec.write(out, hello.encode());
    out.flush();
  }

  private Hello receiveHello(BufferedInputStream in) throws IOException {
    byte[] body;
    try {
      body = FrameCodec.read(in, Hello.MAX_BYTES);
    } catch (MalformedFrameException e) {
      throw new HandshakeException(Refusal.MALFORMED, "handshake frame: " + e.getMessage());
    }
    if (body == null) {
      throw new IOException("peer closed the connection during the handshake (it may have refused ours)");
    }
    Hello theirs = Hello.decode(body);
    if (!theirs.clusterId().equals(config.clusterId())) {
      throw new HandshakeException(Refusal.CLUSTER_MISMATCH, "peer '" + theirs.nodeId()
          + "' is in cluster '" + theirs.clusterId() + "', this node in '" + config.clusterId() + "'");
    }
    return theirs;
  }

  private Connection install(PeerLink link, Socket s, BufferedInputStream in, BufferedOutputStream out)
      throws IOException {
    s.setSoTimeout(0); // after the handshake a quiet connection is normal; liveness is Raft's job
    Connection c = new Connection(config.nodeId(), link, s, in, out);
    Connection old = link.install(c);
    if (old == c) {
      c.close("transport closed");
      return null;
    }
    if (old != null) {
      old.close("replaced by a newer connection from the same peer");
    }
    lastRefusal.remove("to " + link.id);
    lastRefusal.remove("from " + s.getInetAddress());
    log.info("{}: connected to {} ({})", config.nodeId(), link.id, s.getRemoteSocketAddress());
    Receiver r = receiver;
    spawn("reader-" + link.id, () -> c.readLoop(r, config.maxFrameBytes()));
    spawn("writer-" + link.id, c::writeLoop);
    return c;
  }

  /**
   * Counts and logs a refusal. A misconfigured peer is refused again at every redial, so only the
   * first refusal of a reason from one source is a WARN; repeats go to DEBUG until it connects.
   */
  private void refuse(HandshakeException e, String where, String source) {
    refusals.get(e.refusal()).increment();
    if (lastRefusal.put(source, e.refusal()) != e.refusal()) {
      log.warn("{}: refused connection {}: {} (repeats logged at DEBUG)", config.nodeId(), where, e.getMessage());
    } else {
      log.debug("{}: refused connection {} again: {}", config.nodeId(), where, e.getMessage());
    }
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException e) {
      log.debug("closing a refused socket: {}", e.toString());
    }
  }
}
